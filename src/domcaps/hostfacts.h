/*
 * hostfacts.h - the host facts that domain capabilities depend on besides
 * the emulator's QMP answers: probed from the running host, then optionally
 * overridden from a JSON facts file (--host-facts, see docs/domcaps.md), so
 * that a transcript can be evaluated "as if on" another host.
 */
#ifndef VC_DOMCAPS_HOSTFACTS_H
#define VC_DOMCAPS_HOSTFACTS_H

#include <glib.h>

#include "qemu/cache.h"

G_BEGIN_DECLS

/* A host CPU as libvirt's CPU driver names it (virCPUGetHost). */
typedef struct {
    char *model;
    char *vendor;               /* NULL: none */
    GPtrArray *features;        /* char *, libvirt's names and order */
} VcHostFactsCpu;

typedef struct {
    char *arch;                 /* host architecture, libvirt's name */
    gint64 kvm_max_vcpus;       /* KVM_CAP_MAX_VCPUS; -1: unknown (no limit applied) */
    guint phys_addr_bits;       /* host physical address bits; 0: unknown */
    gboolean hvf;               /* Hypervisor.framework usable (macOS) */
    gboolean secure_guest;      /* KVM secure guests (s390 PV, AMD SEV) enabled */
    GPtrArray *firmware_dirs;   /* descriptor directories, lowest precedence first */
    GPtrArray *loader_values;   /* NULL: the descriptors' firmware files that exist */
    gboolean swtpm;             /* swtpm and swtpm_setup are installed */
    GPtrArray *tpm_versions;    /* TPM versions swtpm_setup supports ("1.2", "2.0") */
    gboolean vfio;              /* VFIO device assignment is available (/dev/vfio/vfio) */
    GPtrArray *pci_backends;    /* NULL, or the pciBackend values to report as they are */
    guint sev_max_guests;       /* from CPUID 0x8000001F (SEV ASIDs) */
    guint sev_max_es_guests;
    VcHostFactsCpu *cpu;             /* NULL: unknown (host-model then needs QEMU's expansion) */
} VcHostFacts;

/* The facts of the running host. */
VcHostFacts *vc_host_facts_probe(void);
/* The same, with swtpm_setup's answer kept in the facts cache of opts
 * (qemu/cache.h: its directory, no_cache and warnings; NULL: no cache),
 * keyed on the swtpm and swtpm_setup found in PATH and virtcaps. */
VcHostFacts *vc_host_facts_probe_cached(const VcQemuCacheOptions *opts);
/* Override facts with the members of a JSON facts file; errors name the
 * file and the member. */
gboolean vc_host_facts_apply_file(VcHostFacts *facts, const char *path, GError **error);
gboolean vc_host_facts_apply_json(VcHostFacts *facts, const char *json, const char *source,
                                  GError **error);
void vc_host_facts_free(VcHostFacts *facts);
void vc_host_facts_cpu_free(VcHostFactsCpu *cpu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcHostFacts, vc_host_facts_free)

G_END_DECLS

#endif /* VC_DOMCAPS_HOSTFACTS_H */
