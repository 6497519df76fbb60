/*
 * CPU definitions (libvirt's <cpu> element: model, vendor, signature,
 * features with policies) and what can be computed on them with the x86
 * model database: a host CPU decoded from CPUID data as libvirt names it,
 * a definition expanded to its full feature set, and the difference of two
 * definitions.  This is the API to be exported later; see docs/cpu.md.
 */
#ifndef VC_CPU_X86_CPU_H
#define VC_CPU_X86_CPU_H

#include "cpu/cpuid.h"
#include "cpu/x86-models.h"

/* libvirt's feature policies; a feature without one (host CPUs) is REQUIRE. */
typedef enum {
    VC_CPU_FEATURE_FORCE,
    VC_CPU_FEATURE_REQUIRE,
    VC_CPU_FEATURE_OPTIONAL,
    VC_CPU_FEATURE_DISABLE,
    VC_CPU_FEATURE_FORBID,
} VcCpuFeaturePolicy;

typedef struct {
    char *name;
    VcCpuFeaturePolicy policy;
} VcCpuFeature;

typedef struct {
    char *arch;              /* NULL when absent */
    char *model;
    char *vendor;
    gboolean has_signature;
    guint family;
    guint model_number;
    guint stepping;
    GPtrArray *features;     /* VcCpuFeature *, in document order */
} VcCpuDef;

VcCpuDef *vc_cpu_def_new(void);
void vc_cpu_def_free(VcCpuDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcCpuDef, vc_cpu_def_free)

void vc_cpu_def_add_feature(VcCpuDef *def, const char *name, VcCpuFeaturePolicy policy);
const char *vc_cpu_feature_policy_name(VcCpuFeaturePolicy policy);

/* Parse a <cpu> element (its first one when the root is something else, e.g.
 * <capabilities><host><cpu>).  Elements other than arch, model, vendor,
 * signature and feature are ignored; errors name source. */
VcCpuDef *vc_cpu_def_parse_xml(const char *text, gsize len, const char *source,
                               GError **error);

/* The full feature set of def, as libvirt computes a CPU's data
 * (x86ModelFromCPU): the model's features, plus force and require features,
 * minus disable and forbid ones (optional ones are left out).  An unknown
 * model or feature is an error. */
gboolean vc_x86_cpu_expand(const VcX86ModelDb *db, const VcCpuDef *def,
                           VcX86FeatureSet *out, GError **error);

/* Features of a's full set that b's lacks and the reverse, each as
 * const VcX86Feature * in libvirt's order. */
typedef struct {
    GPtrArray *only_a;
    GPtrArray *only_b;
} VcX86CpuDiff;

VcX86CpuDiff *vc_x86_cpu_diff(const VcX86ModelDb *db, const VcCpuDef *a,
                              const VcCpuDef *b, GError **error);
void vc_x86_cpu_diff_free(VcX86CpuDiff *diff);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcX86CpuDiff, vc_x86_cpu_diff_free)

/* The host CPU of data as libvirt's x86Decode names it: vendor, signature,
 * the closest model (see docs/cpu.md) and the features the host has beyond
 * it (policy REQUIRE, libvirt's order).  Fails when no model fits. */
VcCpuDef *vc_x86_cpu_decode_host(const VcX86ModelDb *db, const VcCpuidData *data,
                                 GError **error);

#endif
