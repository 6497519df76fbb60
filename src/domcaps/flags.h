/*
 * flags.h - libvirt's QEMU capability flags that domain capabilities read.
 *
 * libvirt first turns the QMP replies of a probe into named flags
 * (virQEMUCaps: schema entries, QOM types, device and object properties,
 * command-line options, TPM models...) and its domain capabilities code reads
 * those flags.  This is the subset that <domainCapabilities> depends on, with
 * libvirt's names (as in its capabilities cache, <flag name='...'/>), computed
 * from a facts tree (qemu/probe.h) by the tables in flags.c.
 */
#ifndef VC_DOMCAPS_FLAGS_H
#define VC_DOMCAPS_FLAGS_H

#include <glib.h>
#include <json-c/json.h>

G_BEGIN_DECLS

/* X(ENUM, "libvirt name") */
#define VC_QEMU_FLAG_LIST(X) \
    X(KVM, "kvm") \
    X(HVF, "hvf") \
    X(TCG, "tcg") \
    X(QUERY_CPU_DEFINITIONS, "query-cpu-definitions") \
    X(QUERY_CPU_MODEL_EXPANSION, "query-cpu-model-expansion") \
    X(CPU_MAX, "cpu-max") \
    X(CPU_MIGRATABLE, "cpu.migratable") \
    X(CPU_UNAVAILABLE_FEATURES, "cpu-unavailable-features") \
    X(X86_MAX_CPU, "x86-max-cpu") \
    X(ARM_MAX_CPU, "arm-max-cpu") \
    X(VNC, "vnc") \
    X(SPICE, "spice") \
    X(SDL, "sdl") \
    X(EGL_HEADLESS, "egl-headless") \
    X(DISPLAY_DBUS, "display-dbus") \
    X(USB_STORAGE, "usb-storage") \
    X(ICH9_AHCI, "ich9-ahci") \
    X(VIRTIO_PCI_TRANSITIONAL, "virtio-pci-non-transitional") \
    X(VGA, "VGA") \
    X(CIRRUS_VGA, "cirrus-vga") \
    X(VMWARE_SVGA, "vmware-svga") \
    X(QXL, "qxl") \
    X(VIRTIO_GPU, "virtio-gpu") \
    X(BOCHS_DISPLAY, "bochs-display") \
    X(RAMFB, "ramfb") \
    X(PIIX3_USB_UHCI, "piix3-usb-uhci") \
    X(PIIX4_USB_UHCI, "piix4-usb-uhci") \
    X(USB_EHCI, "usb-ehci") \
    X(ICH9_USB_EHCI1, "ich9-usb-ehci1") \
    X(VT82C686B_USB_UHCI, "vt82c686b-usb-uhci") \
    X(PCI_OHCI, "pci-ohci") \
    X(NEC_USB_XHCI, "nec-usb-xhci") \
    X(QEMU_XHCI, "qemu-xhci") \
    X(VFIO_PCI, "vfio-pci") \
    X(VIRTIO_RNG, "virtio-rng") \
    X(RNG_RANDOM, "rng-random") \
    X(RNG_EGD, "rng-egd") \
    X(RNG_BUILTIN, "rng-builtin") \
    X(VHOST_USER_FS, "vhost-user-fs") \
    X(TPM_TIS, "tpm-tis") \
    X(TPM_CRB, "tpm-crb") \
    X(TPM_SPAPR, "tpm-spapr") \
    X(SPAPR_TPM_PROXY, "spapr-tpm-proxy") \
    X(TPM_PASSTHROUGH, "tpm-passthrough") \
    X(TPM_EMULATOR, "tpm-emulator") \
    X(USB_REDIR, "usb-redir") \
    X(VIRTIO_CRYPTO, "virtio-crypto") \
    X(CRYPTO_LKCF, "cryptodev-backend-lkcf") \
    X(NETDEV_STREAM, "netdev.stream") \
    X(VMCOREINFO, "vmcoreinfo") \
    X(VMGENID, "vmgenid") \
    X(BLOCKDEV_REOPEN, "blockdev-reopen") \
    X(BITMAP_MAPPING, "migration-param.block-bitmap-mapping") \
    X(INCREMENTAL_BACKUP, "incremental-backup") \
    X(ASYNC_TEARDOWN, "run-with.async-teardown") \
    X(CONFIDENTIAL_GUEST, "confidential-guest-support") \
    X(S390_PV_GUEST, "s390-pv-guest") \
    X(SEV_GUEST, "sev-guest") \
    X(SGX_EPC, "sgx-epc") \
    X(I8042, "i8042") \
    X(MACHINE_I8042_OPT, "machine-i8042-opt") \
    X(MEMORY_MEMFD, "memory-backend-memfd")

#define VC_QEMU_FLAG_ENUM(e, name) VC_QEMU_FLAG_##e,
typedef enum {
    VC_QEMU_FLAG_LIST(VC_QEMU_FLAG_ENUM)
    VC_QEMU_FLAG_LAST,
} VcQemuFlag;
#undef VC_QEMU_FLAG_ENUM

typedef struct {
    gboolean set[VC_QEMU_FLAG_LAST];
} VcQemuFlags;

/* libvirt's name of flag. */
const char *vc_qemu_flag_name(VcQemuFlag flag);

/* Compute every flag of the list from a facts tree.  hvf: the host offers
 * Hypervisor.framework (libvirt's virQEMUCapsProbeHVF), which the facts
 * also say when the first session was asked for "hvf:...". */
void vc_qemu_flags_compute(json_object *facts, VcQemuFlags *flags);

/* The flags precomputed in a digest (qemu/digest.h): what consumers read.
 * Not a digest: a programming error, and no flag is set. */
void vc_qemu_flags_read(json_object *digest, VcQemuFlags *flags);

/* A QAPI schema (query-qmp-schema's "return", borrowed) indexed by name. */
typedef struct _VcQapiSchema VcQapiSchema;
VcQapiSchema *vc_qapi_schema_new(json_object *schema_return);
void vc_qapi_schema_free(VcQapiSchema *schema);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcQapiSchema, vc_qapi_schema_free)

/* Does the schema satisfy a libvirt schema query (virQEMUQAPISchemaPathGet's
 * syntax: "command/arg-type/member/+variant/^enumvalue/$feature")? */
gboolean vc_qapi_schema_query(const VcQapiSchema *schema, const char *query);

G_END_DECLS

#endif /* VC_DOMCAPS_FLAGS_H */
