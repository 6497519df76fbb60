/*
 * The host capabilities model: a plain data structure mirroring the <host>
 * part of libvirt's capabilities XML (spec: formatcaps).  Probes fill it,
 * formatters print it; neither the model nor the formatters read any file.
 *
 * Optional scalars carry a has_* flag rather than a magic value, because 0 is
 * a legitimate value for most of them (microcode 0, socket 0, ...).
 */
#ifndef VC_MODEL_HOSTCAPS_H
#define VC_MODEL_HOSTCAPS_H

#include "virtcaps.h"
#include "util/vc-bitmap.h"
#include "model/guest.h"

/* One <pages> entry: a page size, and for NUMA cells the number of pages. */
typedef struct {
    guint size_kib;
    guint64 count;
} VcPageInfo;

typedef struct {
    guint id;
    /* libvirt prints the topology attributes only when it could read the
     * CPU's siblings; siblings == NULL means "id only". */
    gint socket_id;
    gint die_id;
    gint cluster_id;
    gint core_id;
    VcBitmap *siblings;
} VcCellCpu;

typedef struct {
    guint node;
    guint value;
} VcDistance;

typedef enum {
    VC_NUMA_CACHE_ASSOC_NONE,
    VC_NUMA_CACHE_ASSOC_DIRECT,
    VC_NUMA_CACHE_ASSOC_FULL,
} VcNumaCacheAssociativity;

typedef enum {
    VC_NUMA_CACHE_POLICY_NONE,
    VC_NUMA_CACHE_POLICY_WRITEBACK,
    VC_NUMA_CACHE_POLICY_WRITETHROUGH,
} VcNumaCachePolicy;

/* A memory side cache of a NUMA node (HMAT). */
typedef struct {
    guint level;
    guint64 size_kib;
    guint line_bytes;
    VcNumaCacheAssociativity associativity;
    VcNumaCachePolicy policy;
} VcNumaCache;

typedef struct {
    guint id;
    guint64 memory_kib;          /* 0: unknown, not printed */
    GArray *pages;               /* VcPageInfo */
    GArray *distances;           /* VcDistance */
    GArray *caches;              /* VcNumaCache, by level */
    GArray *cpus;                /* VcCellCpu */
} VcNumaCell;

typedef enum {
    VC_INTERCONNECT_LATENCY,
    VC_INTERCONNECT_BANDWIDTH,
} VcInterconnectType;

typedef enum {
    VC_MEMORY_ACCESS_NONE,
    VC_MEMORY_ACCESS_ACCESS,
    VC_MEMORY_ACCESS_READ,
    VC_MEMORY_ACCESS_WRITE,
} VcMemoryAccess;

/* One HMAT <latency> or <bandwidth> entry. */
typedef struct {
    VcInterconnectType type;
    guint initiator;
    guint target;
    guint cache;                 /* 0: not a cache level */
    VcMemoryAccess access;
    guint64 value;               /* latency in ns, bandwidth in KiB/s */
} VcInterconnect;

typedef enum {
    VC_CACHE_TYPE_BOTH,
    VC_CACHE_TYPE_CODE,
    VC_CACHE_TYPE_DATA,
} VcCacheType;

/* A resctrl allocation control of a cache bank. */
typedef struct {
    guint64 granularity_bytes;
    guint64 min_bytes;
    VcCacheType scope;
    guint max_allocs;
} VcCacheControl;

typedef struct {
    guint id;
    guint level;
    VcCacheType type;
    guint64 size_bytes;
    VcBitmap *cpus;
    GArray *controls;            /* VcCacheControl */
} VcCacheBank;

/* A resctrl monitor; cache monitors also report level and reuse threshold. */
typedef struct {
    gboolean is_cache;
    guint level;
    guint reuse_threshold;
    guint max_monitors;
    GPtrArray *features;         /* char * */
} VcResctrlMonitor;

typedef struct {
    guint id;
    VcBitmap *cpus;
    guint granularity;
    guint min;
    guint max_allocs;
} VcMemBwNode;

typedef struct {
    char *type;
    char *label;
} VcBaseLabel;

typedef struct {
    char *model;
    char *doi;
    GArray *baselabels;          /* VcBaseLabel */
} VcSecModel;

typedef enum {
    VC_TSC_SCALING_UNKNOWN,
    VC_TSC_SCALING_YES,
    VC_TSC_SCALING_NO,
} VcTscScaling;

typedef struct {
    char *arch;
    char *model;                 /* from the host CPU issue; NULL for now */
    char *vendor;
    gboolean has_microcode;
    guint microcode;
    gboolean has_signature;
    guint family;
    guint model_number;
    guint stepping;
    gboolean has_tsc;
    guint64 tsc_frequency;
    VcTscScaling tsc_scaling;
    gboolean has_topology;
    guint sockets, dies, clusters, cores, threads;
    char *maxphysaddr_mode;      /* NULL: no <maxphysaddr> */
    guint maxphysaddr_bits;
    GPtrArray *features;         /* char *, names as libvirt spells them */
    GArray *pages;               /* VcPageInfo (size only) */
} VcHostCpu;

enum {
    VC_PM_SUSPEND_MEM = 1 << 0,
    VC_PM_SUSPEND_DISK = 1 << 1,
    VC_PM_SUSPEND_HYBRID = 1 << 2,
};

struct _VcHostCaps {
    char *uuid;                  /* NULL: none */
    VcHostCpu cpu;
    guint power_management;      /* VC_PM_* bits */
    gboolean iommu;
    gboolean migration_offline;  /* prints <migration_features> */
    gboolean migration_live;
    GPtrArray *uri_transports;   /* char * */
    GPtrArray *cells;            /* VcNumaCell *; empty: no <topology> */
    GArray *interconnects;       /* VcInterconnect */
    GPtrArray *cache_banks;      /* VcCacheBank * */
    VcResctrlMonitor *cache_monitor;
    GPtrArray *membw_nodes;      /* VcMemBwNode * */
    VcResctrlMonitor *membw_monitor;
    GPtrArray *secmodels;        /* VcSecModel * */
    GPtrArray *guests;           /* VcGuest *, model/guest.h */
};

VcHostCaps *vc_host_caps_new(void);
VcNumaCell *vc_numa_cell_new(guint id);
void vc_numa_cell_free(VcNumaCell *cell);
VcCacheBank *vc_cache_bank_new(void);
VcMemBwNode *vc_membw_node_new(void);
VcResctrlMonitor *vc_resctrl_monitor_new(void);
void vc_resctrl_monitor_free(VcResctrlMonitor *mon);
VcSecModel *vc_secmodel_new(const char *model, const char *doi);
void vc_secmodel_add_baselabel(VcSecModel *sec, const char *type, const char *label);

/* Names of enum values exactly as libvirt prints them, indexed by the enum. */
extern const char *const vc_cache_type_names[3];
extern const char *const vc_numa_cache_associativity_names[3];
extern const char *const vc_numa_cache_policy_names[3];
extern const char *const vc_interconnect_type_names[2];
extern const char *const vc_memory_access_names[4];
extern const char *const vc_tsc_scaling_names[3];
extern const char *const vc_pm_target_names[3];

/* Index of name in a name table, or -1 when it is not there. */
int vc_name_index(const char *const *table, gsize n, const char *name);
#define VC_NAME_INDEX(table, name) vc_name_index(table, G_N_ELEMENTS(table), name)

#endif
