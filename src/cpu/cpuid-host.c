/*
 * Host CPUID acquisition as libvirt does it for host capabilities
 * (src/cpu/cpu_x86.c cpuidSet and virCPUx86GetHost, libvirt 10.x):
 *
 *  - basic leaves 0..max(leaf 0 eax) and extended leaves
 *    0x80000000..max(leaf 0x80000000 eax), each with ecx = 0;
 *  - sub-leaves of leaves 4, 7, 0xb, 0xd, 0xf, 0x10, 0x12, 0x14 and 0x17
 *    by the rules in the table below;
 *  - MSR 0x10a (IA32_ARCH_CAPABILITIES) when CPUID.7.0:EDX[29] enumerates
 *    it, from /dev/cpu/0/msr, else from KVM's feature MSRs (virHostCPUGetMSR).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__linux__)
#include <linux/kvm.h>
#endif

#include "virtcaps.h"
#include "cpu/cpuid.h"

/* Where libvirt loops "while the CPU says there is more", we stop here so a
 * broken CPU or hypervisor cannot make us loop forever. */
#define MAX_SUBLEAF 0x100
#define MAX_LEAVES_PER_RANGE 0x100

typedef struct {
    VcCpuidQueryFunc query;
    gpointer opaque;
    VcCpuidData *data;
} Walk;

static VcCpuidLeaf
query_leaf(const Walk *w, guint32 eax_in, guint32 ecx_in)
{
    guint32 r[4] = { 0 };
    VcCpuidLeaf leaf;

    w->query(eax_in, ecx_in, r, w->opaque);
    leaf = (VcCpuidLeaf){ eax_in, ecx_in, r[0], r[1], r[2], r[3] };
    return leaf;
}

static void
add_query(const Walk *w, guint32 eax_in, guint32 ecx_in)
{
    VcCpuidLeaf leaf = query_leaf(w, eax_in, ecx_in);

    vc_cpuid_data_add_leaf(w->data, &leaf);
}

/* Leaf 4 (cache parameters): sub-leaf n+1 exists while eax[4:0] of n != 0. */
static void
subleaves_4(const Walk *w, const VcCpuidLeaf *sub0)
{
    VcCpuidLeaf cur = *sub0;

    vc_cpuid_data_add_leaf(w->data, sub0);
    while ((cur.eax & 0x1f) && cur.ecx_in < MAX_SUBLEAF) {
        cur = query_leaf(w, cur.eax_in, cur.ecx_in + 1);
        vc_cpuid_data_add_leaf(w->data, &cur);
    }
}

/* Leaves 7 and 0x14: sub-leaf 0 eax is the highest sub-leaf. */
static void
subleaves_max_in_eax(const Walk *w, const VcCpuidLeaf *sub0)
{
    vc_cpuid_data_add_leaf(w->data, sub0);
    for (guint32 sub = 1; sub <= sub0->eax && sub < MAX_SUBLEAF; sub++)
        add_query(w, sub0->eax_in, sub);
}

/* Leaf 0xb (topology): sub-leaf n is valid while ecx[15:8] != 0; even
 * sub-leaf 0 is dropped when invalid. */
static void
subleaves_b(const Walk *w, const VcCpuidLeaf *sub0)
{
    VcCpuidLeaf cur = *sub0;

    while ((cur.ecx & 0xff00) && cur.ecx_in < MAX_SUBLEAF) {
        vc_cpuid_data_add_leaf(w->data, &cur);
        cur = query_leaf(w, cur.eax_in, cur.ecx_in + 1);
    }
}

/* Leaf 0xd (XSAVE): sub-leaves 0 and 1; sub-leaf n in 2..31 when bit n of
 * sub-leaf 0 eax or sub-leaf 1 ecx is set, n in 32..63 likewise with edx. */
static void
subleaves_d(const Walk *w, const VcCpuidLeaf *sub0)
{
    VcCpuidLeaf sub1 = query_leaf(w, 0xd, 1);

    vc_cpuid_data_add_leaf(w->data, sub0);
    vc_cpuid_data_add_leaf(w->data, &sub1);
    for (guint n = 2; n < 64; n++) {
        guint64 lo = (guint64)sub0->eax | sub1.ecx;
        guint64 hi = (guint64)sub0->edx | sub1.edx;
        guint64 mask = n < 32 ? lo >> n : hi >> (n - 32);
        if (mask & 1)
            add_query(w, 0xd, n);
    }
}

/* Leaves 0xf and 0x10 (RDT): sub-leaf n in 1..31 when bit n of the resource
 * mask (0xf: edx, 0x10: ebx of sub-leaf 0) is set. */
static void
subleaves_resid(const Walk *w, const VcCpuidLeaf *sub0)
{
    guint32 res = sub0->eax_in == 0xf ? sub0->edx : sub0->ebx;

    vc_cpuid_data_add_leaf(w->data, sub0);
    for (guint n = 1; n < 32; n++)
        if (res & (1u << n))
            add_query(w, sub0->eax_in, n);
}

/* Leaf 0x12 (SGX): only when CPUID.7.0:EBX[2] (sgx); sub-leaves 0 and 1,
 * then n >= 2 while eax[3:0] != 0. */
static void
subleaves_12(const Walk *w, const VcCpuidLeaf *sub0)
{
    const VcCpuidLeaf *leaf7 = vc_cpuid_data_get(w->data, 7, 0);
    VcCpuidLeaf cur;

    if (!leaf7 || !(leaf7->ebx & (1u << 2)))
        return;
    vc_cpuid_data_add_leaf(w->data, sub0);
    add_query(w, 0x12, 1);
    for (cur = query_leaf(w, 0x12, 2); (cur.eax & 0xf) && cur.ecx_in < MAX_SUBLEAF;
         cur = query_leaf(w, 0x12, cur.ecx_in + 1))
        vc_cpuid_data_add_leaf(w->data, &cur);
}

/* Leaf 0x17 (SoC vendor): only when sub-leaf 0 eax >= 3, which is also the
 * highest sub-leaf. */
static void
subleaves_17(const Walk *w, const VcCpuidLeaf *sub0)
{
    if (sub0->eax < 3)
        return;
    subleaves_max_in_eax(w, sub0);
}

static const struct {
    guint32 leaf;
    void (*walk)(const Walk *w, const VcCpuidLeaf *sub0);
} subleaf_rules[] = {
    { 0x4, subleaves_4 },
    { 0x7, subleaves_max_in_eax },
    { 0xb, subleaves_b },
    { 0xd, subleaves_d },
    { 0xf, subleaves_resid },
    { 0x10, subleaves_resid },
    { 0x12, subleaves_12 },
    { 0x14, subleaves_max_in_eax },
    { 0x17, subleaves_17 },
};

static void
collect_range(const Walk *w, guint32 base)
{
    guint32 max = query_leaf(w, base, 0).eax;

    if (max < base)  /* no such range: libvirt's loop runs zero times */
        return;
    if (max - base >= MAX_LEAVES_PER_RANGE)
        max = base + MAX_LEAVES_PER_RANGE - 1;
    for (guint64 leaf = base; leaf <= max; leaf++) {
        VcCpuidLeaf sub0 = query_leaf(w, (guint32)leaf, 0);
        gsize i;

        for (i = 0; i < G_N_ELEMENTS(subleaf_rules); i++)
            if (subleaf_rules[i].leaf == leaf)
                break;
        if (i < G_N_ELEMENTS(subleaf_rules))
            subleaf_rules[i].walk(w, &sub0);
        else
            vc_cpuid_data_add_leaf(w->data, &sub0);
    }
}

VcCpuidData *
vc_cpuid_collect(VcCpuidQueryFunc query, gpointer opaque)
{
    Walk w = { query, opaque, vc_cpuid_data_new() };

    collect_range(&w, 0x0);
    collect_range(&w, 0x80000000);
    return w.data;
}

#if defined(__x86_64__) || defined(__i386__)

static void
cpuid_instruction(guint32 eax_in, guint32 ecx_in, guint32 regs[4],
                  gpointer opaque)
{
    (void)opaque;
    __cpuid_count(eax_in, ecx_in, regs[0], regs[1], regs[2], regs[3]);
}

#define ARCH_CAPABILITIES_MSR 0x10a

static gboolean
read_msr_device(guint32 index, guint64 *value)
{
    int fd = open("/dev/cpu/0/msr", O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return FALSE;
    n = pread(fd, value, sizeof(*value), index);
    close(fd);
    return n == (ssize_t)sizeof(*value);
}

/* KVM_GET_MSRS on the system fd returns feature MSRs (what KVM can offer). */
static gboolean
read_msr_kvm(guint32 index, guint64 *value)
{
#if defined(KVM_GET_MSRS)
    /* struct kvm_msrs ends in a flexible array: room for one entry. */
    g_autofree struct kvm_msrs *msrs =
        g_malloc0(sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry));
    int fd = open("/dev/kvm", O_RDONLY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return FALSE;
    msrs->nmsrs = 1;
    msrs->entries[0].index = index;
    rc = ioctl(fd, KVM_GET_MSRS, msrs);
    close(fd);
    /* libvirt only checks for failure; a 0 (unsupported) leaves data 0. */
    if (rc < 0)
        return FALSE;
    *value = msrs->entries[0].data;
    return TRUE;
#else
    (void)index;
    (void)value;
    return FALSE;
#endif
}

VcCpuidData *
vc_cpuid_read_host(GError **error)
{
    VcCpuidData *data = vc_cpuid_collect(cpuid_instruction, NULL);
    const VcCpuidLeaf *leaf7 = vc_cpuid_data_get(data, 7, 0);
    guint64 msr = 0;

    (void)error;
    /* CPUID.7.0:EDX[29]: IA32_ARCH_CAPABILITIES exists (arch-capabilities). */
    if (leaf7 && (leaf7->edx & (1u << 29)) &&
        (read_msr_device(ARCH_CAPABILITIES_MSR, &msr) ||
         read_msr_kvm(ARCH_CAPABILITIES_MSR, &msr)))
        vc_cpuid_data_add_msr(data, ARCH_CAPABILITIES_MSR, msr);
    return data;
}

#else

VcCpuidData *
vc_cpuid_read_host(GError **error)
{
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                "the CPUID instruction exists only on x86");
    return NULL;
}

#endif

VcCpuidData *
vc_cpuid_acquire(const char *root, GError **error)
{
    g_autofree char *path = NULL;

    if (!root || !*root || g_strcmp0(root, "/") == 0)
        return vc_cpuid_read_host(error);
    path = g_build_filename(root, VC_CPUID_ROOT_DUMP, NULL);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "%s: no CPUID dump in the tree", path);
        return NULL;
    }
    return vc_cpuid_load_file(path, error);
}
