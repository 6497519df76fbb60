/*
 * CPU topology from sysfs, following libvirt's virhostcpu.c: per-CPU ids for
 * the NUMA cell CPU list, and the sockets/cores/threads summary that libvirt
 * puts in <cpu><topology> (virHostCPUGetInfoPopulateLinux).
 */
#include "probe/probe.h"

#include <string.h>

/* libvirt sizes its socket and core bitmaps for ids up to 4095. */
#define TOPOLOGY_ID_MAX 4095

/* Ids where the kernel may say -1 (unknown), which libvirt shows as 0; a
 * negative core id is an error for libvirt (it reads it unsigned). */
static gboolean
read_topology_id(const VcHost *host, guint cpu, const char *file, gint *id)
{
    g_autofree char *path = g_strdup_printf("/sys/devices/system/cpu/cpu%u/topology/%s",
                                            cpu, file);
    *id = 0;
    if (!vc_host_exists(host, path))
        return TRUE;
    if (!vc_host_read_int(host, path, id))
        return FALSE;
    if (*id < 0 && strcmp(file, "core_id") == 0) {
        vc_host_warn(host, "ignoring %s: negative core id %d", path, *id);
        return FALSE;
    }
    if (*id < 0)
        *id = 0;
    return TRUE;
}

gboolean
vc_probe_cpu_topology(const VcHost *host, guint cpu, VcCellCpu *out)
{
    g_autofree char *siblings_path =
        g_strdup_printf("/sys/devices/system/cpu/cpu%u/topology/thread_siblings_list", cpu);

    memset(out, 0, sizeof(*out));
    out->id = cpu;
    if (!read_topology_id(host, cpu, "physical_package_id", &out->socket_id) ||
        !read_topology_id(host, cpu, "die_id", &out->die_id) ||
        !read_topology_id(host, cpu, "cluster_id", &out->cluster_id) ||
        !read_topology_id(host, cpu, "core_id", &out->core_id))
        return FALSE;
    if (vc_host_exists(host, siblings_path)) {
        if (!(out->siblings = vc_host_read_list(host, siblings_path)))
            return FALSE;
    } else {
        out->siblings = vc_bitmap_new();
        vc_bitmap_add(out->siblings, cpu);
    }
    return TRUE;
}

static VcBitmap *
read_cpu_set_or_all(const VcHost *host, const char *path)
{
    VcBitmap *set = vc_host_read_list(host, path);
    g_autoptr(GArray) cpus = NULL;

    if (set)
        return set;
    set = vc_bitmap_new();
    cpus = vc_host_list_numbered(host, "/sys/devices/system/cpu", "cpu");
    for (guint i = 0; i < cpus->len; i++)
        vc_bitmap_add(set, g_array_index(cpus, guint, i));
    return set;
}

VcBitmap *
vc_probe_cpus_online(const VcHost *host)
{
    return read_cpu_set_or_all(host, "/sys/devices/system/cpu/online");
}

VcBitmap *
vc_probe_cpus_present(const VcHost *host)
{
    return read_cpu_set_or_all(host, "/sys/devices/system/cpu/present");
}

/* Number of threads in a CPU's core: libvirt counts thread_siblings_list
 * (older kernels only have the thread_siblings mask); none means 1. */
static guint
count_thread_siblings(const VcHost *host, guint cpu)
{
    g_autofree char *list =
        g_strdup_printf("/sys/devices/system/cpu/cpu%u/topology/thread_siblings_list", cpu);
    g_autofree char *mask =
        g_strdup_printf("/sys/devices/system/cpu/cpu%u/topology/thread_siblings", cpu);
    g_autoptr(VcBitmap) set = NULL;

    if (vc_host_exists(host, list))
        set = vc_host_read_list(host, list);
    else if (vc_host_exists(host, mask))
        set = vc_host_read_mask(host, mask);
    else
        return 1;
    return set ? vc_bitmap_count(set) : 0;
}

typedef struct {
    guint processors, offline, sockets, cores, threads;
} NodeCounts;

/* libvirt's virHostCPUParseNode over the cpuN entries of one directory:
 * counts sockets, the most cores in a socket and the most threads in a
 * core, among the online CPUs.  FALSE when the topology can't be read. */
static gboolean
parse_node_dir(const VcHost *host, const char *dir, const char *arch,
               const VcBitmap *present, const VcBitmap *online, NodeCounts *out)
{
    g_autoptr(GArray) cpus = vc_host_list_numbered(host, dir, "cpu");
    g_autoptr(VcBitmap) sockets = vc_bitmap_new();
    g_autoptr(GHashTable) cores = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                                        NULL, (GDestroyNotify)vc_bitmap_free);
    gboolean is_s390 = g_str_has_prefix(arch, "s390");

    memset(out, 0, sizeof(*out));
    for (guint i = 0; i < cpus->len; i++) {
        guint cpu = g_array_index(cpus, guint, i);
        VcCellCpu topo;
        VcBitmap *socket_cores;
        guint threads;

        if (!vc_bitmap_has(present, cpu))
            continue;
        if (!vc_bitmap_has(online, cpu)) {
            out->offline++;
            continue;
        }
        out->processors++;
        if (!vc_probe_cpu_topology(host, cpu, &topo))
            return FALSE;
        vc_bitmap_free(topo.siblings);
        if (topo.socket_id > TOPOLOGY_ID_MAX || topo.core_id > TOPOLOGY_ID_MAX) {
            vc_host_warn(host, "ignoring CPU topology: cpu%u has an id above %d",
                         cpu, TOPOLOGY_ID_MAX);
            return FALSE;
        }
        vc_bitmap_add(sockets, (guint)topo.socket_id);
        socket_cores = g_hash_table_lookup(cores, GINT_TO_POINTER(topo.socket_id));
        if (!socket_cores) {
            socket_cores = vc_bitmap_new();
            g_hash_table_insert(cores, GINT_TO_POINTER(topo.socket_id), socket_cores);
        }
        /* On s390 a logical CPU is a core. */
        vc_bitmap_add(socket_cores, is_s390 ? cpu : (guint)topo.core_id);
        if (!(threads = count_thread_siblings(host, cpu)))
            return FALSE;
        out->threads = MAX(out->threads, threads);
    }
    out->sockets = vc_bitmap_count(sockets);
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, cores);
    while (g_hash_table_iter_next(&it, NULL, &value))
        out->cores = MAX(out->cores, vc_bitmap_count(value));
    return TRUE;
}

gboolean
vc_probe_node_info(const VcHost *host, const char *arch, VcNodeInfo *info)
{
    g_autoptr(VcBitmap) present = vc_probe_cpus_present(host);
    g_autoptr(VcBitmap) online = vc_probe_cpus_online(host);
    g_autoptr(GArray) nodes = vc_host_list_numbered(host, "/sys/devices/system/node", "node");
    guint offline = 0;
    NodeCounts c;

    memset(info, 0, sizeof(*info));
    for (guint i = 0; i < nodes->len; i++) {
        g_autofree char *dir = g_strdup_printf("/sys/devices/system/node/node%u",
                                               g_array_index(nodes, guint, i));
        if (!parse_node_dir(host, dir, arch, present, online, &c))
            return FALSE;
        info->nodes++;
        info->cpus += c.processors;
        offline += c.offline;
        info->sockets = MAX(info->sockets, c.sockets);
        info->cores = MAX(info->cores, c.cores);
        info->threads = MAX(info->threads, c.threads);
    }
    if (!info->cpus || !info->nodes) {
        /* Not NUMA (or nodes without CPUs): the whole machine is one node. */
        if (!parse_node_dir(host, "/sys/devices/system/cpu", arch, present, online, &c))
            return FALSE;
        offline = c.offline;
        *info = (VcNodeInfo){ c.processors, 1, c.sockets, c.cores, c.threads };
    }
    if (!info->cpus || !info->sockets || !info->threads)
        return FALSE;
    /* A topology that does not multiply out (hidden nodes, AMD modules
     * counted as both threads and cores) is reported flat, as libvirt does. */
    if (info->nodes * info->sockets * info->cores * info->threads != info->cpus + offline)
        *info = (VcNodeInfo){ info->cpus, 1, 1, info->cpus + offline, 1 };
    return TRUE;
}
