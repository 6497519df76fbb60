/*
 * HMAT: memory side caches of NUMA cells and <interconnects>, following
 * libvirt's virCapabilitiesGetNodeCache and
 * virCapabilitiesHostNUMAInitInterconnects.
 *
 * libvirt abandons the whole NUMA topology when one of these files is bad;
 * we leave out only that cache or that node's interconnects and warn.
 */
#include "probe/probe.h"

#define NODE_DIR "/sys/devices/system/node"

/* Kernel enum cache_indexing and enum cache_write_policy, by value. */
static const int kernel_indexing[] = {
    VC_NUMA_CACHE_ASSOC_DIRECT,
    VC_NUMA_CACHE_ASSOC_FULL,
    VC_NUMA_CACHE_ASSOC_NONE,
};
static const int kernel_write_policy[] = {
    VC_NUMA_CACHE_POLICY_WRITEBACK,
    VC_NUMA_CACHE_POLICY_WRITETHROUGH,
    VC_NUMA_CACHE_POLICY_NONE,
};

/* A value from dir/name that must be there: a missing one is warned about
 * too, since libvirt treats it as an error. */
static gboolean
read_required(const VcHost *host, const char *dir, const char *name, guint64 *value)
{
    g_autofree char *path = g_strdup_printf("%s/%s", dir, name);

    if (vc_host_read_u64(host, path, value))
        return TRUE;
    if (!vc_host_exists(host, path))
        vc_host_warn(host, "ignoring %s: %s is missing", dir, path);
    return FALSE;
}

static gboolean
read_required_uint(const VcHost *host, const char *dir, const char *name, guint *value)
{
    guint64 v;

    if (!read_required(host, dir, name, &v))
        return FALSE;
    if (v > G_MAXUINT) {
        vc_host_warn(host, "ignoring %s: %s/%s is out of range", dir, dir, name);
        return FALSE;
    }
    *value = (guint)v;
    return TRUE;
}

/* A kernel enum value from dir/name mapped through table. */
static gboolean
read_kernel_enum(const VcHost *host, const char *dir, const char *name,
                 const int *table, guint n, int *out)
{
    guint v;

    if (!read_required_uint(host, dir, name, &v))
        return FALSE;
    if (v >= n) {
        vc_host_warn(host, "ignoring %s: unknown %s value %u", dir, name, v);
        return FALSE;
    }
    *out = table[v];
    return TRUE;
}

static gboolean
read_cell_cache(const VcHost *host, const char *dir, guint level, VcNumaCache *cache)
{
    guint64 size;
    int assoc, policy;

    if (!read_required(host, dir, "size", &size) ||
        !read_required_uint(host, dir, "line_size", &cache->line_bytes) ||
        !read_kernel_enum(host, dir, "indexing", kernel_indexing,
                          G_N_ELEMENTS(kernel_indexing), &assoc) ||
        !read_kernel_enum(host, dir, "write_policy", kernel_write_policy,
                          G_N_ELEMENTS(kernel_write_policy), &policy))
        return FALSE;
    cache->level = level;
    cache->size_kib = size >> 10;   /* bytes in sysfs, KiB in the XML */
    cache->associativity = (VcNumaCacheAssociativity)assoc;
    cache->policy = (VcNumaCachePolicy)policy;
    return TRUE;
}

static gint
compare_cell_caches(gconstpointer a, gconstpointer b)
{
    const VcNumaCache *x = a, *y = b;

    return x->level < y->level ? -1 : x->level > y->level;
}

static void
read_cell_caches(const VcHost *host, VcNumaCell *cell)
{
    g_autofree char *dir = g_strdup_printf(NODE_DIR "/node%u/memory_side_cache", cell->id);
    g_autoptr(GArray) levels = vc_host_list_numbered(host, dir, "index");

    for (guint i = 0; i < levels->len; i++) {
        guint level = g_array_index(levels, guint, i);
        g_autofree char *index_dir = g_strdup_printf("%s/index%u", dir, level);
        VcNumaCache cache = { 0 };

        if (read_cell_cache(host, index_dir, level, &cache))
            g_array_append_val(cell->caches, cache);
    }
    g_array_sort(cell->caches, compare_cell_caches);
}

/* The access1 class: the best path from CPUs only (access0 also counts
 * devices doing I/O); libvirt reports only this one. */
typedef struct {
    guint read_bandwidth, write_bandwidth;
    guint read_latency, write_latency;
} AccessClass;

/* Bandwidths are MiB/s in sysfs and KiB/s in the XML.  libvirt shifts in
 * an unsigned int, so a bandwidth of 4 TiB/s or more wraps; we print what
 * libvirt prints, but say so. */
static guint
bandwidth_kib(const VcHost *host, const char *dir, const char *name, guint mib)
{
    if (mib > G_MAXUINT >> 10)
        vc_host_warn(host, "%s/%s: %u MiB/s overflows libvirt's KiB/s value",
                     dir, name, mib);
    return (guint)(mib << 10);
}

static gboolean
read_access_class(const VcHost *host, const char *dir, AccessClass *ac)
{
    if (!read_required_uint(host, dir, "read_bandwidth", &ac->read_bandwidth) ||
        !read_required_uint(host, dir, "write_bandwidth", &ac->write_bandwidth) ||
        !read_required_uint(host, dir, "read_latency", &ac->read_latency) ||
        !read_required_uint(host, dir, "write_latency", &ac->write_latency))
        return FALSE;
    ac->read_bandwidth = bandwidth_kib(host, dir, "read_bandwidth", ac->read_bandwidth);
    ac->write_bandwidth = bandwidth_kib(host, dir, "write_bandwidth", ac->write_bandwidth);
    return TRUE;
}

static void
add_interconnects(GArray *out, guint initiator, guint target, const AccessClass *ac)
{
    const VcInterconnect entries[] = {
        { VC_INTERCONNECT_BANDWIDTH, initiator, target, 0, VC_MEMORY_ACCESS_READ, ac->read_bandwidth },
        { VC_INTERCONNECT_BANDWIDTH, initiator, target, 0, VC_MEMORY_ACCESS_WRITE, ac->write_bandwidth },
        { VC_INTERCONNECT_LATENCY, initiator, target, 0, VC_MEMORY_ACCESS_READ, ac->read_latency },
        { VC_INTERCONNECT_LATENCY, initiator, target, 0, VC_MEMORY_ACCESS_WRITE, ac->write_latency },
    };

    g_array_append_vals(out, entries, G_N_ELEMENTS(entries));
}

static void
read_node_interconnects(const VcHost *host, guint node, GArray *out)
{
    g_autofree char *access = g_strdup_printf(NODE_DIR "/node%u/access1", node);
    g_autofree char *dir = g_strdup_printf("%s/initiators", access);
    g_autoptr(GArray) initiators = NULL;
    AccessClass ac;

    if (!vc_host_exists(host, access) || !read_access_class(host, dir, &ac))
        return;
    initiators = vc_host_list_numbered(host, dir, "node");
    for (guint i = 0; i < initiators->len; i++)
        add_interconnects(out, g_array_index(initiators, guint, i), node, &ac);
}

/* libvirt's virCapsHostNUMAInterconnectComparator: type (latency first),
 * initiator, target, cache, access type, value. */
static gint
compare_interconnects(gconstpointer a, gconstpointer b)
{
    const VcInterconnect *x = a, *y = b;
    const guint64 kx[] = { x->type, x->initiator, x->target, x->cache, x->access, x->value };
    const guint64 ky[] = { y->type, y->initiator, y->target, y->cache, y->access, y->value };

    for (guint i = 0; i < G_N_ELEMENTS(kx); i++)
        if (kx[i] != ky[i])
            return kx[i] < ky[i] ? -1 : 1;
    return 0;
}

void
vc_probe_hmat(const VcHost *host, VcHostCaps *caps)
{
    g_autoptr(GArray) nodes = NULL;

    for (guint i = 0; i < caps->cells->len; i++)
        read_cell_caches(host, g_ptr_array_index(caps->cells, i));

    /* Interconnects cover every node in sysfs, not only the cells. */
    nodes = vc_host_list_numbered(host, NODE_DIR, "node");
    for (guint i = 0; i < nodes->len; i++)
        read_node_interconnects(host, g_array_index(nodes, guint, i), caps->interconnects);
    g_array_sort(caps->interconnects, compare_interconnects);
}
