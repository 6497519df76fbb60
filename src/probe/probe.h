/*
 * Host probes: each fills one part of the host capabilities model from files
 * read through a VcHost (root prefix + warnings).  Probes never format and
 * never fail the whole probe: a missing or malformed file leaves its part out
 * and adds a warning naming the file.
 */
#ifndef VC_PROBE_PROBE_H
#define VC_PROBE_PROBE_H

#include "model/hostcaps.h"
#include "util/vc-file.h"

/* host-arch.c: the host architecture, libvirt's name for it. */
char *vc_probe_arch(const VcHost *host);

/* host-cpu.c: <cpu> vendor, microcode, signature, counter, maxphysaddr,
 * pages (everything under <cpu> except arch, topology, model, features).
 * opts (may be NULL) gives the cache of the live TSC answer. */
void vc_probe_host_cpu(const VcHost *host, const VcProbeOptions *opts, VcHostCaps *caps);
/* For tests: fn stands in for the invariant-TSC check and the KVM ioctls
 * of the live host (TRUE with the answer, or FALSE); NULL restores them. */
typedef gboolean (*VcTscProbeFunc)(guint64 *hz, VcTscScaling *scaling);
void vc_probe_set_tsc_hook(VcTscProbeFunc fn);

/* host-topology.c: the <cpu><topology> summary (libvirt's
 * virHostCPUGetInfo: sockets per node, cores per socket, threads per core). */
typedef struct {
    guint cpus, nodes, sockets, cores, threads;
} VcNodeInfo;
gboolean vc_probe_node_info(const VcHost *host, const char *arch, VcNodeInfo *info);

/* Per-CPU topology from /sys/devices/system/cpu/cpuN/topology, with
 * libvirt's defaults: a missing id file means 0, a negative id means 0, and
 * missing siblings mean the CPU alone.  FALSE (with a warning) when a file
 * exists but is malformed. */
gboolean vc_probe_cpu_topology(const VcHost *host, guint cpu, VcCellCpu *out);
/* The online and present CPU sets (all CPUs when the file is missing). */
VcBitmap *vc_probe_cpus_online(const VcHost *host);
VcBitmap *vc_probe_cpus_present(const VcHost *host);

/* host-numa.c: <topology> cells with memory, pages, distances and CPUs. */
void vc_probe_numa(const VcHost *host, VcHostCaps *caps);

/* The system page size in KiB, and the page pools of NUMA node `node` (or
 * of the whole host for -1) given its memory: VcPageInfo sorted by size. */
guint vc_probe_system_page_kib(const VcHost *host);
/* GCompareFunc ordering VcPageInfo by size, as libvirt lists them. */
gint vc_compare_page_size(gconstpointer a, gconstpointer b);
GArray *vc_probe_page_pools(const VcHost *host, gint node, guint64 memory_kib);

/* host-hmat.c: per-cell memory side caches and <interconnects> (HMAT);
 * runs after vc_probe_numa. */
void vc_probe_hmat(const VcHost *host, VcHostCaps *caps);

/* host-cache.c: <cache> banks with resctrl controls and monitor, and
 * <memory_bandwidth>, from CPU cache sysfs and /sys/fs/resctrl. */
void vc_probe_cache(const VcHost *host, VcHostCaps *caps);

/* host-misc.c: uuid, power management, iommu, migration features, secmodel. */
void vc_probe_misc(const VcHost *host, VcHostCaps *caps);

/* host-meminfo.c helpers shared by probes: "MemTotal:  123 kB" style files. */
gboolean vc_meminfo_field_kib(const VcHost *host, const char *path,
                              const char *field, guint64 *kib);

#endif
