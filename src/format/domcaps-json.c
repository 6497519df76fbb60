/*
 * domcaps-json.c - the domain capabilities model as JSON (docs/domcaps.md,
 * "JSON output").  The tree mirrors the XML of domcaps-xml.c: member names
 * are the XML's element, attribute and enum names, in the XML's order; an
 * element absent from the XML is absent here.  Each level is a table of
 * (member name, builder) so the order and names live in one place.
 */
#include "format/domcaps-json.h"

/* A builder returns the member's value, or NULL to leave the member out. */
typedef json_object *(*BuildFn)(const VcDomCaps *caps);

typedef struct {
    const char *name;
    BuildFn build;
} MemberDesc;

static void
add_members(json_object *obj, const MemberDesc *members, gsize n, const VcDomCaps *caps)
{
    for (gsize i = 0; i < n; i++) {
        json_object *v = members[i].build(caps);

        if (v)
            json_object_object_add(obj, members[i].name, v);
    }
}

static json_object *
string_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

/* <enum name='x'>: the values in libvirt's order; NULL when not reported. */
static json_object *
enum_to_json(const VcDomEnum *e, VcVocab vocab)
{
    const char *const *names = vc_vocab_names(vocab);
    json_object *arr;

    if (!e->report)
        return NULL;
    arr = json_object_new_array();
    for (guint i = 0; names[i]; i++)
        if (e->values & (G_GUINT64_CONSTANT(1) << i))
            json_object_array_add(arr, json_object_new_string(names[i]));
    return arr;
}

static void
add_enum(json_object *obj, const char *name, const VcDomEnum *e, VcVocab vocab)
{
    json_object *arr = enum_to_json(e, vocab);

    if (arr)
        json_object_object_add(obj, name, arr);
}

/* An element with a supported attribute: {"supported": bool}, or NULL when
 * the XML leaves the element out. */
static json_object *
supported_object(VcTristate supported)
{
    json_object *obj;

    if (supported == VC_TRISTATE_ABSENT)
        return NULL;
    obj = json_object_new_object();
    json_object_object_add(obj, "supported", json_object_new_boolean(supported == VC_TRISTATE_YES));
    return obj;
}

/* The elements made of supported and enums (devices, gic, hyperv, ...);
 * like the XML, the enums only when supported. */
static json_object *
enum_element(const VcDomCaps *caps, VcEnumElement which)
{
    const VcEnumElementDesc *desc = vc_enum_element_desc(which);
    const VcDomElement *el = &caps->elements[which];
    json_object *obj = supported_object(el->supported);

    if (el->supported != VC_TRISTATE_YES)
        return obj;
    for (guint i = 0; i < desc->n_enums; i++)
        add_enum(obj, desc->enums[i].name, &el->enums[i], desc->enums[i].vocab);
    return obj;
}

/* ---- header --------------------------------------------------------- */

static json_object *
build_path(const VcDomCaps *caps)
{
    return string_or_null(caps->path);
}

static json_object *
build_domain(const VcDomCaps *caps)
{
    return string_or_null(caps->domain);
}

static json_object *
build_machine(const VcDomCaps *caps)
{
    return string_or_null(caps->machine);
}

static json_object *
build_arch(const VcDomCaps *caps)
{
    return string_or_null(caps->arch);
}

static json_object *
build_vcpu(const VcDomCaps *caps)
{
    json_object *obj;

    if (!caps->max_vcpus)
        return NULL;
    obj = json_object_new_object();
    json_object_object_add(obj, "max", json_object_new_int64(caps->max_vcpus));
    return obj;
}

static json_object *
build_iothreads(const VcDomCaps *caps)
{
    return supported_object(caps->features[VC_FEATURE_IOTHREADS]);
}

/* ---- <os> ----------------------------------------------------------- */

static json_object *
loader_to_json(const VcDomOs *os)
{
    json_object *obj = supported_object(os->loader_supported);
    json_object *values;

    if (os->loader_supported != VC_TRISTATE_YES)
        return obj;
    values = json_object_new_array();
    for (guint i = 0; i < os->loader_values->len; i++)
        json_object_array_add(values, json_object_new_string(g_ptr_array_index(os->loader_values, i)));
    json_object_object_add(obj, "values", values);
    add_enum(obj, "type", &os->loader_type, VC_VOCAB_LOADER_TYPE);
    add_enum(obj, "readonly", &os->loader_readonly, VC_VOCAB_TRISTATE_BOOL);
    add_enum(obj, "secure", &os->loader_secure, VC_VOCAB_TRISTATE_BOOL);
    return obj;
}

static json_object *
build_os(const VcDomCaps *caps)
{
    json_object *obj = supported_object(caps->os.supported);
    json_object *loader;

    if (caps->os.supported != VC_TRISTATE_YES)
        return obj;
    add_enum(obj, "firmware", &caps->os.firmware, VC_VOCAB_FIRMWARE);
    if ((loader = loader_to_json(&caps->os)))
        json_object_object_add(obj, "loader", loader);
    return obj;
}

/* ---- <cpu>: "modes", one object per <mode>, in the XML's order ------- */

static json_object *
mode_object(const char *name, gboolean supported)
{
    json_object *obj = json_object_new_object();

    json_object_object_add(obj, "name", json_object_new_string(name));
    json_object_object_add(obj, "supported", json_object_new_boolean(supported));
    return obj;
}

static json_object *
switch_mode(const char *name, gboolean supported, const char *enum_name, const VcDomEnum *migratable)
{
    json_object *obj = mode_object(name, supported);

    if (supported)
        add_enum(obj, enum_name, migratable, VC_VOCAB_TRISTATE_SWITCH);
    return obj;
}

static json_object *
mode_host_passthrough(const VcDomCpu *cpu)
{
    return switch_mode("host-passthrough", cpu->host_passthrough, "hostPassthroughMigratable",
                       &cpu->host_passthrough_migratable);
}

static json_object *
mode_maximum(const VcDomCpu *cpu)
{
    return switch_mode("maximum", cpu->maximum, "maximumMigratable", &cpu->maximum_migratable);
}

/* <model fallback>NAME</model>: the text as "name", like <mode name>. */
static json_object *
host_model_model(const VcDomCpuHostModel *hm)
{
    json_object *obj = json_object_new_object();

    json_object_object_add(obj, "name", json_object_new_string(hm->model));
    json_object_object_add(obj, "fallback",
                           json_object_new_string(hm->fallback_forbid ? "forbid" : "allow"));
    return obj;
}

static json_object *
host_model_maxphysaddr(guint limit)
{
    json_object *obj = json_object_new_object();

    json_object_object_add(obj, "mode", json_object_new_string("passthrough"));
    json_object_object_add(obj, "limit", json_object_new_int64(limit));
    return obj;
}

static json_object *
host_model_features(const GPtrArray *features)
{
    json_object *arr = json_object_new_array();

    for (guint i = 0; i < features->len; i++) {
        const VcDomCpuFeature *f = g_ptr_array_index(features, i);
        json_object *obj = json_object_new_object();

        json_object_object_add(obj, "policy", json_object_new_string(f->disable ? "disable" : "require"));
        json_object_object_add(obj, "name", json_object_new_string(f->name));
        json_object_array_add(arr, obj);
    }
    return arr;
}

static json_object *
mode_host_model(const VcDomCpu *cpu)
{
    const VcDomCpuHostModel *hm = cpu->host_model;
    json_object *obj = mode_object("host-model", hm != NULL);

    if (!hm)
        return obj;
    json_object_object_add(obj, "model", host_model_model(hm));
    if (hm->vendor)
        json_object_object_add(obj, "vendor", json_object_new_string(hm->vendor));
    if (hm->maxphysaddr_limit)
        json_object_object_add(obj, "maxphysaddr", host_model_maxphysaddr(hm->maxphysaddr_limit));
    json_object_object_add(obj, "features", host_model_features(hm->features));
    return obj;
}

/* A custom <model> with everything the newest XML format has, whatever
 * --libvirt-version the XML follows: "canonical" (10.10+) and "blockers",
 * the <blockers> (10.9+) that follows an unusable model. */
static json_object *
custom_model(const VcDomCpuModel *m)
{
    json_object *obj = json_object_new_object();

    json_object_object_add(obj, "name", json_object_new_string(m->name));
    json_object_object_add(obj, "usable", json_object_new_string(m->usable));
    if (m->deprecated)
        json_object_object_add(obj, "deprecated", json_object_new_boolean(TRUE));
    json_object_object_add(obj, "vendor", json_object_new_string(m->vendor ? m->vendor : "unknown"));
    if (m->canonical)
        json_object_object_add(obj, "canonical", json_object_new_string(m->canonical));
    if (m->blockers && m->blockers[0] && g_strcmp0(m->usable, "no") == 0) {
        json_object *arr = json_object_new_array();

        for (guint i = 0; m->blockers[i]; i++)
            json_object_array_add(arr, json_object_new_string(m->blockers[i]));
        json_object_object_add(obj, "blockers", arr);
    }
    return obj;
}

static json_object *
mode_custom(const VcDomCpu *cpu)
{
    gboolean supported = cpu->custom && cpu->custom->len;
    json_object *obj = mode_object("custom", supported);
    json_object *models;

    if (!supported)
        return obj;
    models = json_object_new_array();
    for (guint i = 0; i < cpu->custom->len; i++)
        json_object_array_add(models, custom_model(g_ptr_array_index(cpu->custom, i)));
    json_object_object_add(obj, "models", models);
    return obj;
}

static json_object *(*const cpu_modes[])(const VcDomCpu *cpu) = {
    mode_host_passthrough, mode_maximum, mode_host_model, mode_custom,
};

static json_object *
build_cpu(const VcDomCaps *caps)
{
    json_object *obj = json_object_new_object();
    json_object *modes = json_object_new_array();

    for (gsize i = 0; i < G_N_ELEMENTS(cpu_modes); i++)
        json_object_array_add(modes, cpu_modes[i](&caps->cpu));
    json_object_object_add(obj, "modes", modes);
    return obj;
}

static json_object *
build_memory_backing(const VcDomCaps *caps)
{
    return enum_element(caps, VC_ELEM_MEMORY_BACKING);
}

static json_object *
build_devices(const VcDomCaps *caps)
{
    json_object *obj = json_object_new_object();

    for (int e = VC_ELEM_FIRST_DEVICE; e <= VC_ELEM_LAST_DEVICE; e++) {
        json_object *dev = enum_element(caps, e);

        if (dev)
            json_object_object_add(obj, vc_enum_element_desc(e)->element, dev);
    }
    return obj;
}

/* ---- <features> ----------------------------------------------------- */

static json_object *
build_gic(const VcDomCaps *caps)
{
    return enum_element(caps, VC_ELEM_GIC);
}

static void
add_uint(json_object *obj, const char *name, guint64 value)
{
    json_object_object_add(obj, name, json_object_new_int64((gint64)value));
}

static json_object *
build_sev(const VcDomCaps *caps)
{
    const VcDomSev *sev = caps->sev;
    json_object *obj = supported_object(sev ? VC_TRISTATE_YES : VC_TRISTATE_NO);

    if (!sev)
        return obj;
    add_uint(obj, "cbitpos", sev->cbitpos);
    add_uint(obj, "reducedPhysBits", sev->reduced_phys_bits);
    add_uint(obj, "maxGuests", sev->max_guests);
    add_uint(obj, "maxESGuests", sev->max_es_guests);
    if (sev->cpu0_id)
        json_object_object_add(obj, "cpu0Id", json_object_new_string(sev->cpu0_id));
    return obj;
}

static json_object *
sgx_sections(const GArray *sections)
{
    json_object *arr = json_object_new_array();

    for (guint i = 0; sections && i < sections->len; i++) {
        const VcDomSgxSection *s = &g_array_index(sections, VcDomSgxSection, i);
        json_object *obj = json_object_new_object();

        add_uint(obj, "node", s->node);
        add_uint(obj, "size", s->size_kib);
        json_object_array_add(arr, obj);
    }
    return arr;
}

static json_object *
build_sgx(const VcDomCaps *caps)
{
    const VcDomSgx *sgx = caps->sgx;
    json_object *obj = supported_object(sgx ? VC_TRISTATE_YES : VC_TRISTATE_NO);

    if (!sgx)
        return obj;
    json_object_object_add(obj, "flc", json_object_new_boolean(sgx->flc));
    json_object_object_add(obj, "sgx1", json_object_new_boolean(sgx->sgx1));
    json_object_object_add(obj, "sgx2", json_object_new_boolean(sgx->sgx2));
    add_uint(obj, "section_size", sgx->section_size_kib);
    /* the XML has no <sections> when there are none; an array is always written */
    json_object_object_add(obj, "sections", sgx_sections(sgx->sections));
    return obj;
}

static json_object *
build_hyperv(const VcDomCaps *caps)
{
    return enum_element(caps, VC_ELEM_HYPERV);
}

static json_object *
build_launch_security(const VcDomCaps *caps)
{
    return enum_element(caps, VC_ELEM_LAUNCH_SECURITY);
}

static json_object *
build_features(const VcDomCaps *caps)
{
    static const MemberDesc before[] = { { "gic", build_gic } };
    static const MemberDesc after[] = {
        { "sev", build_sev },
        { "sgx", build_sgx },
        { "hyperv", build_hyperv },
        { "launchSecurity", build_launch_security },
    };
    json_object *obj = json_object_new_object();

    add_members(obj, before, G_N_ELEMENTS(before), caps);
    for (int f = VC_FEATURE_IOTHREADS + 1; f < VC_FEATURE_LAST; f++) {
        json_object *v = supported_object(caps->features[f]);

        if (v)
            json_object_object_add(obj, vc_simple_feature_name(f), v);
    }
    add_members(obj, after, G_N_ELEMENTS(after), caps);
    return obj;
}

/* ---- the document ----------------------------------------------------- */

static const MemberDesc document_members[] = {
    { "path", build_path },
    { "domain", build_domain },
    { "machine", build_machine },
    { "arch", build_arch },
    { "vcpu", build_vcpu },
    { "iothreads", build_iothreads },
    { "os", build_os },
    { "cpu", build_cpu },
    { "memoryBacking", build_memory_backing },
    { "devices", build_devices },
    { "features", build_features },
};

json_object *
vc_dom_caps_to_json(const VcDomCaps *caps)
{
    json_object *root = json_object_new_object();

    add_members(root, document_members, G_N_ELEMENTS(document_members), caps);
    return root;
}

char *
vc_dom_caps_format_json(const VcDomCaps *caps)
{
    json_object *root = vc_dom_caps_to_json(caps);
    char *text = g_strconcat(json_object_to_json_string_ext(root,
        JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE),
        "\n", NULL);

    json_object_put(root);
    return text;
}
