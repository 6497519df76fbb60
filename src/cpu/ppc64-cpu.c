/*
 * ppc64 host CPU naming (see ppc64-cpu.h): models, vendors and order from
 * data/cpu/ppc64-models.json (shared with domain capabilities), PVRs from
 * data/cpu/ppc64-pvr.json (format: its "comment").
 */
#include <string.h>
#include <json-c/json.h>

#include "util/vc-error.h"
#include "virtcaps.h"
#include "cpu/ppc64-cpu.h"
#include "cpu/x86-features.h"   /* vc_cpu_data_path() */

#define CPUINFO "/proc/cpuinfo"
/* Linux's show_cpuinfo: " (pvr %04x %04x)", the PVR's two halves. */
#define PVR_TAG "(pvr "
#define PVR_HALF_DIGITS 4

/* A "0x..." string of at most 8 hex digits. */
static gboolean
parse_hex32(json_object *v, guint32 *out)
{
    const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
    guint64 n;

    if (!s || g_ascii_strncasecmp(s, "0x", 2) != 0 || !g_ascii_isxdigit(s[2]) ||
        !g_ascii_string_to_unsigned(s + 2, 16, 0, G_MAXUINT32, &n, NULL))
        return FALSE;
    *out = (guint32)n;
    return TRUE;
}

static void
model_free(gpointer p)
{
    VcPpc64Model *m = p;

    g_free(m->name);
    g_free(m->vendor);
    g_array_unref(m->pvrs);
    g_free(m);
}

void
vc_ppc64_cpu_map_free(VcPpc64CpuMap *map)
{
    if (!map)
        return;
    g_ptr_array_unref(map->models);
    g_free(map);
}

static VcPpc64Model *
find_model(const VcPpc64CpuMap *map, const char *name)
{
    for (guint i = 0; i < map->models->len; i++) {
        VcPpc64Model *m = g_ptr_array_index(map->models, i);
        if (strcmp(m->name, name) == 0)
            return m;
    }
    return NULL;
}

static json_object *
parse_json(const char *text, const char *source, GError **error)
{
    json_object *root = json_tokener_parse(text);

    if (!root)
        vc_fail_parse(error, source, "invalid JSON");
    else if (!json_object_is_type(root, json_type_object)) {
        vc_fail_parse(error, source, "not a JSON object");
        g_clear_pointer(&root, json_object_put);
    }
    return root;
}

/* One entry of ppc64-models.json's "models": name and optional vendor. */
static gboolean
parse_model(VcPpc64CpuMap *map, json_object *o, guint i, const char *source, GError **error)
{
    json_object *name = NULL, *vendor = NULL;
    VcPpc64Model *m;

    if (!json_object_is_type(o, json_type_object) ||
        !json_object_object_get_ex(o, "name", &name) ||
        !json_object_is_type(name, json_type_string) || !*json_object_get_string(name))
        return vc_fail_parse(error, source, "models[%u]: no \"name\" string", i);
    if (find_model(map, json_object_get_string(name)))
        return vc_fail_parse(error, source, "models[%u] (%s): duplicate name", i, json_object_get_string(name));
    if (json_object_object_get_ex(o, "vendor", &vendor) &&
        !json_object_is_type(vendor, json_type_string))
        return vc_fail_parse(error, source, "models[%u]: \"vendor\" is not a string", i);
    m = g_new0(VcPpc64Model, 1);
    m->name = g_strdup(json_object_get_string(name));
    m->vendor = g_strdup(vendor ? json_object_get_string(vendor) : NULL);
    m->pvrs = g_array_new(FALSE, FALSE, sizeof(VcPpc64Pvr));
    g_ptr_array_add(map->models, m);
    return TRUE;
}

static gboolean
parse_models(VcPpc64CpuMap *map, const char *text, const char *source, GError **error)
{
    json_object *root = parse_json(text, source, error), *models = NULL;
    gboolean ok = root != NULL;

    if (ok && (!json_object_object_get_ex(root, "models", &models) ||
               !json_object_is_type(models, json_type_array)))
        ok = vc_fail_parse(error, source, "no \"models\" array");
    for (guint i = 0; ok && i < json_object_array_length(models); i++)
        ok = parse_model(map, json_object_array_get_idx(models, i), i, source, error);
    json_object_put(root);
    return ok;
}

/* One model's list of {"value", "mask"} pairs. */
static gboolean
parse_model_pvrs(VcPpc64Model *m, json_object *arr, const char *source, GError **error)
{
    if (!json_object_is_type(arr, json_type_array) || !json_object_array_length(arr))
        return vc_fail_parse(error, source, "%s: not a non-empty list", m->name);
    for (guint j = 0; j < json_object_array_length(arr); j++) {
        json_object *o = json_object_array_get_idx(arr, j), *value = NULL, *mask = NULL;
        VcPpc64Pvr pvr;
        if (!json_object_is_type(o, json_type_object) ||
            !json_object_object_get_ex(o, "value", &value) || !parse_hex32(value, &pvr.value) ||
            !json_object_object_get_ex(o, "mask", &mask) || !parse_hex32(mask, &pvr.mask))
            return vc_fail_parse(error, source, "%s[%u]: needs 32-bit hex \"value\" and \"mask\"",
                        m->name, j);
        g_array_append_val(m->pvrs, pvr);
    }
    return TRUE;
}

static gboolean
parse_pvr_table(VcPpc64CpuMap *map, json_object *table, const char *source, GError **error)
{
    json_object_object_foreach(table, name, arr) {
        VcPpc64Model *m = find_model(map, name);
        if (!m)
            return vc_fail_parse(error, source, "%s: not a model of ppc64-models.json", name);
        if (!parse_model_pvrs(m, arr, source, error))
            return FALSE;
    }
    /* libvirt refuses a model without PVR ("Missing PVR information"). */
    for (guint i = 0; i < map->models->len; i++) {
        const VcPpc64Model *m = g_ptr_array_index(map->models, i);
        if (!m->pvrs->len)
            return vc_fail_parse(error, source, "no PVR for model %s", m->name);
    }
    return TRUE;
}

static gboolean
parse_pvrs(VcPpc64CpuMap *map, const char *text, const char *source, GError **error)
{
    json_object *root = parse_json(text, source, error), *table = NULL;
    gboolean ok = root != NULL;

    if (ok && (!json_object_object_get_ex(root, "pvr", &table) ||
               !json_object_is_type(table, json_type_object)))
        ok = vc_fail_parse(error, source, "no \"pvr\" object");
    ok = ok && parse_pvr_table(map, table, source, error);
    json_object_put(root);
    return ok;
}

VcPpc64CpuMap *
vc_ppc64_cpu_map_parse(const char *models_text, const char *models_source,
                       const char *pvr_text, const char *pvr_source, GError **error)
{
    g_autoptr(VcPpc64CpuMap) map = g_new0(VcPpc64CpuMap, 1);

    map->models = g_ptr_array_new_with_free_func(model_free);
    if (!parse_models(map, models_text, models_source, error) ||
        !parse_pvrs(map, pvr_text, pvr_source, error))
        return NULL;
    return g_steal_pointer(&map);
}

static char *
read_data(const char *path, GError **error)
{
    g_autoptr(GError) err = NULL;
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, &err))
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s", err->message);
    return text;
}

VcPpc64CpuMap *
vc_ppc64_cpu_map_load(const char *models_path, const char *pvr_path, GError **error)
{
    g_autofree char *models = read_data(models_path, error);
    g_autofree char *pvrs = models ? read_data(pvr_path, error) : NULL;

    if (!pvrs)
        return NULL;
    return vc_ppc64_cpu_map_parse(models, models_path, pvrs, pvr_path, error);
}

VcPpc64CpuMap *
vc_ppc64_cpu_map_load_default(GError **error)
{
    g_autofree char *models = vc_cpu_data_path("ppc64-models.json");
    g_autofree char *pvrs = vc_cpu_data_path("ppc64-pvr.json");

    return vc_ppc64_cpu_map_load(models, pvrs, error);
}

gboolean
vc_ppc64_is_arch(const char *arch)
{
    return g_strcmp0(arch, "ppc64") == 0 || g_strcmp0(arch, "ppc64le") == 0;
}

/* Exactly PVR_HALF_DIGITS hex digits at p. */
static gboolean
parse_half(const char *p, guint32 *out)
{
    guint32 v = 0;

    for (int i = 0; i < PVR_HALF_DIGITS; i++) {
        if (!g_ascii_isxdigit(p[i]))
            return FALSE;
        v = v << 4 | (guint32)g_ascii_xdigit_value(p[i]);
    }
    *out = v;
    return TRUE;
}

gboolean
vc_ppc64_pvr_from_cpuinfo(const char *cpuinfo, const char *source, guint32 *pvr,
                          GError **error)
{
    const char *p = strstr(cpuinfo, PVR_TAG);
    const char *lo;
    guint32 high, low;

    if (!p)
        return vc_fail_parse(error, source, "no '(pvr XXXX XXXX)' in a revision line");
    p += strlen(PVR_TAG);
    lo = p + PVR_HALF_DIGITS + 1;
    if (!parse_half(p, &high) || p[PVR_HALF_DIGITS] != ' ' ||
        !parse_half(lo, &low) || lo[PVR_HALF_DIGITS] != ')')
        return vc_fail_parse(error, source, "malformed '(pvr XXXX XXXX)' in a revision line");
    *pvr = high << 16 | low;
    return TRUE;
}

const VcPpc64Model *
vc_ppc64_cpu_find(const VcPpc64CpuMap *map, guint32 pvr)
{
    for (guint i = 0; i < map->models->len; i++) {
        const VcPpc64Model *m = g_ptr_array_index(map->models, i);
        for (guint j = 0; j < m->pvrs->len; j++) {
            const VcPpc64Pvr *p = &g_array_index(m->pvrs, VcPpc64Pvr, j);
            if ((pvr & p->mask) == p->value)
                return m;
        }
    }
    return NULL;
}

void
vc_ppc64_probe_host(const VcHost *host, char **model, char **vendor)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcPpc64CpuMap) map = NULL;
    g_autofree char *cpuinfo = NULL;
    const VcPpc64Model *m;
    guint32 pvr;

    if (!(cpuinfo = vc_host_read(host, CPUINFO, VC_FILE_MAX_LARGE)))
        return;
    if (!(map = vc_ppc64_cpu_map_load_default(&err))) {
        vc_host_warn(host, "no CPU model: %s", err->message);
        return;
    }
    if (!vc_ppc64_pvr_from_cpuinfo(cpuinfo, CPUINFO, &pvr, &err)) {
        vc_host_warn(host, "ignoring %s", err->message);
        return;
    }
    if (!(m = vc_ppc64_cpu_find(map, pvr))) {
        vc_host_warn(host, "%s: unknown PVR 0x%08x: no model", CPUINFO, pvr);
        return;
    }
    *model = g_strdup(m->name);
    *vendor = g_strdup(m->vendor);
}
