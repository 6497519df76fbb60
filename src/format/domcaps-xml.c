/*
 * domcaps-xml.c - libvirt's domain capabilities XML: one function per
 * element, in the order and spelling of libvirt's virDomainCapsFormat
 * (src/conf/domain_capabilities.c): two-space indent, single quotes, no
 * blank lines, empty elements self-closed, enum values in libvirt's enum
 * order and a reported but empty enum as <enum name='x'/>.
 */
#include <string.h>

#include "format/domcaps-xml.h"
#include "format/xml-writer.h"

/* The first libvirt release printing each part (formatdomaincaps.rst's
 * "since"); older formats leave it out. */
static const struct {
    VcDomCapsPart part;
    guint since;
} part_since[] = {
    { VC_DOMCAPS_PART_BLOCKERS, 10009000 },
    { VC_DOMCAPS_PART_CANONICAL, 10010000 },
};

gboolean
vc_dom_caps_format_has(guint libvirt_version, VcDomCapsPart part)
{
    for (gsize i = 0; i < G_N_ELEMENTS(part_since); i++)
        if (part_since[i].part == part)
            return libvirt_version >= part_since[i].since;
    g_return_val_if_reached(FALSE);
}

/* One part of a version: 1 to 3 digits. */
static gboolean
version_part(const char *text, guint *value)
{
    gsize len = strlen(text);

    *value = 0;
    if (len < 1 || len > 3)
        return FALSE;
    for (gsize i = 0; i < len; i++) {
        if (!g_ascii_isdigit(text[i]))
            return FALSE;
        *value = *value * 10 + (guint)(text[i] - '0');
    }
    return TRUE;
}

gboolean
vc_libvirt_version_parse(const char *text, guint *version, GError **error)
{
    g_auto(GStrv) parts = g_strsplit(text, ".", 4);
    guint n = g_strv_length(parts), v[3] = { 0, 0, 0 };

    for (guint i = 0; n >= 2 && n <= 3 && i < n; i++) {
        if (!version_part(parts[i], &v[i]))
            n = 0;
    }
    if (n < 2 || n > 3) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "invalid libvirt version '%s' (expected MAJOR.MINOR[.MICRO], e.g. 10.7)", text);
        return FALSE;
    }
    *version = v[0] * 1000000 + v[1] * 1000 + v[2];
    return TRUE;
}

static const char *
yes_no(gboolean b)
{
    return b ? "yes" : "no";
}

/* virDomainCapsEnumFormat */
static void
format_enum(VcXmlBuf *buf, const char *name, const VcDomEnum *e, VcVocab vocab)
{
    const char *const *names = vc_vocab_names(vocab);
    VcXmlBuf attrs, children;

    if (!e->report)
        return;
    vc_xml_init(&attrs, 0);
    vc_xml_init_child(&children, buf);
    vc_xml_printf(&attrs, " name='%s'", name);
    for (guint i = 0; names[i]; i++)
        if (e->values & (G_GUINT64_CONSTANT(1) << i))
            vc_xml_printf(&children, "<value>%s</value>\n", names[i]);
    vc_xml_element(buf, "enum", &attrs, &children);
    vc_xml_clear(&attrs);
    vc_xml_clear(&children);
}

/* libvirt's FORMAT_PROLOGUE: FALSE when there is no content to write. */
static gboolean
format_prologue(VcXmlBuf *buf, const char *name, VcTristate supported)
{
    if (supported == VC_TRISTATE_ABSENT)
        return FALSE;
    vc_xml_printf(buf, "<%s supported='%s'%s\n", name, yes_no(supported == VC_TRISTATE_YES),
                  supported == VC_TRISTATE_YES ? ">" : "/>");
    if (supported != VC_TRISTATE_YES)
        return FALSE;
    vc_xml_adjust(buf, 2);
    return TRUE;
}

static void
format_epilogue(VcXmlBuf *buf, const char *name)
{
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</%s>\n", name);
}

static void
format_enum_element(VcXmlBuf *buf, const VcDomCaps *caps, VcEnumElement which)
{
    const VcEnumElementDesc *desc = vc_enum_element_desc(which);
    const VcDomElement *el = &caps->elements[which];

    if (!format_prologue(buf, desc->element, el->supported))
        return;
    for (guint i = 0; i < desc->n_enums; i++)
        format_enum(buf, desc->enums[i].name, &el->enums[i], desc->enums[i].vocab);
    format_epilogue(buf, desc->element);
}

static void
format_simple_feature(VcXmlBuf *buf, const char *name, VcTristate supported)
{
    if (supported != VC_TRISTATE_ABSENT)
        vc_xml_printf(buf, "<%s supported='%s'/>\n", name, yes_no(supported == VC_TRISTATE_YES));
}

static void
format_loader(VcXmlBuf *buf, const VcDomOs *os)
{
    if (!format_prologue(buf, "loader", os->loader_supported))
        return;
    for (guint i = 0; i < os->loader_values->len; i++)
        vc_xml_text_element(buf, "value", g_ptr_array_index(os->loader_values, i));
    format_enum(buf, "type", &os->loader_type, VC_VOCAB_LOADER_TYPE);
    format_enum(buf, "readonly", &os->loader_readonly, VC_VOCAB_TRISTATE_BOOL);
    format_enum(buf, "secure", &os->loader_secure, VC_VOCAB_TRISTATE_BOOL);
    format_epilogue(buf, "loader");
}

static void
format_os(VcXmlBuf *buf, const VcDomOs *os)
{
    if (!format_prologue(buf, "os", os->supported))
        return;
    format_enum(buf, "firmware", &os->firmware, VC_VOCAB_FIRMWARE);
    format_loader(buf, os);
    format_epilogue(buf, "os");
}

/* host-passthrough and maximum: <mode> with a migratable enum. */
static void
format_cpu_switch_mode(VcXmlBuf *buf, const char *mode, gboolean supported,
                       const char *enum_name, const VcDomEnum *migratable)
{
    vc_xml_printf(buf, "<mode name='%s' supported='%s'", mode, yes_no(supported));
    if (!supported || !migratable->report) {
        vc_xml_printf(buf, "/>\n");
        return;
    }
    vc_xml_printf(buf, ">\n");
    vc_xml_adjust(buf, 2);
    format_enum(buf, enum_name, migratable, VC_VOCAB_TRISTATE_SWITCH);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</mode>\n");
}

/* virCPUDefFormatBuf of a guest CPU: model, vendor, maxphysaddr, features. */
static void
format_cpu_host_model(VcXmlBuf *buf, const VcDomCpuHostModel *hm)
{
    if (!hm) {
        vc_xml_printf(buf, "<mode name='host-model' supported='no'/>\n");
        return;
    }
    vc_xml_printf(buf, "<mode name='host-model' supported='yes'>\n");
    vc_xml_adjust(buf, 2);
    vc_xml_printf(buf, "<model fallback='%s'>", hm->fallback_forbid ? "forbid" : "allow");
    vc_xml_escaped(buf, hm->model);
    vc_xml_printf(buf, "</model>\n");
    if (hm->vendor)
        vc_xml_text_element(buf, "vendor", hm->vendor);
    if (hm->maxphysaddr_limit)
        vc_xml_printf(buf, "<maxphysaddr mode='passthrough' limit='%u'/>\n", hm->maxphysaddr_limit);
    for (guint i = 0; i < hm->features->len; i++) {
        const VcDomCpuFeature *f = g_ptr_array_index(hm->features, i);

        vc_xml_printf(buf, "<feature policy='%s' name='", f->disable ? "disable" : "require");
        vc_xml_escaped(buf, f->name);
        vc_xml_printf(buf, "'/>\n");
    }
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</mode>\n");
}

/* virDomainCapsCPUCustomFormat: attributes usable, deprecated (only when
 * yes), vendor, canonical (10.10+). */
static void
format_cpu_custom_model(VcXmlBuf *buf, const VcDomCpuModel *m, guint version)
{
    vc_xml_printf(buf, "<model usable='%s'", m->usable);
    if (m->deprecated)
        vc_xml_printf(buf, " deprecated='yes'");
    vc_xml_printf(buf, " vendor='");
    vc_xml_escaped(buf, m->vendor ? m->vendor : "unknown");
    if (m->canonical && vc_dom_caps_format_has(version, VC_DOMCAPS_PART_CANONICAL)) {
        vc_xml_printf(buf, "' canonical='");
        vc_xml_escaped(buf, m->canonical);
    }
    vc_xml_printf(buf, "'>");
    vc_xml_escaped(buf, m->name);
    vc_xml_printf(buf, "</model>\n");
}

/* 10.9+: an unusable model is followed by the features blocking it. */
static void
format_cpu_blockers(VcXmlBuf *buf, const VcDomCpuModel *m, guint version)
{
    if (!m->blockers || strcmp(m->usable, "no") != 0 ||
        !vc_dom_caps_format_has(version, VC_DOMCAPS_PART_BLOCKERS))
        return;
    vc_xml_printf(buf, "<blockers model='");
    vc_xml_escaped(buf, m->name);
    vc_xml_printf(buf, "'>\n");
    vc_xml_adjust(buf, 2);
    for (guint i = 0; m->blockers[i]; i++) {
        vc_xml_printf(buf, "<feature name='");
        vc_xml_escaped(buf, m->blockers[i]);
        vc_xml_printf(buf, "'/>\n");
    }
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</blockers>\n");
}

static void
format_cpu_custom(VcXmlBuf *buf, const GPtrArray *custom, guint version)
{
    if (!custom || !custom->len) {
        vc_xml_printf(buf, "<mode name='custom' supported='no'/>\n");
        return;
    }
    vc_xml_printf(buf, "<mode name='custom' supported='yes'>\n");
    vc_xml_adjust(buf, 2);
    for (guint i = 0; i < custom->len; i++) {
        format_cpu_custom_model(buf, g_ptr_array_index(custom, i), version);
        format_cpu_blockers(buf, g_ptr_array_index(custom, i), version);
    }
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</mode>\n");
}

static void
format_cpu(VcXmlBuf *buf, const VcDomCpu *cpu, guint version)
{
    vc_xml_printf(buf, "<cpu>\n");
    vc_xml_adjust(buf, 2);
    format_cpu_switch_mode(buf, "host-passthrough", cpu->host_passthrough,
                           "hostPassthroughMigratable", &cpu->host_passthrough_migratable);
    format_cpu_switch_mode(buf, "maximum", cpu->maximum, "maximumMigratable",
                           &cpu->maximum_migratable);
    format_cpu_host_model(buf, cpu->host_model);
    format_cpu_custom(buf, cpu->custom, version);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</cpu>\n");
}

static void
format_devices(VcXmlBuf *buf, const VcDomCaps *caps)
{
    vc_xml_printf(buf, "<devices>\n");
    vc_xml_adjust(buf, 2);
    for (int e = VC_ELEM_FIRST_DEVICE; e <= VC_ELEM_LAST_DEVICE; e++)
        format_enum_element(buf, caps, e);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</devices>\n");
}

static void
format_sev(VcXmlBuf *buf, const VcDomSev *sev)
{
    if (!sev) {
        vc_xml_printf(buf, "<sev supported='no'/>\n");
        return;
    }
    vc_xml_printf(buf, "<sev supported='yes'>\n");
    vc_xml_adjust(buf, 2);
    vc_xml_printf(buf, "<cbitpos>%u</cbitpos>\n", sev->cbitpos);
    vc_xml_printf(buf, "<reducedPhysBits>%u</reducedPhysBits>\n", sev->reduced_phys_bits);
    vc_xml_printf(buf, "<maxGuests>%u</maxGuests>\n", sev->max_guests);
    vc_xml_printf(buf, "<maxESGuests>%u</maxESGuests>\n", sev->max_es_guests);
    if (sev->cpu0_id)
        vc_xml_text_element(buf, "cpu0Id", sev->cpu0_id);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</sev>\n");
}

static void
format_sgx_sections(VcXmlBuf *buf, const GArray *sections)
{
    if (!sections || !sections->len)
        return;
    vc_xml_printf(buf, "<sections>\n");
    vc_xml_adjust(buf, 2);
    for (guint i = 0; i < sections->len; i++) {
        const VcDomSgxSection *s = &g_array_index(sections, VcDomSgxSection, i);

        vc_xml_printf(buf, "<section node='%u' size='%" G_GUINT64_FORMAT "' unit='KiB'/>\n",
                      s->node, s->size_kib);
    }
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</sections>\n");
}

static void
format_sgx(VcXmlBuf *buf, const VcDomSgx *sgx)
{
    if (!sgx) {
        vc_xml_printf(buf, "<sgx supported='no'/>\n");
        return;
    }
    vc_xml_printf(buf, "<sgx supported='yes'>\n");
    vc_xml_adjust(buf, 2);
    vc_xml_printf(buf, "<flc>%s</flc>\n", yes_no(sgx->flc));
    vc_xml_printf(buf, "<sgx1>%s</sgx1>\n", yes_no(sgx->sgx1));
    vc_xml_printf(buf, "<sgx2>%s</sgx2>\n", yes_no(sgx->sgx2));
    vc_xml_printf(buf, "<section_size unit='KiB'>%" G_GUINT64_FORMAT "</section_size>\n",
                  sgx->section_size_kib);
    format_sgx_sections(buf, sgx->sections);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</sgx>\n");
}

static void
format_features(VcXmlBuf *buf, const VcDomCaps *caps)
{
    vc_xml_printf(buf, "<features>\n");
    vc_xml_adjust(buf, 2);
    format_enum_element(buf, caps, VC_ELEM_GIC);
    for (int f = VC_FEATURE_IOTHREADS + 1; f < VC_FEATURE_LAST; f++)
        format_simple_feature(buf, vc_simple_feature_name(f), caps->features[f]);
    format_sev(buf, caps->sev);
    format_sgx(buf, caps->sgx);
    format_enum_element(buf, caps, VC_ELEM_HYPERV);
    format_enum_element(buf, caps, VC_ELEM_LAUNCH_SECURITY);
    vc_xml_adjust(buf, -2);
    vc_xml_printf(buf, "</features>\n");
}

static void
format_header(VcXmlBuf *buf, const VcDomCaps *caps)
{
    vc_xml_text_element(buf, "path", caps->path);
    vc_xml_text_element(buf, "domain", caps->domain);
    if (caps->machine)
        vc_xml_text_element(buf, "machine", caps->machine);
    vc_xml_text_element(buf, "arch", caps->arch);
    if (caps->max_vcpus)
        vc_xml_printf(buf, "<vcpu max='%u'/>\n", caps->max_vcpus);
    format_simple_feature(buf, "iothreads", caps->features[VC_FEATURE_IOTHREADS]);
}

char *
vc_dom_caps_format_xml_for(const VcDomCaps *caps, guint libvirt_version)
{
    VcXmlBuf buf;

    vc_xml_init(&buf, 0);
    vc_xml_printf(&buf, "<domainCapabilities>\n");
    vc_xml_adjust(&buf, 2);
    format_header(&buf, caps);
    format_os(&buf, &caps->os);
    format_cpu(&buf, &caps->cpu, libvirt_version);
    format_enum_element(&buf, caps, VC_ELEM_MEMORY_BACKING);
    format_devices(&buf, caps);
    format_features(&buf, caps);
    vc_xml_adjust(&buf, -2);
    vc_xml_printf(&buf, "</domainCapabilities>\n");
    return vc_xml_steal(&buf);
}

char *
vc_dom_caps_format_xml(const VcDomCaps *caps)
{
    return vc_dom_caps_format_xml_for(caps, VC_LIBVIRT_VERSION_NEWEST);
}
