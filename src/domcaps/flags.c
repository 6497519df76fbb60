/*
 * flags.c - libvirt's capability flags from probed QMP facts, as tables.
 *
 * Each detection row says where libvirt looks for a flag (its tables
 * virQEMUCapsCommands, virQEMUCapsQMPSchemaQueries, virQEMUCapsObjectTypes,
 * virQEMUCapsObjectProps, virQEMUCapsMachineProps, virQEMUCapsCommandLine,
 * virQEMUCapsTPM*ToCaps in src/qemu/qemu_capabilities.c); rows of one flag
 * are alternatives.  Requirement rows then clear a flag unless another fact
 * holds too (libvirt's interlocks and its "not actually supported" probes).
 */
#include <string.h>

#include "domcaps/flags.h"
#include "qemu/digest.h"
#include "qemu/probe.h"

typedef enum {
    DETECT_COMMAND,      /* a: command listed in the QMP schema */
    DETECT_SCHEMA,       /* a: libvirt schema query */
    DETECT_TYPE,         /* a: QOM type listed by qom-list-types */
    DETECT_OBJECT_PROP,  /* qom-list-properties of type a lists property b */
    DETECT_CMDLINE,      /* query-command-line-options has option a (with parameter b) */
    DETECT_TPM_MODEL,    /* query-tpm-models lists a */
    DETECT_TPM_TYPE,     /* query-tpm-types lists a */
    DETECT_KVM,          /* query-kvm: present and enabled */
    DETECT_HVF,          /* the first session was accelerated by HVF */
    DETECT_CPU_DEF,      /* query-cpu-definitions of any session lists model a */
    DETECT_REPLY_OK,     /* command a answered without an error */
    DETECT_FLAG,         /* flag b (a flag name) is set */
} DetectKind;

typedef struct {
    VcQemuFlag flag;
    DetectKind kind;
    const char *a;
    const char *b;
} DetectRow;

#define F(e) VC_QEMU_FLAG_##e

static const DetectRow detect_rows[] = {
    { F(KVM), DETECT_KVM, NULL, NULL },
    { F(HVF), DETECT_HVF, NULL, NULL },
    { F(TCG), DETECT_TYPE, "tcg-accel", NULL },
    /* virQEMUCapsCommands */
    { F(QUERY_CPU_DEFINITIONS), DETECT_COMMAND, "query-cpu-definitions", NULL },
    { F(QUERY_CPU_MODEL_EXPANSION), DETECT_COMMAND, "query-cpu-model-expansion", NULL },
    { F(VNC), DETECT_COMMAND, "query-vnc", NULL },
    { F(BLOCKDEV_REOPEN), DETECT_COMMAND, "blockdev-reopen", NULL },
    /* virQEMUCapsQMPSchemaQueries */
    { F(SDL), DETECT_SCHEMA, "query-display-options/ret-type/+sdl", NULL },
    { F(EGL_HEADLESS), DETECT_SCHEMA, "query-display-options/ret-type/+egl-headless", NULL },
    { F(DISPLAY_DBUS), DETECT_SCHEMA, "query-display-options/ret-type/+dbus", NULL },
    { F(NETDEV_STREAM), DETECT_SCHEMA, "netdev_add/arg-type/+stream", NULL },
    { F(BITMAP_MAPPING), DETECT_SCHEMA,
      "migrate-set-parameters/arg-type/block-bitmap-mapping/bitmaps/transform", NULL },
    /* virQEMUCapsObjectTypes */
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-blk-pci-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-blk-pci-non-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-net-pci-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-net-pci-non-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "vhost-scsi-pci-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "vhost-scsi-pci-non-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-rng-pci-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-rng-pci-non-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-9p-pci-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-9p-pci-non-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-balloon-pci-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-balloon-pci-non-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "vhost-vsock-pci-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "vhost-vsock-pci-non-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-scsi-pci-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-scsi-pci-non-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-serial-pci-transitional", NULL },
    { F(VIRTIO_PCI_TRANSITIONAL), DETECT_TYPE, "virtio-serial-pci-non-transitional", NULL },
    { F(X86_MAX_CPU), DETECT_TYPE, "max-x86_64-cpu", NULL },
    { F(ARM_MAX_CPU), DETECT_TYPE, "max-arm-cpu", NULL },
    { F(USB_STORAGE), DETECT_TYPE, "usb-storage", NULL },
    { F(ICH9_AHCI), DETECT_TYPE, "ich9-ahci", NULL },
    { F(VGA), DETECT_TYPE, "VGA", NULL },
    { F(CIRRUS_VGA), DETECT_TYPE, "cirrus-vga", NULL },
    { F(VMWARE_SVGA), DETECT_TYPE, "vmware-svga", NULL },
    { F(QXL), DETECT_TYPE, "qxl", NULL },
    { F(VIRTIO_GPU), DETECT_TYPE, "virtio-gpu-pci", NULL },
    { F(VIRTIO_GPU), DETECT_TYPE, "virtio-gpu-device", NULL },
    { F(BOCHS_DISPLAY), DETECT_TYPE, "bochs-display", NULL },
    { F(RAMFB), DETECT_TYPE, "ramfb", NULL },
    { F(PIIX3_USB_UHCI), DETECT_TYPE, "piix3-usb-uhci", NULL },
    { F(PIIX4_USB_UHCI), DETECT_TYPE, "piix4-usb-uhci", NULL },
    { F(USB_EHCI), DETECT_TYPE, "usb-ehci", NULL },
    { F(ICH9_USB_EHCI1), DETECT_TYPE, "ich9-usb-ehci1", NULL },
    { F(VT82C686B_USB_UHCI), DETECT_TYPE, "vt82c686b-usb-uhci", NULL },
    { F(PCI_OHCI), DETECT_TYPE, "pci-ohci", NULL },
    { F(NEC_USB_XHCI), DETECT_TYPE, "nec-usb-xhci", NULL },
    { F(QEMU_XHCI), DETECT_TYPE, "qemu-xhci", NULL },
    { F(VFIO_PCI), DETECT_TYPE, "vfio-pci", NULL },
    { F(VIRTIO_RNG), DETECT_TYPE, "virtio-rng-pci", NULL },
    { F(VIRTIO_RNG), DETECT_TYPE, "virtio-rng-ccw", NULL },
    { F(VIRTIO_RNG), DETECT_TYPE, "virtio-rng-device", NULL },
    { F(RNG_RANDOM), DETECT_TYPE, "rng-random", NULL },
    { F(RNG_EGD), DETECT_TYPE, "rng-egd", NULL },
    { F(RNG_BUILTIN), DETECT_TYPE, "rng-builtin", NULL },
    { F(VHOST_USER_FS), DETECT_TYPE, "vhost-user-fs-device", NULL },
    { F(TPM_SPAPR), DETECT_TYPE, "tpm-spapr", NULL },
    { F(SPAPR_TPM_PROXY), DETECT_TYPE, "spapr-tpm-proxy", NULL },
    { F(USB_REDIR), DETECT_TYPE, "usb-redir", NULL },
    { F(VIRTIO_CRYPTO), DETECT_TYPE, "virtio-crypto-pci", NULL },
    { F(VIRTIO_CRYPTO), DETECT_TYPE, "virtio-crypto-device", NULL },
    { F(CRYPTO_LKCF), DETECT_TYPE, "cryptodev-backend-lkcf", NULL },
    { F(VMCOREINFO), DETECT_TYPE, "vmcoreinfo", NULL },
    { F(VMGENID), DETECT_TYPE, "vmgenid", NULL },
    { F(S390_PV_GUEST), DETECT_TYPE, "s390-pv-guest", NULL },
    { F(SEV_GUEST), DETECT_TYPE, "sev-guest", NULL },
    { F(SGX_EPC), DETECT_TYPE, "sgx-epc", NULL },
    { F(I8042), DETECT_TYPE, "i8042", NULL },
    { F(MEMORY_MEMFD), DETECT_TYPE, "memory-backend-memfd", NULL },
    /* virQEMUCapsObjectProps and virQEMUCapsMachineProps */
    { F(CPU_MIGRATABLE), DETECT_OBJECT_PROP, "max-x86_64-cpu", "migratable" },
    { F(CPU_MIGRATABLE), DETECT_OBJECT_PROP, "max-arm-cpu", "migratable" },
    { F(CPU_UNAVAILABLE_FEATURES), DETECT_OBJECT_PROP, "max-x86_64-cpu", "unavailable-features" },
    { F(CONFIDENTIAL_GUEST), DETECT_OBJECT_PROP, "none-machine", "confidential-guest-support" },
    { F(MACHINE_I8042_OPT), DETECT_OBJECT_PROP, "generic-pc-machine", "i8042" },
    /* virQEMUCapsCommandLine */
    { F(SPICE), DETECT_CMDLINE, "spice", NULL },
    { F(ASYNC_TEARDOWN), DETECT_CMDLINE, "run-with", "async-teardown" },
    /* virQEMUCapsTPMModelsToCaps, virQEMUCapsTPMTypesToCaps */
    { F(TPM_TIS), DETECT_TPM_MODEL, "tpm-tis", NULL },
    { F(TPM_CRB), DETECT_TPM_MODEL, "tpm-crb", NULL },
    { F(TPM_SPAPR), DETECT_TPM_MODEL, "tpm-spapr", NULL },
    { F(TPM_PASSTHROUGH), DETECT_TPM_TYPE, "passthrough", NULL },
    { F(TPM_EMULATOR), DETECT_TPM_TYPE, "emulator", NULL },
    /* virQEMUCapsProbeQMPCPUDefinitions */
    { F(CPU_MAX), DETECT_CPU_DEF, "max", NULL },
    /* virQEMUCapsInitProcessCapsInterlock */
    { F(INCREMENTAL_BACKUP), DETECT_FLAG, NULL, "blockdev-reopen" },
};

/* A flag stays set only if these hold as well. */
static const DetectRow require_rows[] = {
    /* virQEMUCapsInitProcessCapsInterlock */
    { F(INCREMENTAL_BACKUP), DETECT_FLAG, NULL, "migration-param.block-bitmap-mapping" },
    /* virQEMUCapsProbeQMPSEVCapabilities: "SEV isn't actually supported" */
    { F(SEV_GUEST), DETECT_REPLY_OK, "query-sev-capabilities", NULL },
    { F(SGX_EPC), DETECT_REPLY_OK, "query-sgx-capabilities", NULL },
};

#undef F

#define VC_QEMU_FLAG_NAME(e, name) name,
static const char *const flag_names[VC_QEMU_FLAG_LAST] = {
    VC_QEMU_FLAG_LIST(VC_QEMU_FLAG_NAME)
};
#undef VC_QEMU_FLAG_NAME

const char *
vc_qemu_flag_name(VcQemuFlag flag)
{
    return flag < VC_QEMU_FLAG_LAST ? flag_names[flag] : NULL;
}

typedef struct {
    json_object *facts;
    VcQapiSchema *schema;
    GHashTable *types;
    const VcQemuFlags *flags;
} DetectCtx;

static const char *
member_string(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static gboolean
member_bool(json_object *obj, const char *key)
{
    json_object *v = NULL;

    return json_object_is_type(obj, json_type_object) && json_object_object_get_ex(obj, key, &v) &&
        json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/* Does the array list an element whose member key (or, with key NULL, the
 * string element itself) is value? */
static gboolean
array_lists(json_object *array, const char *key, const char *value)
{
    if (!json_object_is_type(array, json_type_array))
        return FALSE;
    for (size_t i = 0; i < json_object_array_length(array); i++) {
        json_object *el = json_object_array_get_idx(array, i);
        const char *s = key ? member_string(el, key)
            : (json_object_is_type(el, json_type_string) ? json_object_get_string(el) : NULL);

        if (g_strcmp0(s, value) == 0)
            return TRUE;
    }
    return FALSE;
}

static json_object *
first_return(const DetectCtx *ctx, const char *key)
{
    return vc_qemu_facts_return(ctx->facts, 0, key);
}

static gboolean
detect_object_prop(const DetectCtx *ctx, const char *type, const char *prop)
{
    g_autofree char *key = g_strconcat("qom-list-properties:", type, NULL);

    return array_lists(first_return(ctx, key), "name", prop);
}

static gboolean
detect_cmdline(const DetectCtx *ctx, const char *option, const char *param)
{
    json_object *opts = first_return(ctx, "query-command-line-options");

    if (!json_object_is_type(opts, json_type_array))
        return FALSE;
    for (size_t i = 0; i < json_object_array_length(opts); i++) {
        json_object *opt = json_object_array_get_idx(opts, i);

        if (g_strcmp0(member_string(opt, "option"), option) != 0)
            continue;
        if (!param || array_lists(json_object_object_get(opt, "parameters"), "name", param))
            return TRUE;
    }
    return FALSE;
}

static gboolean
detect_cpu_def(const DetectCtx *ctx, const char *model)
{
    for (guint s = 0; s < vc_qemu_facts_n_sessions(ctx->facts); s++)
        if (array_lists(vc_qemu_facts_return(ctx->facts, s, "query-cpu-definitions"), "name", model))
            return TRUE;
    return FALSE;
}

static gboolean
detect_hvf(const DetectCtx *ctx)
{
    json_object *sessions = json_object_object_get(ctx->facts, "sessions");
    json_object *first = json_object_array_get_idx(sessions, 0);

    return json_object_is_type(sessions, json_type_array) &&
        g_str_has_prefix(member_string(first, "accel") ? member_string(first, "accel") : "", "hvf");
}

static gboolean
flag_by_name(const VcQemuFlags *flags, const char *name)
{
    for (int f = 0; f < VC_QEMU_FLAG_LAST; f++)
        if (strcmp(flag_names[f], name) == 0)
            return flags->set[f];
    return FALSE;
}

static gboolean
detect(const DetectCtx *ctx, const DetectRow *row)
{
    json_object *kvm;

    switch (row->kind) {
    case DETECT_COMMAND:
    case DETECT_SCHEMA:
        return vc_qapi_schema_query(ctx->schema, row->a);
    case DETECT_TYPE:
        return ctx->types && g_hash_table_contains(ctx->types, row->a);
    case DETECT_OBJECT_PROP:
        return detect_object_prop(ctx, row->a, row->b);
    case DETECT_CMDLINE:
        return detect_cmdline(ctx, row->a, row->b);
    case DETECT_TPM_MODEL:
        return array_lists(first_return(ctx, "query-tpm-models"), NULL, row->a);
    case DETECT_TPM_TYPE:
        return array_lists(first_return(ctx, "query-tpm-types"), NULL, row->a);
    case DETECT_KVM:
        kvm = first_return(ctx, "query-kvm");
        return member_bool(kvm, "present") && member_bool(kvm, "enabled");
    case DETECT_HVF:
        return detect_hvf(ctx);
    case DETECT_CPU_DEF:
        return detect_cpu_def(ctx, row->a);
    case DETECT_REPLY_OK:
        return first_return(ctx, row->a) != NULL;
    case DETECT_FLAG:
        return flag_by_name(ctx->flags, row->b);
    }
    return FALSE;
}

static GHashTable *
type_set(json_object *types)
{
    GHashTable *set = g_hash_table_new(g_str_hash, g_str_equal);

    for (size_t i = 0; json_object_is_type(types, json_type_array) &&
         i < json_object_array_length(types); i++) {
        const char *name = member_string(json_object_array_get_idx(types, i), "name");

        if (name)
            g_hash_table_add(set, (gpointer)name);
    }
    return set;
}

void
vc_qemu_flags_compute(json_object *facts, VcQemuFlags *flags)
{
    g_autoptr(VcQapiSchema) schema = vc_qapi_schema_new(vc_qemu_facts_return(facts, 0, "query-qmp-schema"));
    g_autoptr(GHashTable) types = type_set(vc_qemu_facts_return(facts, 0, "qom-list-types"));
    DetectCtx ctx = { facts, schema, types, flags };

    memset(flags, 0, sizeof(*flags));
    for (gsize i = 0; i < G_N_ELEMENTS(detect_rows); i++)
        if (!flags->set[detect_rows[i].flag] && detect(&ctx, &detect_rows[i]))
            flags->set[detect_rows[i].flag] = TRUE;
    for (gsize i = 0; i < G_N_ELEMENTS(require_rows); i++)
        if (flags->set[require_rows[i].flag] && !detect(&ctx, &require_rows[i]))
            flags->set[require_rows[i].flag] = FALSE;
}

static int
flag_index(const char *name)
{
    for (int f = 0; name && f < VC_QEMU_FLAG_LAST; f++)
        if (strcmp(flag_names[f], name) == 0)
            return f;
    return -1;
}

void
vc_qemu_flags_read(json_object *digest, VcQemuFlags *flags)
{
    json_object *names = json_object_object_get(digest, "flags");

    memset(flags, 0, sizeof(*flags));
    g_return_if_fail(vc_qemu_is_digest(digest));
    for (size_t i = 0; json_object_is_type(names, json_type_array) &&
         i < json_object_array_length(names); i++) {
        int f = flag_index(json_object_get_string(json_object_array_get_idx(names, i)));

        /* a name this build does not know cannot be in its own digest */
        if (f >= 0)
            flags->set[f] = TRUE;
    }
}
