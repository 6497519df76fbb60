/*
 * libvirt's capabilities XML for the host model: one function per element,
 * in the order and with the exact spelling of libvirt's capabilities.c and
 * cpu_conf.c, so that the output is byte-identical.
 */
#include "model/hostcaps.h"
#include "format/xml-writer.h"
#include "format/units.h"

static void
format_host_cpu(VcXmlBuf *buf, const VcHostCpu *cpu)
{
    vc_xml_printf(buf, "<cpu>\n");
    vc_xml_adjust(buf, 2);
    if (cpu->arch)
        vc_xml_text_element(buf, "arch", cpu->arch);
    if (cpu->model)
        vc_xml_text_element(buf, "model", cpu->model);
    if (cpu->vendor)
        vc_xml_text_element(buf, "vendor", cpu->vendor);
    if (cpu->has_microcode)
        vc_xml_printf(buf, "<microcode version='%u'/>\n", cpu->microcode);
    if (cpu->has_signature)
        vc_xml_printf(buf, "<signature family='%u' model='%u' stepping='%u'/>\n",
                      cpu->family, cpu->model_number, cpu->stepping);
    if (cpu->has_tsc) {
        vc_xml_printf(buf, "<counter name='tsc' frequency='%" G_GUINT64_FORMAT "'",
                      cpu->tsc_frequency);
        if (cpu->tsc_scaling != VC_TSC_SCALING_UNKNOWN)
            vc_xml_printf(buf, " scaling='%s'", vc_tsc_scaling_names[cpu->tsc_scaling]);
        vc_xml_printf(buf, "/>\n");
    }
    if (cpu->has_topology)
        vc_xml_printf(buf, "<topology sockets='%u' dies='%u' clusters='%u' cores='%u' threads='%u'/>\n",
                      cpu->sockets, cpu->dies, cpu->clusters, cpu->cores, cpu->threads);
    if (cpu->maxphysaddr_mode) {
        vc_xml_printf(buf, "<maxphysaddr mode='");
        vc_xml_escaped(buf, cpu->maxphysaddr_mode);
        vc_xml_printf(buf, "'");
        if (cpu->maxphysaddr_bits)
            vc_xml_printf(buf, " bits='%u'", cpu->maxphysaddr_bits);
        vc_xml_printf(buf, "/>\n");
    }
    for (guint i = 0; i < cpu->features->len; i++) {
        vc_xml_printf(buf, "<feature name='");
        vc_xml_escaped(buf, g_ptr_array_index(cpu->features, i));
        vc_xml_printf(buf, "'/>\n");
    }
    for (guint i = 0; i < cpu->pages->len; i++)
        vc_xml_printf(buf, "<pages unit='KiB' size='%u'/>\n",
                      g_array_index(cpu->pages, VcPageInfo, i).size_kib);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</cpu>\n");
}

static void
format_power_management(VcXmlBuf *buf, guint pm)
{
    if (!pm) {
        vc_xml_printf(buf, "<power_management/>\n");
        return;
    }
    vc_xml_printf(buf, "<power_management>\n");
    for (guint bit = 0; bit < G_N_ELEMENTS(vc_pm_target_names); bit++)
        if (pm & (1u << bit))
            vc_xml_printf(buf, "  <%s/>\n", vc_pm_target_names[bit]);
    vc_xml_printf(buf, "</power_management>\n");
}

static void
format_migration(VcXmlBuf *buf, const VcHostCaps *caps)
{
    if (!caps->migration_offline)
        return;
    vc_xml_printf(buf, "<migration_features>\n");
    vc_xml_adjust(buf, 2);
    if (caps->migration_live)
        vc_xml_printf(buf, "<live/>\n");
    if (caps->uri_transports->len) {
        vc_xml_printf(buf, "<uri_transports>\n");
        vc_xml_adjust(buf, 2);
        for (guint i = 0; i < caps->uri_transports->len; i++)
            vc_xml_text_element(buf, "uri_transport",
                                g_ptr_array_index(caps->uri_transports, i));
        vc_xml_adjust(buf, -2);
        vc_xml_printf(buf, "</uri_transports>\n");
    }
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</migration_features>\n");
}

/* libvirt's virNumaCacheFormat: associativity and policy even when they
 * are "none", the size in plain KiB and the line in plain bytes (no pretty
 * units), and no <line> for a line size of 0. */
static void
format_cell_caches(VcXmlBuf *buf, const GArray *caches)
{
    for (guint i = 0; i < caches->len; i++) {
        const VcNumaCache *c = &g_array_index(caches, VcNumaCache, i);

        vc_xml_printf(buf, "<cache level='%u' associativity='%s' policy='%s'>\n",
                      c->level, vc_numa_cache_associativity_names[c->associativity],
                      vc_numa_cache_policy_names[c->policy]);
        vc_xml_printf(buf, "  <size value='%" G_GUINT64_FORMAT "' unit='KiB'/>\n",
                      c->size_kib);
        if (c->line_bytes)
            vc_xml_printf(buf, "  <line value='%u' unit='B'/>\n", c->line_bytes);
        vc_xml_printf(buf, "</cache>\n");
    }
}

static void
format_cell_cpus(VcXmlBuf *buf, const GArray *cpus)
{
    VcXmlBuf attrs, children;

    vc_xml_init(&attrs, 0);
    vc_xml_init_child(&children, buf);
    vc_xml_printf(&attrs, " num='%u'", cpus->len);
    for (guint i = 0; i < cpus->len; i++) {
        const VcCellCpu *cpu = &g_array_index(cpus, VcCellCpu, i);
        vc_xml_printf(&children, "<cpu id='%u'", cpu->id);
        if (cpu->siblings) {
            g_autofree char *siblings = vc_bitmap_format(cpu->siblings);
            vc_xml_printf(&children,
                          " socket_id='%d' die_id='%d' cluster_id='%d' core_id='%d' siblings='%s'",
                          cpu->socket_id, cpu->die_id, cpu->cluster_id,
                          cpu->core_id, siblings);
        }
        vc_xml_printf(&children, "/>\n");
    }
    vc_xml_element(buf, "cpus", &attrs, &children);
    vc_xml_clear(&attrs);
    vc_xml_clear(&children);
}

static void
format_cell(VcXmlBuf *buf, const VcNumaCell *cell)
{
    vc_xml_printf(buf, "<cell id='%u'>\n", cell->id);
    vc_xml_adjust(buf, 2);
    if (cell->memory_kib)
        vc_xml_printf(buf, "<memory unit='KiB'>%" G_GUINT64_FORMAT "</memory>\n",
                      cell->memory_kib);
    for (guint i = 0; i < cell->pages->len; i++) {
        const VcPageInfo *p = &g_array_index(cell->pages, VcPageInfo, i);
        vc_xml_printf(buf, "<pages unit='KiB' size='%u'>%" G_GUINT64_FORMAT "</pages>\n",
                      p->size_kib, p->count);
    }
    if (cell->distances->len) {
        vc_xml_printf(buf, "<distances>\n");
        for (guint i = 0; i < cell->distances->len; i++) {
            const VcDistance *d = &g_array_index(cell->distances, VcDistance, i);
            vc_xml_printf(buf, "  <sibling id='%u' value='%u'/>\n", d->node, d->value);
        }
        vc_xml_printf(buf, "</distances>\n");
    }
    format_cell_caches(buf, cell->caches);
    format_cell_cpus(buf, cell->cpus);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</cell>\n");
}

static void
format_interconnects(VcXmlBuf *buf, const GArray *interconnects)
{
    if (!interconnects->len)
        return;
    vc_xml_printf(buf, "<interconnects>\n");
    vc_xml_adjust(buf, 2);
    for (guint i = 0; i < interconnects->len; i++) {
        const VcInterconnect *ic = &g_array_index(interconnects, VcInterconnect, i);
        vc_xml_printf(buf, "<%s initiator='%u' target='%u'",
                      vc_interconnect_type_names[ic->type], ic->initiator, ic->target);
        if (ic->cache)
            vc_xml_printf(buf, " cache='%u'", ic->cache);
        vc_xml_printf(buf, " type='%s' value='%" G_GUINT64_FORMAT "'",
                      vc_memory_access_names[ic->access], ic->value);
        if (ic->type == VC_INTERCONNECT_BANDWIDTH)
            vc_xml_printf(buf, " unit='KiB'");
        vc_xml_printf(buf, "/>\n");
    }
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</interconnects>\n");
}

static void
format_topology(VcXmlBuf *buf, const VcHostCaps *caps)
{
    if (!caps->cells->len)
        return;
    vc_xml_printf(buf, "<topology>\n");
    vc_xml_adjust(buf, 2);
    vc_xml_printf(buf, "<cells num='%u'>\n", caps->cells->len);
    vc_xml_adjust(buf, 2);
    for (guint i = 0; i < caps->cells->len; i++)
        format_cell(buf, g_ptr_array_index(caps->cells, i));
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</cells>\n");
    format_interconnects(buf, caps->interconnects);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</topology>\n");
}

static void
format_monitor(VcXmlBuf *buf, const VcResctrlMonitor *mon)
{
    /* libvirt prints a monitor only when it has at least one feature. */
    if (!mon || !mon->features->len)
        return;
    vc_xml_printf(buf, "<monitor ");
    if (mon->is_cache)
        vc_xml_printf(buf, "level='%u' reuseThreshold='%u' ", mon->level,
                      mon->reuse_threshold);
    vc_xml_printf(buf, "maxMonitors='%u'>\n", mon->max_monitors);
    for (guint i = 0; i < mon->features->len; i++) {
        vc_xml_printf(buf, "  <feature name='");
        vc_xml_escaped(buf, g_ptr_array_index(mon->features, i));
        vc_xml_printf(buf, "'/>\n");
    }
    vc_xml_printf(buf, "</monitor>\n");
}

/* A control's granularity and minimum share one unit: the smaller of the
 * two units that each would pretty-print with, as libvirt does.  libvirt
 * would divide by zero for a zero granularity with a minimum; print the
 * minimum in its own unit's terms instead. */
static void
format_cache_control(VcXmlBuf *buf, const VcCacheControl *ctl)
{
    VcPrettySize gran = vc_pretty_size_bytes(ctl->granularity_bytes);
    VcPrettySize min = vc_pretty_size_bytes(ctl->min_bytes);
    const char *unit = gran.unit;

    if (min.value && gran.value) {
        guint64 gran_div = ctl->granularity_bytes / gran.value;
        guint64 min_div = ctl->min_bytes / min.value;
        if (min_div > gran_div) {
            min.value *= min_div / gran_div;
        } else if (min_div < gran_div) {
            unit = min.unit;
            gran.value *= gran_div / min_div;
        }
    } else if (min.value) {
        unit = min.unit;
    }
    vc_xml_printf(buf, "<control granularity='%" G_GUINT64_FORMAT "'", gran.value);
    if (min.value)
        vc_xml_printf(buf, " min='%" G_GUINT64_FORMAT "'", min.value);
    vc_xml_printf(buf, " unit='%s' type='%s' maxAllocs='%u'/>\n", unit,
                  vc_cache_type_names[ctl->scope], ctl->max_allocs);
}

static void
format_cache_bank(VcXmlBuf *buf, const VcCacheBank *bank)
{
    VcXmlBuf attrs, children;
    VcPrettySize size = vc_pretty_size_bytes(bank->size_bytes);
    g_autofree char *cpus = vc_bitmap_format(bank->cpus);

    vc_xml_init(&attrs, 0);
    vc_xml_init_child(&children, buf);
    vc_xml_printf(&attrs, " id='%u' level='%u' type='%s' size='%" G_GUINT64_FORMAT
                  "' unit='%s' cpus='%s'", bank->id, bank->level,
                  vc_cache_type_names[bank->type], size.value, size.unit, cpus);
    for (guint i = 0; i < bank->controls->len; i++)
        format_cache_control(&children, &g_array_index(bank->controls, VcCacheControl, i));
    vc_xml_element(buf, "bank", &attrs, &children);
    vc_xml_clear(&attrs);
    vc_xml_clear(&children);
}

static void
format_cache(VcXmlBuf *buf, const VcHostCaps *caps)
{
    if (!caps->cache_banks->len && !caps->cache_monitor)
        return;
    vc_xml_printf(buf, "<cache>\n");
    vc_xml_adjust(buf, 2);
    for (guint i = 0; i < caps->cache_banks->len; i++)
        format_cache_bank(buf, g_ptr_array_index(caps->cache_banks, i));
    format_monitor(buf, caps->cache_monitor);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</cache>\n");
}

static void
format_memory_bandwidth(VcXmlBuf *buf, const VcHostCaps *caps)
{
    if (!caps->membw_nodes->len && !caps->membw_monitor)
        return;
    vc_xml_printf(buf, "<memory_bandwidth>\n");
    vc_xml_adjust(buf, 2);
    for (guint i = 0; i < caps->membw_nodes->len; i++) {
        const VcMemBwNode *node = g_ptr_array_index(caps->membw_nodes, i);
        g_autofree char *cpus = vc_bitmap_format(node->cpus);
        vc_xml_printf(buf, "<node id='%u' cpus='%s'>\n", node->id, cpus);
        vc_xml_printf(buf, "  <control granularity='%u' min='%u' maxAllocs='%u'/>\n",
                      node->granularity, node->min, node->max_allocs);
        vc_xml_printf(buf, "</node>\n");
    }
    format_monitor(buf, caps->membw_monitor);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</memory_bandwidth>\n");
}

static void
format_secmodels(VcXmlBuf *buf, const GPtrArray *secmodels)
{
    for (guint i = 0; i < secmodels->len; i++) {
        const VcSecModel *sec = g_ptr_array_index(secmodels, i);
        vc_xml_printf(buf, "<secmodel>\n");
        vc_xml_adjust(buf, 2);
        vc_xml_text_element(buf, "model", sec->model);
        vc_xml_text_element(buf, "doi", sec->doi);
        for (guint j = 0; j < sec->baselabels->len; j++) {
            const VcBaseLabel *l = &g_array_index(sec->baselabels, VcBaseLabel, j);
            vc_xml_printf(buf, "<baselabel type='");
            vc_xml_escaped(buf, l->type);
            vc_xml_printf(buf, "'>");
            vc_xml_escaped(buf, l->label);
            vc_xml_printf(buf, "</baselabel>\n");
        }
        vc_xml_adjust(buf, -2);
        vc_xml_printf(buf, "</secmodel>\n");
    }
}

static void
format_host(VcXmlBuf *buf, const VcHostCaps *caps)
{
    vc_xml_printf(buf, "<host>\n");
    vc_xml_adjust(buf, 2);
    if (caps->uuid)
        vc_xml_text_element(buf, "uuid", caps->uuid);
    format_host_cpu(buf, &caps->cpu);
    format_power_management(buf, caps->power_management);
    vc_xml_printf(buf, "<iommu support='%s'/>\n", caps->iommu ? "yes" : "no");
    format_migration(buf, caps);
    format_topology(buf, caps);
    format_cache(buf, caps);
    format_memory_bandwidth(buf, caps);
    format_secmodels(buf, caps->secmodels);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</host>\n\n");
}

/* ---- <guest> (libvirt's virCapabilitiesFormatGuestXML) ----------------- */

/* Guest-level machines carry deprecated='yes'; per-domain ones never do. */
static void
format_guest_machines(VcXmlBuf *buf, const GArray *machines, gboolean with_deprecated)
{
    for (guint i = 0; i < machines->len; i++) {
        const VcGuestMachine *m = &g_array_index(machines, VcGuestMachine, i);

        vc_xml_printf(buf, "<machine");
        if (m->canonical) {
            vc_xml_printf(buf, " canonical='");
            vc_xml_escaped(buf, m->canonical);
            vc_xml_printf(buf, "'");
        }
        if (m->max_cpus > 0)
            vc_xml_printf(buf, " maxCpus='%u'", m->max_cpus);
        if (with_deprecated && m->deprecated)
            vc_xml_printf(buf, " deprecated='yes'");
        vc_xml_printf(buf, ">");
        vc_xml_escaped(buf, m->name);
        vc_xml_printf(buf, "</machine>\n");
    }
}

static void
format_guest_domain(VcXmlBuf *buf, const VcGuestDomain *d)
{
    vc_xml_printf(buf, "<domain type='");
    vc_xml_escaped(buf, d->type);
    if (!d->emulator && !d->loader && !d->machines->len) {
        vc_xml_printf(buf, "'/>\n");
        return;
    }
    vc_xml_printf(buf, "'>\n");
    vc_xml_adjust(buf, 2);
    if (d->emulator)
        vc_xml_text_element(buf, "emulator", d->emulator);
    if (d->loader)
        vc_xml_text_element(buf, "loader", d->loader);
    format_guest_machines(buf, d->machines, FALSE);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</domain>\n");
}

static void
format_guest_features(VcXmlBuf *buf, const VcGuest *g)
{
    VcXmlBuf children;

    vc_xml_init_child(&children, buf);
    for (guint i = 0; i < VC_GUEST_FEATURE_LAST; i++) {
        const VcGuestFeature *f = &g->features[i];

        if (!f->present)
            continue;
        vc_xml_printf(&children, "<%s", vc_guest_feature_names[i]);
        if (f->default_on)
            vc_xml_printf(&children, " default='%s'", vc_tristate_switch_names[f->default_on]);
        if (f->toggle)
            vc_xml_printf(&children, " toggle='%s'", vc_tristate_bool_names[f->toggle]);
        vc_xml_printf(&children, "/>\n");
    }
    vc_xml_element(buf, "features", NULL, &children);
    vc_xml_clear(&children);
}

static void
format_guest(VcXmlBuf *buf, const VcGuest *g)
{
    vc_xml_printf(buf, "<guest>\n");
    vc_xml_adjust(buf, 2);
    vc_xml_text_element(buf, "os_type", g->os_type);
    vc_xml_printf(buf, "<arch name='");
    vc_xml_escaped(buf, g->arch);
    vc_xml_printf(buf, "'>\n");
    vc_xml_adjust(buf, 2);
    vc_xml_printf(buf, "<wordsize>%u</wordsize>\n", g->wordsize);
    if (g->emulator)
        vc_xml_text_element(buf, "emulator", g->emulator);
    if (g->loader)
        vc_xml_text_element(buf, "loader", g->loader);
    format_guest_machines(buf, g->machines, TRUE);
    for (guint i = 0; i < g->domains->len; i++)
        format_guest_domain(buf, g_ptr_array_index(g->domains, i));
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</arch>\n");
    format_guest_features(buf, g);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</guest>\n\n");
}

static void
format_guests(VcXmlBuf *buf, const GPtrArray *guests)
{
    for (guint i = 0; i < guests->len; i++)
        format_guest(buf, g_ptr_array_index(guests, i));
}

char *
vc_host_caps_format_xml(const VcHostCaps *caps)
{
    VcXmlBuf buf;

    vc_xml_init(&buf, 0);
    vc_xml_printf(&buf, "<capabilities>\n\n");
    vc_xml_adjust(&buf, 2);
    format_host(&buf, caps);
    format_guests(&buf, caps->guests);
    vc_xml_adjust(&buf, -2);
    vc_xml_printf(&buf, "</capabilities>\n");
    return vc_xml_steal(&buf);
}
