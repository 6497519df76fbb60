/*
 * cpu-policy.h - the host-model and custom CPU modes of domain capabilities
 * (libvirt's virQEMUCapsFillDomainCPUCaps and virQEMUCapsInitHostCPUModel),
 * driven by a table of libvirt's CPU drivers (cpu-drivers.c): which
 * architectures have one, whether it restricts QEMU's models to a list of
 * its own (a data file), how it names vendors, where host-model comes from.
 */
#ifndef VC_DOMCAPS_CPU_POLICY_H
#define VC_DOMCAPS_CPU_POLICY_H

#include "domcaps/policy.h"

G_BEGIN_DECLS

/* Where a driver's host-model CPU comes from (virQEMUCapsInitCPUModel). */
typedef enum {
    VC_CPU_HOST_NONE,     /* QEMU gives no host model for the arch (arm) */
    VC_CPU_HOST_FACTS,    /* the host CPU of the host facts, fallback='allow' */
    VC_CPU_HOST_S390,     /* QEMU's static host expansion, model and features as is */
    VC_CPU_HOST_X86,      /* QEMU's expansion decoded into the closest x86 model */
} VcCpuHostSource;

/* Which of QEMU's models custom mode lists (virCPUGetModels). */
typedef enum {
    VC_CPU_LIST_ANY,      /* every one but "host" */
    VC_CPU_LIST_FILE,     /* only those of the driver's data file */
    VC_CPU_LIST_X86,      /* only those of the data file (libvirt's x86 models), vendors
                           * from the x86 model database where it has the model */
} VcCpuListSource;

typedef struct {
    const char *prefix;
    const char *vendor;
} VcCpuVendorPrefix;

typedef struct {
    const char *name;                          /* libvirt's driver name */
    const char *const *arches;
    VcCpuListSource list;
    const char *list_file;                     /* data/cpu/ file for VC_CPU_LIST_FILE */
    gboolean fold_case;                        /* QEMU's names matched to the list's case-insensitively */
    const VcCpuVendorPrefix *vendor_prefixes;  /* vendor by name prefix; NULL-terminated */
    VcCpuHostSource host;
} VcCpuDriver;

/* libvirt's CPU driver for arch, or NULL when libvirt has none. */
const VcCpuDriver *vc_cpu_driver_for(const char *arch);

/* One model of a driver's list. */
typedef struct {
    char *name;
    char *vendor;         /* NULL: none */
} VcCpuListModel;

/* The driver's model list (VcCpuListModel *, the file's order), loaded once
 * and kept; NULL for VC_CPU_LIST_ANY.  A file's model without "vendor" has
 * none unless the x86 database gives one.  Errors name the file. */
const GPtrArray *vc_cpu_driver_models(const VcCpuDriver *drv, GError **error);
/* The vendor the driver gives model name (NULL: none); models is the
 * driver's list. */
gboolean vc_cpu_driver_vendor(const VcCpuDriver *drv, const GPtrArray *models, const char *name,
                              const char **vendor, GError **error);

/* cpu-custom.c: the custom mode's models (VcDomCpuModel *), or NULL when
 * unsupported; errors name a data file. */
gboolean vc_cpu_fill_custom(const VcPolicyCtx *ctx, const VcCpuDriver *drv, VcDomCpu *cpu,
                            GError **error);

/* cpu-host-model.c: QEMU's host CPU expansion of type ("static", "full")
 * for the virt type's session ("host" accelerated, "max" for TCG) with the
 * fact key's props suffix ("migratable=false") or NULL: its "model" object,
 * borrowed, or NULL. */
json_object *vc_cpu_host_expansion(const VcPolicyCtx *ctx, const char *type, const char *props);
/* The host-model mode's CPU, or NULL when unsupported. */
gboolean vc_cpu_fill_host_model(const VcPolicyCtx *ctx, const VcCpuDriver *drv, VcDomCpu *cpu,
                                GError **error);

/* cpu-x86.c: libvirt's x86 host-model CPU, QEMU's host expansion decoded
 * with the x86 model database (*hm NULL when QEMU gave none or no model
 * fits); errors name a data file. */
gboolean vc_cpu_x86_host_model(const VcPolicyCtx *ctx, VcDomCpuHostModel **hm, GError **error);
/* Whether the x86 model database has model name, and its vendor (NULL:
 * none).  Errors (the database cannot be loaded) name the file. */
gboolean vc_cpu_x86_model_vendor(const char *name, const char **vendor, GError **error);
/* libvirt's spelling of the x86 feature QEMU calls qemu_name (the feature
 * database knows QEMU's names and aliases, e.g. "fxsr-opt" is "fxsr_opt"),
 * borrowed; a name the database lacks is kept as QEMU spells it. */
gboolean vc_cpu_x86_feature_name(const char *qemu_name, const char **name, GError **error);

G_END_DECLS

#endif /* VC_DOMCAPS_CPU_POLICY_H */
