/*
 * policy.c - libvirt 10.7's virQEMUCapsFillDomainCaps as tables: which
 * flag (or host fact, or machine family) puts which value into which enum
 * of which element.  Each rule's value set is printed in libvirt's enum
 * order by the formatter, so the tables' order does not matter.
 */
#include <string.h>

#include "virtcaps.h"
#include "domcaps/firmware.h"
#include "domcaps/machines.h"
#include "domcaps/policy.h"
#include "qemu/probe.h"
#include "qemu/target.h"

#define FLAG(e) VC_QEMU_FLAG_##e
#define NO_FLAG VC_QEMU_FLAG_LAST

typedef struct EnumRule EnumRule;
typedef gboolean (*RuleCond)(const VcPolicyCtx *ctx, const EnumRule *rule);

/* value goes into element.enum_name if both flags (NO_FLAG: none) are set
 * and cond (NULL: none) holds. */
struct EnumRule {
    VcEnumElement elem;
    const char *enum_name;
    const char *value;
    VcQemuFlag flag;
    VcQemuFlag flag2;
    RuleCond cond;
};

static gboolean
not_pseries(const VcPolicyCtx *ctx, const EnumRule *rule)
{
    (void)rule;
    return !vc_machine_is_pseries(ctx->machine, ctx->arch);
}

static gboolean
builtin_ide(const VcPolicyCtx *ctx, const EnumRule *rule)
{
    (void)rule;
    return vc_machine_has_builtin_ide(ctx->machine, ctx->arch);
}

/* Any USB controller libvirt knows (virQEMUCapsFillDomainDeviceHostdevCaps). */
static gboolean
usb_controller(const VcPolicyCtx *ctx, const EnumRule *rule)
{
    static const VcQemuFlag controllers[] = {
        FLAG(PIIX3_USB_UHCI), FLAG(PIIX4_USB_UHCI), FLAG(USB_EHCI), FLAG(ICH9_USB_EHCI1),
        FLAG(VT82C686B_USB_UHCI), FLAG(PCI_OHCI), FLAG(NEC_USB_XHCI), FLAG(QEMU_XHCI),
    };

    (void)rule;
    for (gsize i = 0; i < G_N_ELEMENTS(controllers); i++)
        if (ctx->flags.set[controllers[i]])
            return TRUE;
    return FALSE;
}

static gboolean
host_vfio(const VcPolicyCtx *ctx, const EnumRule *rule)
{
    (void)rule;
    return ctx->host->vfio;
}

static gboolean
host_swtpm(const VcPolicyCtx *ctx, const EnumRule *rule)
{
    (void)rule;
    return ctx->host->swtpm;
}

static gboolean
host_tpm_version(const VcPolicyCtx *ctx, const EnumRule *rule)
{
    return ctx->host->swtpm &&
        g_ptr_array_find_with_equal_func(ctx->host->tpm_versions, rule->value, g_str_equal, NULL);
}

static const EnumRule enum_rules[] = {
    /* virQEMUCapsFillDomainMemoryBackingCaps */
    { VC_ELEM_MEMORY_BACKING, "sourceType", "anonymous", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_MEMORY_BACKING, "sourceType", "file", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_MEMORY_BACKING, "sourceType", "memfd", FLAG(MEMORY_MEMFD), NO_FLAG, NULL },
    /* ...DeviceDiskCaps */
    { VC_ELEM_DISK, "diskDevice", "disk", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_DISK, "diskDevice", "cdrom", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_DISK, "diskDevice", "lun", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_DISK, "diskDevice", "floppy", NO_FLAG, NO_FLAG, not_pseries },
    { VC_ELEM_DISK, "bus", "fdc", NO_FLAG, NO_FLAG, not_pseries },
    { VC_ELEM_DISK, "bus", "ide", NO_FLAG, NO_FLAG, builtin_ide },
    { VC_ELEM_DISK, "bus", "scsi", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_DISK, "bus", "virtio", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_DISK, "bus", "usb", FLAG(USB_STORAGE), NO_FLAG, NULL },
    { VC_ELEM_DISK, "bus", "sata", FLAG(ICH9_AHCI), NO_FLAG, NULL },
    { VC_ELEM_DISK, "model", "virtio", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_DISK, "model", "virtio-transitional", FLAG(VIRTIO_PCI_TRANSITIONAL), NO_FLAG, NULL },
    { VC_ELEM_DISK, "model", "virtio-non-transitional", FLAG(VIRTIO_PCI_TRANSITIONAL), NO_FLAG, NULL },
    /* ...DeviceGraphicsCaps */
    { VC_ELEM_GRAPHICS, "type", "sdl", FLAG(SDL), NO_FLAG, NULL },
    { VC_ELEM_GRAPHICS, "type", "vnc", FLAG(VNC), NO_FLAG, NULL },
    { VC_ELEM_GRAPHICS, "type", "spice", FLAG(SPICE), NO_FLAG, NULL },
    { VC_ELEM_GRAPHICS, "type", "egl-headless", FLAG(EGL_HEADLESS), NO_FLAG, NULL },
    { VC_ELEM_GRAPHICS, "type", "dbus", FLAG(DISPLAY_DBUS), NO_FLAG, NULL },
    /* ...DeviceVideoCaps */
    { VC_ELEM_VIDEO, "modelType", "none", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_VIDEO, "modelType", "vga", FLAG(VGA), NO_FLAG, NULL },
    { VC_ELEM_VIDEO, "modelType", "cirrus", FLAG(CIRRUS_VGA), NO_FLAG, NULL },
    { VC_ELEM_VIDEO, "modelType", "vmvga", FLAG(VMWARE_SVGA), NO_FLAG, NULL },
    { VC_ELEM_VIDEO, "modelType", "qxl", FLAG(QXL), NO_FLAG, NULL },
    { VC_ELEM_VIDEO, "modelType", "virtio", FLAG(VIRTIO_GPU), NO_FLAG, NULL },
    { VC_ELEM_VIDEO, "modelType", "bochs", FLAG(BOCHS_DISPLAY), NO_FLAG, NULL },
    { VC_ELEM_VIDEO, "modelType", "ramfb", FLAG(RAMFB), NO_FLAG, NULL },
    /* ...DeviceHostdevCaps ("capabilities" mode and capsType are for containers) */
    { VC_ELEM_HOSTDEV, "mode", "subsystem", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_HOSTDEV, "startupPolicy", "default", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_HOSTDEV, "startupPolicy", "mandatory", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_HOSTDEV, "startupPolicy", "requisite", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_HOSTDEV, "startupPolicy", "optional", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_HOSTDEV, "subsysType", "usb", NO_FLAG, NO_FLAG, usb_controller },
    { VC_ELEM_HOSTDEV, "subsysType", "pci", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_HOSTDEV, "subsysType", "scsi", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_HOSTDEV, "pciBackend", "default", FLAG(VFIO_PCI), NO_FLAG, host_vfio },
    { VC_ELEM_HOSTDEV, "pciBackend", "vfio", FLAG(VFIO_PCI), NO_FLAG, host_vfio },
    /* ...DeviceRNGCaps */
    { VC_ELEM_RNG, "model", "virtio", FLAG(VIRTIO_RNG), NO_FLAG, NULL },
    { VC_ELEM_RNG, "model", "virtio-transitional", FLAG(VIRTIO_RNG), FLAG(VIRTIO_PCI_TRANSITIONAL), NULL },
    { VC_ELEM_RNG, "model", "virtio-non-transitional", FLAG(VIRTIO_RNG), FLAG(VIRTIO_PCI_TRANSITIONAL), NULL },
    { VC_ELEM_RNG, "backendModel", "egd", FLAG(RNG_EGD), NO_FLAG, NULL },
    { VC_ELEM_RNG, "backendModel", "random", FLAG(RNG_RANDOM), NO_FLAG, NULL },
    { VC_ELEM_RNG, "backendModel", "builtin", FLAG(RNG_BUILTIN), NO_FLAG, NULL },
    /* ...DeviceFSCaps */
    { VC_ELEM_FILESYSTEM, "driverType", "path", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_FILESYSTEM, "driverType", "handle", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_FILESYSTEM, "driverType", "virtiofs", FLAG(VHOST_USER_FS), NO_FLAG, NULL },
    /* ...DeviceTPMCaps */
    { VC_ELEM_TPM, "model", "tpm-tis", FLAG(TPM_TIS), NO_FLAG, NULL },
    { VC_ELEM_TPM, "model", "tpm-crb", FLAG(TPM_CRB), NO_FLAG, NULL },
    { VC_ELEM_TPM, "model", "tpm-spapr", FLAG(TPM_SPAPR), NO_FLAG, NULL },
    { VC_ELEM_TPM, "model", "spapr-tpm-proxy", FLAG(SPAPR_TPM_PROXY), NO_FLAG, NULL },
    { VC_ELEM_TPM, "backendModel", "passthrough", FLAG(TPM_PASSTHROUGH), NO_FLAG, NULL },
    { VC_ELEM_TPM, "backendModel", "emulator", FLAG(TPM_EMULATOR), NO_FLAG, host_swtpm },
    { VC_ELEM_TPM, "backendModel", "external", FLAG(TPM_EMULATOR), NO_FLAG, host_swtpm },
    { VC_ELEM_TPM, "backendVersion", "1.2", NO_FLAG, NO_FLAG, host_tpm_version },
    { VC_ELEM_TPM, "backendVersion", "2.0", NO_FLAG, NO_FLAG, host_tpm_version },
    /* ...DeviceRedirdevCaps */
    { VC_ELEM_REDIRDEV, "bus", "usb", NO_FLAG, NO_FLAG, NULL },
    /* ...DeviceChannelCaps */
    { VC_ELEM_CHANNEL, "type", "pty", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_CHANNEL, "type", "unix", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_CHANNEL, "type", "spicevmc", FLAG(SPICE), NO_FLAG, NULL },
    /* ...DeviceCryptoCaps */
    { VC_ELEM_CRYPTO, "model", "virtio", FLAG(VIRTIO_CRYPTO), NO_FLAG, NULL },
    { VC_ELEM_CRYPTO, "type", "qemu", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_CRYPTO, "backendModel", "builtin", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_CRYPTO, "backendModel", "lkcf", FLAG(CRYPTO_LKCF), NO_FLAG, NULL },
    /* ...DeviceNetCaps */
    { VC_ELEM_INTERFACE, "backendType", "default", NO_FLAG, NO_FLAG, NULL },
    { VC_ELEM_INTERFACE, "backendType", "passt", FLAG(NETDEV_STREAM), NO_FLAG, NULL },
};

/* Elements reported as supported when flag (NO_FLAG: always) is set; an
 * element with a required enum is unsupported while that enum is empty. */
static const struct {
    VcEnumElement elem;
    VcQemuFlag flag;
    const char *required_enum;
} element_rules[] = {
    { VC_ELEM_MEMORY_BACKING, NO_FLAG, NULL },
    { VC_ELEM_DISK, NO_FLAG, NULL },
    { VC_ELEM_GRAPHICS, NO_FLAG, NULL },
    { VC_ELEM_VIDEO, NO_FLAG, NULL },
    { VC_ELEM_HOSTDEV, NO_FLAG, NULL },
    { VC_ELEM_RNG, NO_FLAG, NULL },
    { VC_ELEM_FILESYSTEM, NO_FLAG, NULL },
    { VC_ELEM_TPM, NO_FLAG, "model" },   /* "at least one frontend" */
    { VC_ELEM_REDIRDEV, FLAG(USB_REDIR), NULL },
    { VC_ELEM_CHANNEL, NO_FLAG, NULL },
    { VC_ELEM_CRYPTO, NO_FLAG, NULL },
    { VC_ELEM_INTERFACE, NO_FLAG, NULL },
};

/* Enums printed only when they have a value (the rest of a supported
 * element's enums are always printed, possibly empty). */
static const struct {
    VcEnumElement elem;
    const char *enum_name;
} lazy_enums[] = {
    { VC_ELEM_TPM, "backendVersion" },
};

/* <features> with a supported attribute: yes iff flag (NO_FLAG: always);
 * s390-pv and ps2 have their own rules below. */
static const struct {
    VcSimpleFeature feature;
    VcQemuFlag flag;
} feature_rules[] = {
    { VC_FEATURE_IOTHREADS, NO_FLAG },
    { VC_FEATURE_VMCOREINFO, FLAG(VMCOREINFO) },
    { VC_FEATURE_GENID, FLAG(VMGENID) },
    { VC_FEATURE_BACKING_STORE_INPUT, NO_FLAG },
    { VC_FEATURE_BACKUP, FLAG(INCREMENTAL_BACKUP) },
    { VC_FEATURE_ASYNC_TEARDOWN, FLAG(ASYNC_TEARDOWN) },
};

static gboolean
has_flag(const VcPolicyCtx *ctx, VcQemuFlag flag)
{
    return flag == NO_FLAG || ctx->flags.set[flag];
}

static gboolean
rule_holds(const VcPolicyCtx *ctx, const EnumRule *r)
{
    return has_flag(ctx, r->flag) && has_flag(ctx, r->flag2) && (!r->cond || r->cond(ctx, r));
}

static gboolean
is_lazy(VcEnumElement elem, const char *enum_name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(lazy_enums); i++)
        if (lazy_enums[i].elem == elem && strcmp(lazy_enums[i].enum_name, enum_name) == 0)
            return TRUE;
    return FALSE;
}

static void
fill_element(const VcPolicyCtx *ctx, VcDomCaps *caps, VcEnumElement elem, VcQemuFlag flag,
             const char *required_enum)
{
    const VcEnumElementDesc *desc = vc_enum_element_desc(elem);
    VcDomElement *el = &caps->elements[elem];

    el->supported = has_flag(ctx, flag) ? VC_TRISTATE_YES : VC_TRISTATE_NO;
    for (gsize i = 0; i < G_N_ELEMENTS(enum_rules); i++) {
        const EnumRule *r = &enum_rules[i];
        int slot = vc_enum_element_slot(elem, r->enum_name);

        if (r->elem == elem && slot >= 0 && rule_holds(ctx, r))
            vc_dom_enum_set(&el->enums[slot], desc->enums[slot].vocab, r->value);
    }
    for (guint s = 0; s < desc->n_enums; s++)
        el->enums[s].report = !is_lazy(elem, desc->enums[s].name) || el->enums[s].values;
    if (required_enum && !el->enums[vc_enum_element_slot(elem, required_enum)].values)
        el->supported = VC_TRISTATE_NO;
}

/* Host overrides of an enum (the pciBackend values of a facts file). */
static void
override_pci_backends(const VcPolicyCtx *ctx, VcDomCaps *caps)
{
    VcDomEnum *e = &caps->elements[VC_ELEM_HOSTDEV].enums[vc_enum_element_slot(VC_ELEM_HOSTDEV, "pciBackend")];

    if (!ctx->host->pci_backends)
        return;
    e->values = 0;
    for (guint i = 0; i < ctx->host->pci_backends->len; i++) {
        const char *v = g_ptr_array_index(ctx->host->pci_backends, i);

        if (vc_vocab_index(VC_VOCAB_PCI_BACKEND, v) >= 0)
            vc_dom_enum_set(e, VC_VOCAB_PCI_BACKEND, v);
    }
}

static void
fill_features(const VcPolicyCtx *ctx, VcDomCaps *caps)
{
    gboolean i8042_machine = vc_machine_is_i440fx(ctx->machine, ctx->arch) ||
        vc_machine_is_q35(ctx->machine, ctx->arch) || vc_machine_is_xenfv(ctx->machine, ctx->arch);

    for (gsize i = 0; i < G_N_ELEMENTS(feature_rules); i++)
        caps->features[feature_rules[i].feature] =
            has_flag(ctx, feature_rules[i].flag) ? VC_TRISTATE_YES : VC_TRISTATE_NO;
    /* virQEMUCapsFillDomainFeatureS390PVCaps: only on s390 */
    if (vc_arch_is_s390(ctx->arch))
        caps->features[VC_FEATURE_S390_PV] =
            ctx->flags.set[FLAG(CONFIDENTIAL_GUEST)] && ctx->flags.set[FLAG(S390_PV_GUEST)] &&
            ctx->host->secure_guest ? VC_TRISTATE_YES : VC_TRISTATE_NO;
    /* virQEMUCapsSupportsI8042Toggle */
    caps->features[VC_FEATURE_PS2] = ctx->flags.set[FLAG(MACHINE_I8042_OPT)] && i8042_machine
        ? VC_TRISTATE_YES : VC_TRISTATE_NO;
}

/* virQEMUCapsFillDomainLoaderCaps: the images of the matching descriptors
 * that exist on the host, each once; or the host facts' list. */
static void
fill_loader_values(const VcPolicyCtx *ctx, const GPtrArray *matching, VcDomOs *os)
{
    if (ctx->host->loader_values) {
        for (guint i = 0; i < ctx->host->loader_values->len; i++)
            g_ptr_array_add(os->loader_values, g_strdup(g_ptr_array_index(ctx->host->loader_values, i)));
        return;
    }
    for (guint i = 0; i < matching->len; i++) {
        const VcFirmware *fw = g_ptr_array_index(matching, i);

        if (g_file_test(fw->executable, G_FILE_TEST_EXISTS) &&
            !g_ptr_array_find_with_equal_func(os->loader_values, fw->executable, g_str_equal, NULL))
            g_ptr_array_add(os->loader_values, g_strdup(fw->executable));
    }
}

/* virQEMUCapsFillDomainOSCaps and qemuFirmwareGetSupported. */
static void
fill_os(const VcPolicyCtx *ctx, VcDomCaps *caps)
{
    g_autoptr(GPtrArray) matching = g_ptr_array_new();
    VcDomOs *os = &caps->os;
    gboolean secure = FALSE;

    for (guint i = 0; ctx->firmwares && i < ctx->firmwares->len; i++) {
        const VcFirmware *fw = g_ptr_array_index(ctx->firmwares, i);

        if (!vc_firmware_matches(fw, caps->arch, ctx->machine))
            continue;
        g_ptr_array_add(matching, (gpointer)fw);
        if (fw->interfaces & VC_FIRMWARE_IFACE_BIOS)
            vc_dom_enum_set(&os->firmware, VC_VOCAB_FIRMWARE, "bios");
        if (fw->interfaces & VC_FIRMWARE_IFACE_UEFI)
            vc_dom_enum_set(&os->firmware, VC_VOCAB_FIRMWARE, "efi");
        secure |= fw->requires_smm;
    }
    os->supported = os->loader_supported = VC_TRISTATE_YES;
    os->firmware.report = os->loader_type.report = TRUE;
    os->loader_readonly.report = os->loader_secure.report = TRUE;
    fill_loader_values(ctx, matching, os);
    vc_dom_enum_set(&os->loader_type, VC_VOCAB_LOADER_TYPE, "rom");
    vc_dom_enum_set(&os->loader_type, VC_VOCAB_LOADER_TYPE, "pflash");
    vc_dom_enum_set(&os->loader_readonly, VC_VOCAB_TRISTATE_BOOL, "yes");
    vc_dom_enum_set(&os->loader_readonly, VC_VOCAB_TRISTATE_BOOL, "no");
    vc_dom_enum_set(&os->loader_secure, VC_VOCAB_TRISTATE_BOOL, "no");
    if (secure)
        vc_dom_enum_set(&os->loader_secure, VC_VOCAB_TRISTATE_BOOL, "yes");
}

/* The machine's maxCpus for the virt type, capped by KVM's limit. */
static guint
max_vcpus(const VcPolicyCtx *ctx)
{
    const VcMachine *m = vc_machines_find(ctx->machines, ctx->machine);
    guint max = m ? m->max_cpus : 0;

    if (strcmp(ctx->virttype, "kvm") == 0 && ctx->host->kvm_max_vcpus >= 0)
        max = (guint)MIN((gint64)max, ctx->host->kvm_max_vcpus);
    return max;
}

static gboolean
fill_dom_caps(const VcPolicyCtx *ctx, VcDomCaps *caps, GError **error)
{
    caps->max_vcpus = max_vcpus(ctx);
    fill_features(ctx, caps);
    fill_os(ctx, caps);
    if (!vc_policy_fill_cpu(ctx, &caps->cpu, error))
        return FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(element_rules); i++)
        fill_element(ctx, caps, element_rules[i].elem, element_rules[i].flag,
                     element_rules[i].required_enum);
    override_pci_backends(ctx, caps);
    vc_policy_fill_platform_features(ctx, caps);
    return TRUE;
}

/* Virt types: the accelerator flag each needs and whether it is accelerated. */
static const struct {
    const char *virttype;
    VcQemuFlag flag;
    gboolean accelerated;
} virt_types[] = {
    { "kvm", FLAG(KVM), TRUE },
    { "hvf", FLAG(HVF), TRUE },
    { "qemu", FLAG(TCG), FALSE },
};

static gboolean
have_accel(const VcQemuFlags *flags)
{
    return flags->set[FLAG(KVM)] || flags->set[FLAG(HVF)];
}

/* libvirt's virQEMUCapsGetVirtType: the best accelerator of the emulator. */
static const char *
best_virttype(const VcQemuFlags *flags)
{
    for (gsize i = 0; i < G_N_ELEMENTS(virt_types); i++)
        if (flags->set[virt_types[i].flag])
            return virt_types[i].virttype;
    return "qemu";
}

/* The session probed with virttype's accelerator: the accelerated one for
 * kvm and hvf, the TCG one (the only one without acceleration) for qemu;
 * -1 when there is none. */
static gint
accel_session(json_object *facts, const VcQemuFlags *flags, const char *virttype)
{
    gint session = -1;

    for (gsize i = 0; i < G_N_ELEMENTS(virt_types); i++) {
        if (strcmp(virt_types[i].virttype, virttype) != 0)
            continue;
        if (virt_types[i].accelerated)
            session = flags->set[virt_types[i].flag] ? 0 : -1;
        else
            session = have_accel(flags) ? (vc_qemu_facts_n_sessions(facts) > 1 ? 1 : -1) : 0;
    }
    return session;
}

/* The machines probed for virttype. */
static GArray *
machines_for(json_object *facts, const VcQemuFlags *flags, const char *virttype, const char *arch)
{
    gint session = accel_session(facts, flags, virttype);

    return vc_machines_from_reply(session < 0 ? NULL
                                  : vc_qemu_facts_return(facts, (guint)session, "query-machines"), arch);
}

static gboolean
known_virttype(const char *virttype)
{
    for (gsize i = 0; i < G_N_ELEMENTS(virt_types); i++)
        if (strcmp(virt_types[i].virttype, virttype) == 0)
            return TRUE;
    return FALSE;
}

/* The requested (or default) machine, canonical, looked up in the machine
 * list of the emulator's best accelerator, as libvirt resolves it. */
static gboolean
resolve_machine(VcPolicyCtx *ctx, const VcDomCapsRequest *req, const char *source, GError **error)
{
    g_autoptr(GArray) list = machines_for(ctx->facts, &ctx->flags, best_virttype(&ctx->flags), ctx->arch);

    if (!req->machine) {
        ctx->machine = list->len ? g_array_index(list, VcMachine, 0).name : NULL;
        return TRUE;
    }
    ctx->machine = vc_machines_canonical(list, req->machine);
    if (vc_machines_find(list, ctx->machine))
        return TRUE;
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                "%s: the machine '%s' is not supported by this emulator", source, req->machine);
    return FALSE;
}

static gboolean
resolve_arch(VcPolicyCtx *ctx, const VcDomCapsRequest *req, const char *source, GError **error)
{
    json_object *target = vc_qemu_facts_return(ctx->facts, 0, "query-target");
    json_object *arch = json_object_object_get(target, "arch");

    if (!json_object_is_type(arch, json_type_string)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: no query-target architecture in the QEMU facts", source);
        return FALSE;
    }
    ctx->arch = vc_arch_from_qemu(json_object_get_string(arch));
    if (req->arch && strcmp(req->arch, ctx->arch) != 0) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                    "%s: the emulator's architecture is %s, not %s", source, ctx->arch, req->arch);
        return FALSE;
    }
    return TRUE;
}

static gboolean
resolve_request(VcPolicyCtx *ctx, const VcDomCapsRequest *req, const char *source, GError **error)
{
    if (!resolve_arch(ctx, req, source, error))
        return FALSE;
    ctx->virttype = req->virttype ? req->virttype : best_virttype(&ctx->flags);
    if (!known_virttype(ctx->virttype)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                    "unknown virt type '%s' (expected kvm, qemu or hvf)", ctx->virttype);
        return FALSE;
    }
    return resolve_machine(ctx, req, source, error);
}

VcDomCaps *
vc_dom_caps_build(json_object *facts, const VcHostFacts *host, const GPtrArray *firmwares,
                  const VcDomCapsRequest *req, const char *source, GError **error)
{
    VcPolicyCtx ctx = { .facts = facts, .host = host, .firmwares = firmwares };
    g_autoptr(VcDomCaps) caps = vc_dom_caps_new();
    gboolean ok;

    vc_qemu_flags_read(facts, &ctx.flags);   /* precomputed in the digest */
    if (!resolve_request(&ctx, req, source, error))
        return NULL;
    ctx.machines = machines_for(facts, &ctx.flags, ctx.virttype, ctx.arch);
    ctx.session = accel_session(facts, &ctx.flags, ctx.virttype);
    caps->path = g_strdup(req->emulator);
    caps->domain = g_strdup(ctx.virttype);
    caps->machine = g_strdup(ctx.machine);
    caps->arch = g_strdup(ctx.arch);
    ok = fill_dom_caps(&ctx, caps, error);
    g_array_unref(ctx.machines);
    return ok ? g_steal_pointer(&caps) : NULL;
}
