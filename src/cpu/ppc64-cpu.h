/*
 * Naming a ppc64/ppc64le host CPU as libvirt does (src/cpu/cpu_ppc64.c,
 * virCPUppc64GetHost): the first model with (PVR & mask) == value, and
 * that model's vendor; no features.  The models, vendors and their order
 * are data/cpu/ppc64-models.json's, the PVRs data/cpu/ppc64-pvr.json's.
 *
 * libvirt reads the PVR with `mfpvr`; we read the value Linux prints in
 * /proc/cpuinfo ("revision : 2.2 (pvr 004e 1202)", the PVR's upper and
 * lower halves), live and under --root alike.  That is the raw PVR even
 * when the host (an LPAR, a KVM guest) runs in a compatibility mode, as
 * mfpvr's is: compat modes matter to guests, not to the host's name.
 */
#ifndef VC_CPU_PPC64_CPU_H
#define VC_CPU_PPC64_CPU_H

#include <glib.h>

#include "util/vc-file.h"

typedef struct {
    guint32 value;
    guint32 mask;
} VcPpc64Pvr;

typedef struct {
    char *name;
    char *vendor;                /* NULL: none */
    GArray *pvrs;                /* VcPpc64Pvr */
} VcPpc64Model;

typedef struct {
    GPtrArray *models;           /* VcPpc64Model, libvirt's map order */
} VcPpc64CpuMap;

void vc_ppc64_cpu_map_free(VcPpc64CpuMap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcPpc64CpuMap, vc_ppc64_cpu_map_free)

/* Errors name the file and the model (bad number, duplicate, a model
 * without PVRs, PVRs of no model). */
VcPpc64CpuMap *vc_ppc64_cpu_map_parse(const char *models_text, const char *models_source,
                                      const char *pvr_text, const char *pvr_source,
                                      GError **error);
VcPpc64CpuMap *vc_ppc64_cpu_map_load(const char *models_path, const char *pvr_path,
                                     GError **error);
VcPpc64CpuMap *vc_ppc64_cpu_map_load_default(GError **error);

/* libvirt's ARCH_IS_PPC64: the arches whose host CPU is named this way. */
gboolean vc_ppc64_is_arch(const char *arch);

/* The PVR of the first "(pvr XXXX YYYY)" of a /proc/cpuinfo text; a
 * missing or malformed one is an error naming source. */
gboolean vc_ppc64_pvr_from_cpuinfo(const char *cpuinfo, const char *source,
                                   guint32 *pvr, GError **error);

/* ppc64ModelFindPVR; NULL (libvirt: "Cannot find CPU model") otherwise. */
const VcPpc64Model *vc_ppc64_cpu_find(const VcPpc64CpuMap *map, guint32 pvr);

/* The host probe's hook: model and vendor from HOST/proc/cpuinfo;
 * problems are one-line warnings. */
void vc_ppc64_probe_host(const VcHost *host, char **model, char **vendor);

#endif
