/*
 * firmware.c - QEMU firmware descriptors: the directory rules and the
 * parts of a descriptor that domain capabilities use (interfaces, the
 * requires-smm feature, the firmware image and its targets), read with
 * json-c.  Unknown interface types, devices and features are ignored, as
 * libvirt does.
 */
#include <string.h>

#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-c/json.h>

#include "virtcaps.h"
#include "domcaps/firmware.h"
#include "domcaps/machines.h"
#include "qemu/target.h"

static const struct {
    const char *name;
    VcFirmwareInterface bit;
} interface_names[] = {
    { "bios", VC_FIRMWARE_IFACE_BIOS },
    { "uefi", VC_FIRMWARE_IFACE_UEFI },
};

/* Where each mapping device keeps its image and NVRAM template. */
static const struct {
    const char *device;
    const char *image_path[2];
    const char *nvram_path[2];
} mapping_paths[] = {
    { "flash", { "executable", "filename" }, { "nvram-template", "filename" } },
    { "memory", { "filename", NULL }, { NULL, NULL } },
    { "kernel", { "filename", NULL }, { NULL, NULL } },
};

static void
target_free(gpointer p)
{
    VcFirmwareTarget *t = p;

    g_free(t->arch);
    g_ptr_array_unref(t->machines);
    g_free(t);
}

void
vc_firmware_free(VcFirmware *fw)
{
    if (!fw)
        return;
    g_free(fw->path);
    g_free(fw->executable);
    g_free(fw->nvram_template);
    if (fw->targets)
        g_ptr_array_unref(fw->targets);
    g_free(fw);
}

static json_object *
member(json_object *obj, const char *key, json_type type)
{
    json_object *v = NULL;

    if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, type))
        return NULL;
    return v;
}

static gboolean
fail(GError **error, const char *path, const char *what)
{
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: invalid firmware descriptor: %s",
                path, what);
    return FALSE;
}

/* A string at obj.path[0].path[1] (path[1] may be NULL). */
static const char *
string_at(json_object *obj, const char *const path[2])
{
    json_object *v;

    if (!path[0])
        return NULL;
    v = path[1] ? member(member(obj, path[0], json_type_object), path[1], json_type_string)
                : member(obj, path[0], json_type_string);
    return v ? json_object_get_string(v) : NULL;
}

static gboolean
parse_interfaces(VcFirmware *fw, json_object *doc, GError **error)
{
    json_object *arr = member(doc, "interface-types", json_type_array);

    if (!arr)
        return fail(error, fw->path, "no \"interface-types\" array");
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        for (gsize n = 0; n < G_N_ELEMENTS(interface_names); n++)
            if (g_strcmp0(json_object_get_string(json_object_array_get_idx(arr, i)),
                          interface_names[n].name) == 0)
                fw->interfaces |= interface_names[n].bit;
    return TRUE;
}

static gboolean
parse_mapping(VcFirmware *fw, json_object *doc, GError **error)
{
    json_object *mapping = member(doc, "mapping", json_type_object);
    json_object *device = member(mapping, "device", json_type_string);

    if (!device)
        return fail(error, fw->path, "no \"mapping\" with a \"device\"");
    for (gsize i = 0; i < G_N_ELEMENTS(mapping_paths); i++) {
        if (strcmp(json_object_get_string(device), mapping_paths[i].device) != 0)
            continue;
        fw->executable = g_strdup(string_at(mapping, mapping_paths[i].image_path));
        fw->nvram_template = g_strdup(string_at(mapping, mapping_paths[i].nvram_path));
        if (!fw->executable)
            return fail(error, fw->path, "the mapping names no firmware file");
    }
    /* libvirt refuses a device it does not know; we would have no image. */
    if (!fw->executable)
        return fail(error, fw->path, "unknown mapping device");
    return TRUE;
}

static gboolean
parse_target(VcFirmware *fw, json_object *t, GError **error)
{
    json_object *arch = member(t, "architecture", json_type_string);
    json_object *machines = member(t, "machines", json_type_array);
    VcFirmwareTarget *target;

    if (!arch || !machines)
        return fail(error, fw->path, "a target without \"architecture\" and \"machines\"");
    target = g_new0(VcFirmwareTarget, 1);
    target->arch = g_strdup(vc_arch_from_qemu(json_object_get_string(arch)));
    target->machines = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(fw->targets, target);
    for (size_t i = 0; i < json_object_array_length(machines); i++) {
        json_object *m = json_object_array_get_idx(machines, i);

        if (!json_object_is_type(m, json_type_string))
            return fail(error, fw->path, "a machine that is not a string");
        g_ptr_array_add(target->machines, g_strdup(json_object_get_string(m)));
    }
    return TRUE;
}

static gboolean
parse_targets(VcFirmware *fw, json_object *doc, GError **error)
{
    json_object *arr = member(doc, "targets", json_type_array);

    if (!arr)
        return fail(error, fw->path, "no \"targets\" array");
    fw->targets = g_ptr_array_new_with_free_func(target_free);
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        if (!parse_target(fw, json_object_array_get_idx(arr, i), error))
            return FALSE;
    return TRUE;
}

static gboolean
parse_features(VcFirmware *fw, json_object *doc, GError **error)
{
    json_object *arr = member(doc, "features", json_type_array);

    if (!arr)
        return fail(error, fw->path, "no \"features\" array");
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        if (g_strcmp0(json_object_get_string(json_object_array_get_idx(arr, i)), "requires-smm") == 0)
            fw->requires_smm = TRUE;
    return TRUE;
}

VcFirmware *
vc_firmware_parse(const char *path, const char *json, GError **error)
{
    json_tokener *tok = json_tokener_new();
    json_object *doc;
    enum json_tokener_error jerr;
    g_autoptr(VcFirmware) fw = g_new0(VcFirmware, 1);
    gboolean ok;

    /* The firmware image's path reaches the XML, which must be UTF-8. */
    json_tokener_set_flags(tok, JSON_TOKENER_VALIDATE_UTF8);
    doc = json_tokener_parse_ex(tok, json, -1);
    jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    fw->path = g_strdup(path);
    if (!doc || jerr != json_tokener_success) {
        json_object_put(doc);
        fail(error, path, jerr == json_tokener_success ? "not JSON" : json_tokener_error_desc(jerr));
        return NULL;
    }
    ok = parse_interfaces(fw, doc, error) && parse_mapping(fw, doc, error) &&
        parse_targets(fw, doc, error) && parse_features(fw, doc, error);
    json_object_put(doc);
    return ok ? g_steal_pointer(&fw) : NULL;
}

gboolean
vc_firmware_matches(const VcFirmware *fw, const char *arch, const char *machine)
{
    for (guint i = 0; machine && i < fw->targets->len; i++) {
        const VcFirmwareTarget *t = g_ptr_array_index(fw->targets, i);

        if (strcmp(t->arch, arch) != 0)
            continue;
        for (guint j = 0; j < t->machines->len; j++)
            if (g_pattern_match_simple(g_ptr_array_index(t->machines, j), machine))
                return TRUE;
    }
    return FALSE;
}

/* name -> path of the file that wins for it (NULL value: masked). */
static void
collect_dir(GHashTable *winners, const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = NULL;
        GStatBuf st;

        if (!g_str_has_suffix(name, ".json"))
            continue;
        path = g_build_filename(dir, name, NULL);
        if (g_stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        g_hash_table_insert(winners, g_strdup(name), st.st_size ? g_steal_pointer(&path) : NULL);
    }
}

static void
load_one(GPtrArray *out, const char *path, GPtrArray *warnings)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    VcFirmware *fw;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        if (warnings)
            g_ptr_array_add(warnings, g_strdup(err->message));
        return;
    }
    if ((fw = vc_firmware_parse(path, text, &err)))
        g_ptr_array_add(out, fw);
    else if (warnings)
        g_ptr_array_add(warnings, g_strdup(err->message));
}

GPtrArray *
vc_firmware_load(const GPtrArray *dirs, GPtrArray *warnings)
{
    g_autoptr(GHashTable) winners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GList) names = NULL;
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)vc_firmware_free);

    for (guint i = 0; dirs && i < dirs->len; i++)
        collect_dir(winners, g_ptr_array_index(dirs, i));
    names = g_list_sort(g_hash_table_get_keys(winners), (GCompareFunc)strcmp);
    for (GList *l = names; l; l = l->next) {
        const char *path = g_hash_table_lookup(winners, l->data);

        if (path)
            load_one(out, path, warnings);
    }
    return out;
}
