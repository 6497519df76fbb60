/*
 * aarch64 host CPU naming (see arm-cpu.h); the map's format is the
 * "comment" of data/cpu/arm-cpu-map.json.
 */
#include <string.h>
#include <json-c/json.h>

#include "util/vc-error.h"
#include "virtcaps.h"
#include "cpu/arm-cpu.h"
#include "cpu/x86-features.h"   /* vc_cpu_data_path() */

#define CPUINFO "/proc/cpuinfo"
#define IMPLEMENTER_MAX 0xff    /* MIDR[31:24] */
#define PART_MAX 0xfff          /* MIDR[15:4] */
/* The hwcap that says MIDR can be read from user space (HWCAP_CPUID). */
#define HWCAP_CPUID_NAME "cpuid"

/* A "0x..." string of hex digits no larger than max. */
static gboolean
parse_hex(const char *s, guint max, guint *out)
{
    guint64 v;

    if (!s || g_ascii_strncasecmp(s, "0x", 2) != 0 || !g_ascii_isxdigit(s[2]) ||
        !g_ascii_string_to_unsigned(s + 2, 16, 0, max, &v, NULL))
        return FALSE;
    *out = (guint)v;
    return TRUE;
}

static const char *
string_member(json_object *o, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static json_object *
array_member(json_object *o, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
        return NULL;
    return v;
}

static void
vendor_free(gpointer p)
{
    VcArmVendor *v = p;

    g_free(v->name);
    g_free(v);
}

static void
model_free(gpointer p)
{
    VcArmModel *m = p;

    g_free(m->name);
    g_free(m);
}

void
vc_arm_cpu_map_free(VcArmCpuMap *map)
{
    if (!map)
        return;
    g_ptr_array_unref(map->vendors);
    g_ptr_array_unref(map->models);
    for (gsize i = 0; i < VC_ARM_HWCAP_BITS; i++)
        g_free(map->hwcaps[i]);
    g_free(map);
}

void
vc_arm_host_cpu_clear(VcArmHostCpu *cpu)
{
    g_clear_pointer(&cpu->model, g_free);
    g_clear_pointer(&cpu->vendor, g_free);
    g_clear_pointer(&cpu->features, g_ptr_array_unref);
}

static const VcArmVendor *
find_vendor(const VcArmCpuMap *map, const char *name, guint implementer)
{
    for (guint i = 0; i < map->vendors->len; i++) {
        const VcArmVendor *v = g_ptr_array_index(map->vendors, i);
        if (name ? strcmp(v->name, name) == 0 : v->implementer == implementer)
            return v;
    }
    return NULL;
}

static gboolean
has_model(const VcArmCpuMap *map, const char *name)
{
    for (guint i = 0; i < map->models->len; i++)
        if (strcmp(((VcArmModel *)g_ptr_array_index(map->models, i))->name, name) == 0)
            return TRUE;
    return FALSE;
}

static gboolean
parse_vendor(VcArmCpuMap *map, json_object *o, guint i, const char *source, GError **error)
{
    const char *name = string_member(o, "name");
    VcArmVendor *v;
    guint id;

    if (!name || !*name)
        return vc_fail_parse(error, source, "vendors[%u]: no \"name\" string", i);
    if (!parse_hex(string_member(o, "implementer"), IMPLEMENTER_MAX, &id))
        return vc_fail_parse(error, source, "vendors[%u] (%s): \"implementer\" is not a hex byte", i, name);
    if (find_vendor(map, name, 0) || find_vendor(map, NULL, id))
        return vc_fail_parse(error, source, "vendors[%u] (%s): duplicate name or implementer", i, name);
    v = g_new0(VcArmVendor, 1);
    v->name = g_strdup(name);
    v->implementer = id;
    g_ptr_array_add(map->vendors, v);
    return TRUE;
}

static gboolean
parse_model(VcArmCpuMap *map, json_object *o, guint i, const char *source, GError **error)
{
    const char *name = string_member(o, "name");
    const char *vendor = string_member(o, "vendor");
    const VcArmVendor *v = NULL;
    VcArmModel *m;
    guint part;

    if (!name || !*name)
        return vc_fail_parse(error, source, "models[%u]: no \"name\" string", i);
    if (has_model(map, name))
        return vc_fail_parse(error, source, "models[%u] (%s): duplicate name", i, name);
    if (vendor && !(v = find_vendor(map, vendor, 0)))
        return vc_fail_parse(error, source, "models[%u] (%s): unknown vendor '%s'", i, name, vendor);
    if (!parse_hex(string_member(o, "part"), PART_MAX, &part))
        return vc_fail_parse(error, source, "models[%u] (%s): \"part\" is not a 12-bit hex number", i, name);
    m = g_new0(VcArmModel, 1);
    m->name = g_strdup(name);
    m->vendor = v;
    m->part = part;
    g_ptr_array_add(map->models, m);
    return TRUE;
}

static gboolean
parse_hwcaps(VcArmCpuMap *map, json_object *arr, const char *source, GError **error)
{
    if (json_object_array_length(arr) != VC_ARM_HWCAP_BITS)
        return vc_fail_parse(error, source, "\"hwcaps\" must name %d bits", VC_ARM_HWCAP_BITS);
    for (guint i = 0; i < VC_ARM_HWCAP_BITS; i++) {
        json_object *v = json_object_array_get_idx(arr, i);
        const char *name = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
        if (!name || !*name || strchr(name, ' '))
            return vc_fail_parse(error, source, "hwcaps[%u]: not a feature name", i);
        for (guint j = 0; j < i; j++)
            if (strcmp(map->hwcaps[j], name) == 0)
                return vc_fail_parse(error, source, "hwcaps[%u]: duplicate '%s'", i, name);
        map->hwcaps[i] = g_strdup(name);
    }
    return TRUE;
}

typedef gboolean (*EntryParser)(VcArmCpuMap *map, json_object *o, guint i,
                                const char *source, GError **error);

static gboolean
parse_entries(VcArmCpuMap *map, json_object *root, const char *key, EntryParser parse,
              const char *source, GError **error)
{
    json_object *arr = array_member(root, key);

    if (!arr)
        return vc_fail_parse(error, source, "no \"%s\" array", key);
    for (guint i = 0; i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(o, json_type_object))
            return vc_fail_parse(error, source, "%s[%u]: not an object", key, i);
        if (!parse(map, o, i, source, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
parse_map(VcArmCpuMap *map, json_object *root, const char *source, GError **error)
{
    json_object *hwcaps;

    if (!json_object_is_type(root, json_type_object))
        return vc_fail_parse(error, source, "not a JSON object");
    if (!parse_entries(map, root, "vendors", parse_vendor, source, error) ||
        !parse_entries(map, root, "models", parse_model, source, error))
        return FALSE;
    if (!(hwcaps = array_member(root, "hwcaps")))
        return vc_fail_parse(error, source, "no \"hwcaps\" array");
    return parse_hwcaps(map, hwcaps, source, error);
}

VcArmCpuMap *
vc_arm_cpu_map_parse(const char *text, const char *source, GError **error)
{
    g_autoptr(VcArmCpuMap) map = g_new0(VcArmCpuMap, 1);
    json_object *root = json_tokener_parse(text);
    gboolean ok;

    map->vendors = g_ptr_array_new_with_free_func(vendor_free);
    map->models = g_ptr_array_new_with_free_func(model_free);
    if (!root) {
        vc_fail_parse(error, source, "invalid JSON");
        return NULL;
    }
    ok = parse_map(map, root, source, error);
    json_object_put(root);
    return ok ? g_steal_pointer(&map) : NULL;
}

VcArmCpuMap *
vc_arm_cpu_map_load(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s", err->message);
        return NULL;
    }
    return vc_arm_cpu_map_parse(text, path, error);
}

VcArmCpuMap *
vc_arm_cpu_map_load_default(GError **error)
{
    g_autofree char *path = vc_cpu_data_path("arm-cpu-map.json");

    return vc_arm_cpu_map_load(path, error);
}

/* ---- /proc/cpuinfo -------------------------------------------------- */

/* The value of the first "key : value" line whose stripped key is key.
 * In both of the kernel's layouts (one block per processor, or the old
 * shared block after the "processor" lines) that is the first CPU's. */
static char *
cpuinfo_value(const char *cpuinfo, const char *key)
{
    g_auto(GStrv) lines = g_strsplit(cpuinfo, "\n", -1);

    for (char **l = lines; *l; l++) {
        char *colon = strchr(*l, ':');
        if (!colon)
            continue;
        *colon = '\0';
        if (strcmp(g_strstrip(*l), key) == 0)
            return g_strdup(g_strstrip(colon + 1));
    }
    return NULL;
}

static gboolean
cpuinfo_hex(const char *cpuinfo, const char *key, guint max, guint *out,
            const char *source, GError **error)
{
    g_autofree char *text = cpuinfo_value(cpuinfo, key);
    g_autofree char *safe = NULL;

    if (!text)
        return vc_fail_parse(error, source, "no '%s' line", key);
    if (parse_hex(text, max, out))
        return TRUE;
    safe = g_strescape(text, NULL);
    return vc_fail_parse(error, source, "malformed '%s' line: '%.32s'", key, safe);
}

static guint32
hwcaps_from_words(const VcArmCpuMap *map, const char *text)
{
    g_auto(GStrv) words = g_strsplit_set(text, " \t", -1);
    guint32 bits = 0;

    for (char **w = words; *w; w++)
        for (guint i = 0; i < VC_ARM_HWCAP_BITS; i++)
            if (strcmp(*w, map->hwcaps[i]) == 0)
                bits |= 1u << i;
    return bits;
}

gboolean
vc_arm_cpu_data_from_cpuinfo(const VcArmCpuMap *map, const char *cpuinfo,
                             const char *source, VcArmCpuData *data, GError **error)
{
    g_autofree char *features = NULL;

    if (!cpuinfo_hex(cpuinfo, "CPU implementer", IMPLEMENTER_MAX, &data->implementer,
                     source, error) ||
        !cpuinfo_hex(cpuinfo, "CPU part", PART_MAX, &data->part, source, error))
        return FALSE;
    if (!(features = cpuinfo_value(cpuinfo, "Features")))
        return vc_fail_parse(error, source, "no 'Features' line");
    data->hwcaps = hwcaps_from_words(map, features);
    return TRUE;
}

/* ---- decoding ------------------------------------------------------- */

static gboolean
has_hwcap(const VcArmCpuMap *map, guint32 hwcaps, const char *name)
{
    for (guint i = 0; i < VC_ARM_HWCAP_BITS; i++)
        if (strcmp(map->hwcaps[i], name) == 0)
            return (hwcaps >> i) & 1;
    return FALSE;
}

/* virCPUarmModelFindByPVR: the part number alone, first in map order. */
static const VcArmModel *
find_model(const VcArmCpuMap *map, guint part)
{
    for (guint i = 0; i < map->models->len; i++) {
        const VcArmModel *m = g_ptr_array_index(map->models, i);
        if (m->part == part)
            return m;
    }
    return NULL;
}

gboolean
vc_arm_cpu_decode(const VcArmCpuMap *map, const VcArmCpuData *data,
                  VcArmHostCpu *cpu, GError **error)
{
    const VcArmModel *model;
    const VcArmVendor *vendor = NULL;

    if (!has_hwcap(map, data->hwcaps, HWCAP_CPUID_NAME)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                    "no '%s' feature (CPUID registers unavailable): no model", HWCAP_CPUID_NAME);
        return FALSE;
    }
    if (!(model = find_model(map, data->part))) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                    "unknown CPU part 0x%03x: no model", data->part);
        return FALSE;
    }
    cpu->model = g_strdup(model->name);
    /* An implementer of 0 means "none": no vendor, and not an error. */
    if (data->implementer && !(vendor = find_vendor(map, NULL, data->implementer))) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                    "unknown CPU implementer 0x%02x: no vendor, no features", data->implementer);
        return FALSE;
    }
    cpu->vendor = vendor ? g_strdup(vendor->name) : NULL;
    cpu->features = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < VC_ARM_HWCAP_BITS; i++)
        if ((data->hwcaps >> i) & 1)
            g_ptr_array_add(cpu->features, g_strdup(map->hwcaps[i]));
    return TRUE;
}

/* ---- the host probe's hook ----------------------------------------- */

void
vc_arm_probe_host(const VcHost *host, char **model, char **vendor, GPtrArray *features)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcArmCpuMap) map = NULL;
    g_autofree char *cpuinfo = NULL;
    g_auto(VcArmHostCpu) cpu = { 0 };
    VcArmCpuData data = { 0 };

    if (!(cpuinfo = vc_host_read(host, CPUINFO, VC_FILE_MAX_LARGE)))
        return;
    if (!(map = vc_arm_cpu_map_load_default(&err))) {
        vc_host_warn(host, "no CPU model: %s", err->message);
        return;
    }
    if (!vc_arm_cpu_data_from_cpuinfo(map, cpuinfo, CPUINFO, &data, &err)) {
        vc_host_warn(host, "ignoring %s", err->message);
        return;
    }
    if (!vc_arm_cpu_decode(map, &data, &cpu, &err))
        vc_host_warn(host, "%s: %s", CPUINFO, err->message);
    *model = g_steal_pointer(&cpu.model);
    *vendor = g_steal_pointer(&cpu.vendor);
    for (guint i = 0; cpu.features && i < cpu.features->len; i++)
        g_ptr_array_add(features, g_strdup(g_ptr_array_index(cpu.features, i)));
}
