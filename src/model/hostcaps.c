#include "model/hostcaps.h"

#include <string.h>

#include "config.h"

const char *const vc_cache_type_names[3] = { "both", "code", "data" };
const char *const vc_numa_cache_associativity_names[3] = { "none", "direct", "full" };
const char *const vc_numa_cache_policy_names[3] = { "none", "writeback", "writethrough" };
const char *const vc_interconnect_type_names[2] = { "latency", "bandwidth" };
const char *const vc_memory_access_names[4] = { "none", "access", "read", "write" };
const char *const vc_tsc_scaling_names[3] = { "unknown", "yes", "no" };
const char *const vc_pm_target_names[3] = { "suspend_mem", "suspend_disk", "suspend_hybrid" };

int
vc_name_index(const char *const *table, gsize n, const char *name)
{
    for (gsize i = 0; i < n; i++)
        if (name && strcmp(table[i], name) == 0)
            return (int)i;
    return -1;
}

static void
cell_cpu_clear(gpointer p)
{
    VcCellCpu *cpu = p;
    g_clear_pointer(&cpu->siblings, vc_bitmap_free);
}

VcNumaCell *
vc_numa_cell_new(guint id)
{
    VcNumaCell *cell = g_new0(VcNumaCell, 1);

    cell->id = id;
    cell->pages = g_array_new(FALSE, TRUE, sizeof(VcPageInfo));
    cell->distances = g_array_new(FALSE, TRUE, sizeof(VcDistance));
    cell->caches = g_array_new(FALSE, TRUE, sizeof(VcNumaCache));
    cell->cpus = g_array_new(FALSE, TRUE, sizeof(VcCellCpu));
    g_array_set_clear_func(cell->cpus, cell_cpu_clear);
    return cell;
}

void
vc_numa_cell_free(VcNumaCell *cell)
{
    if (!cell)
        return;
    g_array_unref(cell->pages);
    g_array_unref(cell->distances);
    g_array_unref(cell->caches);
    g_array_unref(cell->cpus);
    g_free(cell);
}

static void
cache_bank_free(gpointer p)
{
    VcCacheBank *bank = p;
    vc_bitmap_free(bank->cpus);
    g_array_unref(bank->controls);
    g_free(bank);
}

VcCacheBank *
vc_cache_bank_new(void)
{
    VcCacheBank *bank = g_new0(VcCacheBank, 1);
    bank->cpus = vc_bitmap_new();
    bank->controls = g_array_new(FALSE, TRUE, sizeof(VcCacheControl));
    return bank;
}

static void
membw_node_free(gpointer p)
{
    VcMemBwNode *node = p;
    vc_bitmap_free(node->cpus);
    g_free(node);
}

VcMemBwNode *
vc_membw_node_new(void)
{
    VcMemBwNode *node = g_new0(VcMemBwNode, 1);
    node->cpus = vc_bitmap_new();
    return node;
}

VcResctrlMonitor *
vc_resctrl_monitor_new(void)
{
    VcResctrlMonitor *mon = g_new0(VcResctrlMonitor, 1);
    mon->features = g_ptr_array_new_with_free_func(g_free);
    return mon;
}

void
vc_resctrl_monitor_free(VcResctrlMonitor *mon)
{
    if (!mon)
        return;
    g_ptr_array_unref(mon->features);
    g_free(mon);
}

static void
baselabel_clear(gpointer p)
{
    VcBaseLabel *l = p;
    g_free(l->type);
    g_free(l->label);
}

VcSecModel *
vc_secmodel_new(const char *model, const char *doi)
{
    VcSecModel *sec = g_new0(VcSecModel, 1);
    sec->model = g_strdup(model);
    sec->doi = g_strdup(doi);
    sec->baselabels = g_array_new(FALSE, TRUE, sizeof(VcBaseLabel));
    g_array_set_clear_func(sec->baselabels, baselabel_clear);
    return sec;
}

void
vc_secmodel_add_baselabel(VcSecModel *sec, const char *type, const char *label)
{
    VcBaseLabel l = { g_strdup(type), g_strdup(label) };
    g_array_append_val(sec->baselabels, l);
}

static void
secmodel_free(gpointer p)
{
    VcSecModel *sec = p;
    g_free(sec->model);
    g_free(sec->doi);
    g_array_unref(sec->baselabels);
    g_free(sec);
}

VcHostCaps *
vc_host_caps_new(void)
{
    VcHostCaps *caps = g_new0(VcHostCaps, 1);

    caps->cpu.features = g_ptr_array_new_with_free_func(g_free);
    caps->cpu.pages = g_array_new(FALSE, TRUE, sizeof(VcPageInfo));
    caps->uri_transports = g_ptr_array_new_with_free_func(g_free);
    caps->cells = g_ptr_array_new_with_free_func((GDestroyNotify)vc_numa_cell_free);
    caps->interconnects = g_array_new(FALSE, TRUE, sizeof(VcInterconnect));
    caps->cache_banks = g_ptr_array_new_with_free_func(cache_bank_free);
    caps->membw_nodes = g_ptr_array_new_with_free_func(membw_node_free);
    caps->secmodels = g_ptr_array_new_with_free_func(secmodel_free);
    caps->guests = g_ptr_array_new_with_free_func((GDestroyNotify)vc_guest_free);
    return caps;
}

void
vc_host_caps_free(VcHostCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->uuid);
    g_free(caps->cpu.arch);
    g_free(caps->cpu.model);
    g_free(caps->cpu.vendor);
    g_free(caps->cpu.maxphysaddr_mode);
    g_ptr_array_unref(caps->cpu.features);
    g_array_unref(caps->cpu.pages);
    g_ptr_array_unref(caps->uri_transports);
    g_ptr_array_unref(caps->cells);
    g_array_unref(caps->interconnects);
    g_ptr_array_unref(caps->cache_banks);
    vc_resctrl_monitor_free(caps->cache_monitor);
    g_ptr_array_unref(caps->membw_nodes);
    vc_resctrl_monitor_free(caps->membw_monitor);
    g_ptr_array_unref(caps->secmodels);
    g_ptr_array_unref(caps->guests);
    g_free(caps);
}

G_DEFINE_QUARK(virtcaps-error-quark, virtcaps_error)

const char *
vc_version(void)
{
    return VIRTCAPS_VERSION;
}
