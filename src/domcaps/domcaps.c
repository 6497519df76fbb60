/*
 * domcaps.c - the domain capabilities model and libvirt's enum vocabularies
 * (the value strings of libvirt's VIR_ENUM_IMPLs, in their order, which is
 * the order virDomainCapsEnumFormat prints them in).
 */
#include <string.h>

#include "domcaps/domcaps.h"

#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const char *const *const vocabularies[VC_VOCAB_LAST] = {
    [VC_VOCAB_FIRMWARE] = NAMES("", "bios", "efi"),
    [VC_VOCAB_LOADER_TYPE] = NAMES("none", "rom", "pflash"),
    [VC_VOCAB_TRISTATE_BOOL] = NAMES("absent", "yes", "no"),
    [VC_VOCAB_TRISTATE_SWITCH] = NAMES("absent", "on", "off"),
    [VC_VOCAB_MEMORY_SOURCE] = NAMES("none", "file", "anonymous", "memfd"),
    [VC_VOCAB_DISK_DEVICE] = NAMES("disk", "cdrom", "floppy", "lun"),
    [VC_VOCAB_DISK_BUS] = NAMES("none", "ide", "fdc", "scsi", "virtio", "xen", "usb", "uml",
                                "sata", "sd"),
    [VC_VOCAB_DISK_MODEL] = NAMES("default", "virtio", "virtio-transitional",
                                  "virtio-non-transitional"),
    [VC_VOCAB_GRAPHICS] = NAMES("sdl", "vnc", "rdp", "desktop", "spice", "egl-headless", "dbus"),
    [VC_VOCAB_VIDEO] = NAMES("default", "vga", "cirrus", "vmvga", "xen", "vbox", "qxl",
                             "parallels", "virtio", "gop", "none", "bochs", "ramfb"),
    [VC_VOCAB_HOSTDEV_MODE] = NAMES("subsystem", "capabilities"),
    [VC_VOCAB_STARTUP_POLICY] = NAMES("default", "mandatory", "requisite", "optional"),
    [VC_VOCAB_HOSTDEV_SUBSYS] = NAMES("usb", "pci", "scsi", "scsi_host", "mdev"),
    [VC_VOCAB_HOSTDEV_CAPS] = NAMES("storage", "misc", "net"),
    [VC_VOCAB_PCI_BACKEND] = NAMES("default", "kvm", "vfio", "xen"),
    [VC_VOCAB_RNG_MODEL] = NAMES("virtio", "virtio-transitional", "virtio-non-transitional"),
    [VC_VOCAB_RNG_BACKEND] = NAMES("random", "egd", "builtin"),
    [VC_VOCAB_FS_DRIVER] = NAMES("default", "path", "handle", "loop", "nbd", "ploop", "virtiofs"),
    [VC_VOCAB_TPM_MODEL] = NAMES("default", "tpm-tis", "tpm-crb", "tpm-spapr", "spapr-tpm-proxy"),
    [VC_VOCAB_TPM_BACKEND] = NAMES("passthrough", "emulator", "external"),
    [VC_VOCAB_TPM_VERSION] = NAMES("default", "1.2", "2.0"),
    [VC_VOCAB_REDIRDEV_BUS] = NAMES("usb"),
    [VC_VOCAB_CHR_TYPE] = NAMES("null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp", "tcp",
                                "unix", "spicevmc", "spiceport", "nmdm", "qemu-vdagent", "dbus"),
    [VC_VOCAB_CRYPTO_MODEL] = NAMES("virtio"),
    [VC_VOCAB_CRYPTO_TYPE] = NAMES("qemu"),
    [VC_VOCAB_CRYPTO_BACKEND] = NAMES("builtin", "lkcf"),
    [VC_VOCAB_NET_BACKEND] = NAMES("default", "passt"),
    [VC_VOCAB_GIC_VERSION] = NAMES("none", "host", "2", "3"),
    [VC_VOCAB_HYPERV] = NAMES("relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic",
                              "stimer", "reset", "vendor_id", "frequencies", "reenlightenment",
                              "tlbflush", "ipi", "evmcs", "avic", "emsr_bitmap", "xmm_input"),
    [VC_VOCAB_LAUNCH_SECURITY] = NAMES("", "sev", "sev-snp", "s390-pv"),
};

/* virDomainCapsFormat's element names and ENUM_PROCESS calls. */
static const VcEnumElementDesc element_descs[VC_ELEM_LAST] = {
    [VC_ELEM_MEMORY_BACKING] = { "memoryBacking", 1, { { "sourceType", VC_VOCAB_MEMORY_SOURCE } } },
    [VC_ELEM_DISK] = { "disk", 3, { { "diskDevice", VC_VOCAB_DISK_DEVICE },
                                    { "bus", VC_VOCAB_DISK_BUS },
                                    { "model", VC_VOCAB_DISK_MODEL } } },
    [VC_ELEM_GRAPHICS] = { "graphics", 1, { { "type", VC_VOCAB_GRAPHICS } } },
    [VC_ELEM_VIDEO] = { "video", 1, { { "modelType", VC_VOCAB_VIDEO } } },
    [VC_ELEM_HOSTDEV] = { "hostdev", 5, { { "mode", VC_VOCAB_HOSTDEV_MODE },
                                          { "startupPolicy", VC_VOCAB_STARTUP_POLICY },
                                          { "subsysType", VC_VOCAB_HOSTDEV_SUBSYS },
                                          { "capsType", VC_VOCAB_HOSTDEV_CAPS },
                                          { "pciBackend", VC_VOCAB_PCI_BACKEND } } },
    [VC_ELEM_RNG] = { "rng", 2, { { "model", VC_VOCAB_RNG_MODEL },
                                  { "backendModel", VC_VOCAB_RNG_BACKEND } } },
    [VC_ELEM_FILESYSTEM] = { "filesystem", 1, { { "driverType", VC_VOCAB_FS_DRIVER } } },
    [VC_ELEM_TPM] = { "tpm", 3, { { "model", VC_VOCAB_TPM_MODEL },
                                  { "backendModel", VC_VOCAB_TPM_BACKEND },
                                  { "backendVersion", VC_VOCAB_TPM_VERSION } } },
    [VC_ELEM_REDIRDEV] = { "redirdev", 1, { { "bus", VC_VOCAB_REDIRDEV_BUS } } },
    [VC_ELEM_CHANNEL] = { "channel", 1, { { "type", VC_VOCAB_CHR_TYPE } } },
    [VC_ELEM_CRYPTO] = { "crypto", 3, { { "model", VC_VOCAB_CRYPTO_MODEL },
                                        { "type", VC_VOCAB_CRYPTO_TYPE },
                                        { "backendModel", VC_VOCAB_CRYPTO_BACKEND } } },
    [VC_ELEM_INTERFACE] = { "interface", 1, { { "backendType", VC_VOCAB_NET_BACKEND } } },
    [VC_ELEM_GIC] = { "gic", 1, { { "version", VC_VOCAB_GIC_VERSION } } },
    [VC_ELEM_HYPERV] = { "hyperv", 1, { { "features", VC_VOCAB_HYPERV } } },
    [VC_ELEM_LAUNCH_SECURITY] = { "launchSecurity", 1, { { "sectype", VC_VOCAB_LAUNCH_SECURITY } } },
};

static const char *const simple_feature_names[VC_FEATURE_LAST] = {
    "iothreads", "vmcoreinfo", "genid", "backingStoreInput", "backup", "async-teardown",
    "s390-pv", "ps2",
};

const char *const *
vc_vocab_names(VcVocab vocab)
{
    return vocabularies[vocab];
}

int
vc_vocab_index(VcVocab vocab, const char *name)
{
    const char *const *names = vocabularies[vocab];

    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

void
vc_dom_enum_set(VcDomEnum *e, VcVocab vocab, const char *name)
{
    int i = vc_vocab_index(vocab, name);

    g_return_if_fail(i >= 0);
    e->values |= G_GUINT64_CONSTANT(1) << i;
}

const VcEnumElementDesc *
vc_enum_element_desc(VcEnumElement elem)
{
    return &element_descs[elem];
}

int
vc_enum_element_slot(VcEnumElement elem, const char *name)
{
    for (guint i = 0; i < element_descs[elem].n_enums; i++)
        if (strcmp(element_descs[elem].enums[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *
vc_simple_feature_name(VcSimpleFeature feature)
{
    return simple_feature_names[feature];
}

VcDomCaps *
vc_dom_caps_new(void)
{
    VcDomCaps *caps = g_new0(VcDomCaps, 1);

    caps->os.loader_values = g_ptr_array_new_with_free_func(g_free);
    return caps;
}

static void
cpu_model_free(gpointer p)
{
    VcDomCpuModel *m = p;

    g_free(m->name);
    g_free(m->usable);
    g_free(m->vendor);
    g_free(m->canonical);
    g_strfreev(m->blockers);
    g_free(m);
}

static void
cpu_feature_free(gpointer p)
{
    VcDomCpuFeature *f = p;

    g_free(f->name);
    g_free(f);
}

VcDomCpuHostModel *
vc_dom_cpu_host_model_new(const char *model, const char *vendor, gboolean fallback_forbid)
{
    VcDomCpuHostModel *hm = g_new0(VcDomCpuHostModel, 1);

    hm->model = g_strdup(model);
    hm->vendor = g_strdup(vendor);
    hm->fallback_forbid = fallback_forbid;
    hm->features = g_ptr_array_new_with_free_func(cpu_feature_free);
    return hm;
}

void
vc_dom_cpu_host_model_add_feature(VcDomCpuHostModel *hm, const char *name, gboolean disable)
{
    VcDomCpuFeature *f = g_new0(VcDomCpuFeature, 1);

    f->name = g_strdup(name);
    f->disable = disable;
    g_ptr_array_add(hm->features, f);
}

void
vc_dom_cpu_host_model_free(VcDomCpuHostModel *hm)
{
    if (!hm)
        return;
    g_free(hm->model);
    g_free(hm->vendor);
    g_ptr_array_unref(hm->features);
    g_free(hm);
}

void
vc_dom_caps_free(VcDomCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->path);
    g_free(caps->domain);
    g_free(caps->machine);
    g_free(caps->arch);
    g_ptr_array_unref(caps->os.loader_values);
    vc_dom_cpu_host_model_free(caps->cpu.host_model);
    if (caps->cpu.custom) {
        g_ptr_array_set_free_func(caps->cpu.custom, cpu_model_free);
        g_ptr_array_unref(caps->cpu.custom);
    }
    if (caps->sev)
        g_free(caps->sev->cpu0_id);
    g_free(caps->sev);
    if (caps->sgx && caps->sgx->sections)
        g_array_unref(caps->sgx->sections);
    g_free(caps->sgx);
    g_free(caps);
}
