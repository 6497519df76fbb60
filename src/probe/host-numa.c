/*
 * NUMA cells for <topology>, following libvirt's virCapabilitiesHostNUMA
 * InitReal: one cell per online node with its memory, page pools,
 * distances and CPUs; without NUMA in sysfs (or when it can't be read) a
 * single fake cell 0 holding every online CPU, as InitFake does.
 */
#include "probe/probe.h"

#include <string.h>
#include <unistd.h>

#define NODE_DIR "/sys/devices/system/node"

gint
vc_compare_page_size(gconstpointer a, gconstpointer b)
{
    const VcPageInfo *x = a, *y = b;
    return x->size_kib < y->size_kib ? -1 : x->size_kib > y->size_kib;
}

/* The system page size comes from sysconf, which a recorded tree can't
 * replay, so the recorder stores it and a root reads it back. */
#define PAGE_SIZE_FILE "/.virtcaps/page_size_kib"

guint
vc_probe_system_page_kib(const VcHost *host)
{
    g_autofree char *rec = NULL;
    guint kib;

    if (host->root[0] != '\0')
        return vc_host_read_uint(host, PAGE_SIZE_FILE, &kib) && kib ? kib : 4;
    kib = (guint)(sysconf(_SC_PAGESIZE) / 1024);
    rec = g_strdup_printf("%u\n", kib);
    vc_host_record_value(host, PAGE_SIZE_FILE, rec);
    return kib;
}

/* Page pools of a node (or of the host for node < 0): the system page size
 * with what memory the huge pages leave, then each huge page size. */
GArray *
vc_probe_page_pools(const VcHost *host, gint node, guint64 memory_kib)
{
    g_autofree char *dir = node < 0
        ? g_strdup("/sys/kernel/mm/hugepages")
        : g_strdup_printf(NODE_DIR "/node%d/hugepages", node);
    g_autoptr(GPtrArray) names = vc_host_list_names(host, dir);
    GArray *pages = g_array_new(FALSE, TRUE, sizeof(VcPageInfo));
    guint64 huge_kib = 0;
    VcPageInfo system = { vc_probe_system_page_kib(host), 0 };

    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        guint64 size;
        VcPageInfo p;
        g_autofree char *count_path = NULL;
        g_autofree char *size_text = NULL;

        if (!g_str_has_prefix(name, "hugepages-") || !g_str_has_suffix(name, "kB"))
            continue;
        size_text = g_strndup(name + strlen("hugepages-"),
                              strlen(name) - strlen("hugepages-") - 2);
        if (!vc_parse_u64(size_text, &size) || size == 0 || size > G_MAXUINT) {
            vc_host_warn(host, "ignoring %s/%s: not a page size", dir, name);
            continue;
        }
        count_path = g_strdup_printf("%s/%s/nr_hugepages", dir, name);
        p = (VcPageInfo){ (guint)size, 0 };
        if (!vc_host_read_u64(host, count_path, &p.count))
            continue;
        huge_kib += MIN(p.count, G_MAXUINT64 / size) * size;
        g_array_append_val(pages, p);
    }
    /* Without the memory size the count of system pages is unknown: leave
     * the line out rather than print a made-up 0. */
    if (memory_kib && system.size_kib) {
        system.count = memory_kib > huge_kib ? (memory_kib - huge_kib) / system.size_kib : 0;
        g_array_prepend_val(pages, system);
    }
    g_array_sort(pages, vc_compare_page_size);
    return pages;
}

/* Distances to the online nodes, in the order the kernel lists them. */
static void
read_distances(const VcHost *host, guint node, const VcBitmap *online, GArray *out)
{
    g_autofree char *path = g_strdup_printf(NODE_DIR "/node%u/distance", node);
    g_autofree char *text = vc_host_read(host, path, VC_FILE_MAX_SMALL);
    g_auto(GStrv) words = NULL;
    guint k = 0;

    if (!text)
        return;
    words = g_strsplit_set(g_strstrip(text), " \t\n", -1);
    for (char **w = words; *w; w++) {
        guint64 value;
        if (!**w)
            continue;
        if (!vc_parse_u64(*w, &value) || value > G_MAXUINT || k >= vc_bitmap_count(online)) {
            vc_host_warn(host, "ignoring %s: malformed distance list", path);
            g_array_set_size(out, 0);
            return;
        }
        if (value) {
            VcDistance d = { vc_bitmap_nth(online, k), (guint)value };
            g_array_append_val(out, d);
        }
        k++;
    }
}

/* libvirt (through libnuma) reads cpumap; cpulist says the same and is
 * what its test trees carry, so either serves, cpumap first. */
static VcBitmap *
read_node_cpus(const VcHost *host, guint node)
{
    g_autofree char *list = g_strdup_printf(NODE_DIR "/node%u/cpulist", node);
    g_autofree char *map = g_strdup_printf(NODE_DIR "/node%u/cpumap", node);
    VcBitmap *cpus = NULL;

    if (vc_host_exists(host, map))
        cpus = vc_host_read_mask(host, map);
    if (!cpus && vc_host_exists(host, list))
        cpus = vc_host_read_list(host, list);
    return cpus;
}

static VcNumaCell *
probe_cell(const VcHost *host, guint node, const VcBitmap *online_nodes)
{
    g_autoptr(VcBitmap) cpus = read_node_cpus(host, node);
    g_autofree char *meminfo = g_strdup_printf(NODE_DIR "/node%u/meminfo", node);
    VcNumaCell *cell;
    guint64 mem_kib = 0;

    if (!cpus)
        return NULL;
    cell = vc_numa_cell_new(node);
    for (guint i = 0; i < vc_bitmap_count(cpus); i++) {
        VcCellCpu cpu;
        /* libvirt would give up on the whole topology; listing the CPU
         * without its ids (and a warning) keeps the rest of the answer. */
        if (!vc_probe_cpu_topology(host, vc_bitmap_nth(cpus, i), &cpu))
            cpu = (VcCellCpu){ .id = vc_bitmap_nth(cpus, i) };
        g_array_append_val(cell->cpus, cpu);
    }
    read_distances(host, node, online_nodes, cell->distances);
    if (vc_meminfo_field_kib(host, meminfo, "MemTotal", &mem_kib))
        cell->memory_kib = mem_kib;
    g_array_unref(cell->pages);
    cell->pages = vc_probe_page_pools(host, (gint)node, mem_kib);
    return cell;
}

static gboolean
probe_real(const VcHost *host, VcHostCaps *caps)
{
    g_autoptr(VcBitmap) online = vc_host_read_list(host, NODE_DIR "/online");

    if (!online) {
        g_autoptr(GArray) nodes = vc_host_list_numbered(host, NODE_DIR, "node");
        online = vc_bitmap_new();
        for (guint i = 0; i < nodes->len; i++)
            vc_bitmap_add(online, g_array_index(nodes, guint, i));
    }
    if (!vc_bitmap_count(online))
        return FALSE;
    for (guint i = 0; i < vc_bitmap_count(online); i++) {
        guint node = vc_bitmap_nth(online, i);
        g_autofree char *dir = g_strdup_printf(NODE_DIR "/node%u", node);
        VcNumaCell *cell;

        if (!vc_host_exists(host, dir))
            continue;
        if (!(cell = probe_cell(host, node, online)))
            return FALSE;
        g_ptr_array_add(caps->cells, cell);
    }
    return caps->cells->len > 0;
}

/* libvirt's InitFake: cell 0 with every online CPU numbered in
 * socket/core/thread order and the host's total memory; no pages. */
static void
probe_fake(const VcHost *host, VcHostCaps *caps)
{
    g_autoptr(VcBitmap) online = vc_probe_cpus_online(host);
    VcNodeInfo info;
    VcNumaCell *cell;
    guint64 mem_kib = 0;
    guint id = 0;

    if (!vc_probe_node_info(host, caps->cpu.arch, &info))
        return;
    cell = vc_numa_cell_new(0);
    if (vc_meminfo_field_kib(host, "/proc/meminfo", "MemTotal", &mem_kib))
        cell->memory_kib = mem_kib;
    for (guint s = 0; s < info.sockets; s++) {
        for (guint c = 0; c < info.cores; c++) {
            g_autoptr(VcBitmap) siblings = vc_bitmap_new();
            for (guint t = 0; t < info.threads; t++)
                vc_bitmap_add(siblings, id + t);
            for (guint t = 0; t < info.threads; t++, id++) {
                VcCellCpu cpu = { id, (gint)s, 0, 0, (gint)c, NULL };
                if (!vc_bitmap_has(online, id))
                    continue;
                cpu.siblings = vc_bitmap_copy(siblings);
                g_array_append_val(cell->cpus, cpu);
            }
        }
    }
    g_ptr_array_add(caps->cells, cell);
}

void
vc_probe_numa(const VcHost *host, VcHostCaps *caps)
{
    if (vc_host_exists(host, NODE_DIR) && probe_real(host, caps))
        return;
    if (vc_host_exists(host, NODE_DIR)) {
        vc_host_warn(host, "cannot read the NUMA topology under " NODE_DIR
                     "; reporting a single cell");
        g_ptr_array_set_size(caps->cells, 0);
    }
    probe_fake(host, caps);
}
