/*
 * Naming an aarch64 host CPU as libvirt does (src/cpu/cpu_arm.c,
 * virCPUarmGetHost): the vendor from the MIDR implementer, the model from
 * the MIDR part number, the features from AT_HWCAP, with the tables of
 * data/cpu/arm-cpu-map.json.
 *
 * libvirt reads MIDR_EL1 with `mrs` and AT_HWCAP with getauxval(); neither
 * exists under a root, so we read the same values from /proc/cpuinfo
 * ("CPU implementer", "CPU part" and "Features" of the first processor),
 * live and under --root alike, so that a recorded tree replays.  See
 * docs/cpu.md.
 */
#ifndef VC_CPU_ARM_CPU_H
#define VC_CPU_ARM_CPU_H

#include <glib.h>

#include "util/vc-file.h"

#define VC_ARM_HWCAP_BITS 32

typedef struct {
    char *name;
    guint implementer;
} VcArmVendor;

typedef struct {
    char *name;
    const VcArmVendor *vendor;   /* NULL: none */
    guint part;
} VcArmModel;

typedef struct {
    GPtrArray *vendors;          /* VcArmVendor */
    GPtrArray *models;           /* VcArmModel, libvirt's map order */
    char *hwcaps[VC_ARM_HWCAP_BITS];
} VcArmCpuMap;

/* The host's identification, as libvirt's virCPUarmCpuDataFromRegs. */
typedef struct {
    guint implementer;           /* MIDR[31:24] */
    guint part;                  /* MIDR[15:4] */
    guint32 hwcaps;              /* AT_HWCAP, bits named by the map */
} VcArmCpuData;

/* What libvirt prints: any of the three may be missing (see decode). */
typedef struct {
    char *model;
    char *vendor;
    GPtrArray *features;         /* char *, AT_HWCAP bit order */
} VcArmHostCpu;

void vc_arm_cpu_map_free(VcArmCpuMap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcArmCpuMap, vc_arm_cpu_map_free)
void vc_arm_host_cpu_clear(VcArmHostCpu *cpu);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(VcArmHostCpu, vc_arm_host_cpu_clear)

/* Errors name the file and the entry (bad number, unknown vendor,
 * duplicate name, implementer or hwcap, wrong types). */
VcArmCpuMap *vc_arm_cpu_map_parse(const char *text, const char *source, GError **error);
VcArmCpuMap *vc_arm_cpu_map_load(const char *path, GError **error);
/* data/cpu/arm-cpu-map.json, found by vc_cpu_data_path(). */
VcArmCpuMap *vc_arm_cpu_map_load_default(GError **error);

/* The first processor's "CPU implementer", "CPU part" and "Features" of a
 * /proc/cpuinfo text (source names it in errors).  Feature words the map
 * does not name (HWCAP2 ones such as sve2) are skipped.  A missing or
 * malformed line is an error naming the file and the line. */
gboolean vc_arm_cpu_data_from_cpuinfo(const VcArmCpuMap *map, const char *cpuinfo,
                                      const char *source, VcArmCpuData *data,
                                      GError **error);

/* libvirt's virCPUarmDecode after its CPUID check.  On failure *cpu keeps
 * what libvirt keeps: nothing when the hwcaps lack "cpuid" or the part is
 * unknown, the model alone when a non-zero implementer is unknown. */
gboolean vc_arm_cpu_decode(const VcArmCpuMap *map, const VcArmCpuData *data,
                           VcArmHostCpu *cpu, GError **error);

/* The host probe's hook: model, vendor and features of an aarch64 host
 * from HOST/proc/cpuinfo; problems are one-line warnings. */
void vc_arm_probe_host(const VcHost *host, char **model, char **vendor,
                       GPtrArray *features);

#endif
