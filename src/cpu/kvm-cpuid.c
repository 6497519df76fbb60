/*
 * KVM's supported CPUID (see kvm-cpuid.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "virtcaps.h"
#include "cpu/kvm-cpuid.h"

#define KVM_DEVICE "/dev/kvm"

#if defined(KVM_GET_SUPPORTED_CPUID)

/* libvirt's virHostCPUGetCPUID: start with 64 entries and double on E2BIG
 * (the kernel's "too small"); the bound keeps a broken kernel from making
 * us allocate without end. */
#define KVM_CPUID_FIRST_NENT 64
#define KVM_CPUID_MAX_NENT 65536
#define ARCH_CAPABILITIES_MSR 0x10a
#define ARCH_CAPABILITIES_BIT 29   /* CPUID.7.0:EDX */

/* KVM's value of a feature MSR (KVM_GET_MSRS on the system fd): what it
 * offers guests, as the CPUID entries are. */
static gboolean
get_feature_msr(int fd, guint32 index, guint64 *value)
{
    g_autofree struct kvm_msrs *msrs = g_malloc0(sizeof(*msrs) + sizeof(struct kvm_msr_entry));

    msrs->nmsrs = 1;
    msrs->entries[0].index = index;
    if (ioctl(fd, KVM_GET_MSRS, msrs) != 1)
        return FALSE;
    *value = msrs->entries[0].data;
    return TRUE;
}

static struct kvm_cpuid2 *
get_supported(int fd, const char *path, GError **error)
{
    for (guint32 n = KVM_CPUID_FIRST_NENT; n <= KVM_CPUID_MAX_NENT; n *= 2) {
        struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));
        int saved;
        c->nent = n;
        if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
            return c;
        saved = errno;
        g_free(c);
        if (saved != E2BIG) {
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO,
                        "%s: KVM_GET_SUPPORTED_CPUID: %s", path, g_strerror(saved));
            return NULL;
        }
    }
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO,
                "%s: KVM_GET_SUPPORTED_CPUID wants more than %d entries", path,
                KVM_CPUID_MAX_NENT);
    return NULL;
}

/* IA32_ARCH_CAPABILITIES when KVM offers it, as the host dump has it. */
static void
add_arch_capabilities(int fd, VcCpuidData *data)
{
    const VcCpuidLeaf *leaf7 = vc_cpuid_data_get(data, 7, 0);
    guint64 msr;

    if (leaf7 && (leaf7->edx >> ARCH_CAPABILITIES_BIT & 1) &&
        get_feature_msr(fd, ARCH_CAPABILITIES_MSR, &msr))
        vc_cpuid_data_add_msr(data, ARCH_CAPABILITIES_MSR, msr);
}

VcCpuidData *
vc_kvm_cpuid_read(const char *kvm_path, GError **error)
{
    const char *path = kvm_path ? kvm_path : KVM_DEVICE;
    g_autofree struct kvm_cpuid2 *c = NULL;
    VcCpuidData *data;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        int saved = errno;
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s: %s", path, g_strerror(saved));
        return NULL;
    }
    if (!(c = get_supported(fd, path, error)) || c->nent == 0) {
        if (c)
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO,
                        "%s: KVM_GET_SUPPORTED_CPUID returned no leaves", path);
        close(fd);
        return NULL;
    }
    data = vc_cpuid_data_new();
    for (guint32 i = 0; i < c->nent; i++) {
        const struct kvm_cpuid_entry2 *e = &c->entries[i];
        /* Leaves without sub-leaves have index 0 (KVM clears it). */
        VcCpuidLeaf leaf = { e->function, e->index, e->eax, e->ebx, e->ecx, e->edx };
        vc_cpuid_data_add_leaf(data, &leaf);
    }
    add_arch_capabilities(fd, data);
    close(fd);
    return data;
}

#else

VcCpuidData *
vc_kvm_cpuid_read(const char *kvm_path, GError **error)
{
    (void)kvm_path;
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                "KVM_GET_SUPPORTED_CPUID exists only on x86");
    return NULL;
}

#endif

VcCpuidData *
vc_kvm_cpuid_acquire(const char *root, GError **error)
{
    g_autofree char *path = NULL;

    if (!root || !*root || g_strcmp0(root, "/") == 0)
        return vc_kvm_cpuid_read(NULL, error);
    path = g_build_filename(root, VC_KVM_CPUID_ROOT_DUMP, NULL);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "%s: no KVM CPUID dump in the tree", path);
        return NULL;
    }
    return vc_cpuid_load_file(path, error);
}
