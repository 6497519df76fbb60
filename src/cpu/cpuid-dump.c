/*
 * CPUID dumps: virtcaps' JSON (json-c) and libvirt's cpudata XML (libxml2).
 * The formats are described in cpu/cpuid.h and docs/cpuid-dump.md.  Every
 * error is one line starting with the dump's name.
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-c/json.h>

#include "virtcaps.h"
#include "cpu/cpuid.h"
#include "util/vc-xml.h"

#define JSON_FORMAT_ID "virtcaps-cpuid-1"

/* libvirt's number syntax (virStrToLong_ui, base 0): decimal, 0x hex or
 * 0 octal, whole string, no sign. */
static gboolean
parse_number(const char *text, guint64 max, guint64 *value)
{
    char *end = NULL;
    guint64 v;

    if (!text || !g_ascii_isdigit(text[0]))
        return FALSE;
    errno = 0;
    v = g_ascii_strtoull(text, &end, 0);
    if (errno != 0 || end == text || *end != '\0' || v > max)
        return FALSE;
    *value = v;
    return TRUE;
}

static gboolean
too_many(guint n, const char *source, GError **error)
{
    if (n < VC_CPUID_MAX_ITEMS)
        return FALSE;
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                "%s: more than %d entries", source, VC_CPUID_MAX_ITEMS);
    return TRUE;
}

/* ---------------------------------------------------------------- JSON -- */

/* A number given as a string ("0x1f", "31") or a non-negative integer. */
static gboolean
json_number(json_object *obj, guint64 max, guint64 *value)
{
    if (json_object_is_type(obj, json_type_string))
        return parse_number(json_object_get_string(obj), max, value);
    if (json_object_is_type(obj, json_type_int)) {
        gint64 v = json_object_get_int64(obj);
        /* json-c clamps out-of-range integers: reject the clamped values. */
        if (v < 0 || v == G_MAXINT64 || (guint64)v > max)
            return FALSE;
        *value = (guint64)v;
        return TRUE;
    }
    return FALSE;
}

static gboolean
json_u32_field(json_object *entry, const char *key, guint32 *out,
               const char *source, guint idx, GError **error)
{
    json_object *v;
    guint64 n;

    if (!json_object_object_get_ex(entry, key, &v)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: cpuid[%u]: missing \"%s\"", source, idx, key);
        return FALSE;
    }
    if (!json_number(v, G_MAXUINT32, &n)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: cpuid[%u]: \"%s\" is not a 32-bit number: %s",
                    source, idx, key, json_object_to_json_string(v));
        return FALSE;
    }
    *out = (guint32)n;
    return TRUE;
}

static gboolean
json_parse_leaf(json_object *entry, guint idx, VcCpuidData *data,
                const char *source, GError **error)
{
    VcCpuidLeaf leaf;
    guint32 *fields[] = { &leaf.eax_in, &leaf.ecx_in, &leaf.eax, &leaf.ebx,
                          &leaf.ecx, &leaf.edx };
    const char *keys[] = { "leaf", "subleaf", "eax", "ebx", "ecx", "edx" };

    if (!json_object_is_type(entry, json_type_object)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: cpuid[%u] is not an object", source, idx);
        return FALSE;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(keys); i++)
        if (!json_u32_field(entry, keys[i], fields[i], source, idx, error))
            return FALSE;
    vc_cpuid_data_add_leaf(data, &leaf);
    return TRUE;
}

static gboolean
json_parse_msrs(json_object *msrs, VcCpuidData *data, const char *source,
                GError **error)
{
    if (!json_object_is_type(msrs, json_type_object)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: \"msrs\" is not an object", source);
        return FALSE;
    }
    json_object_object_foreach(msrs, key, val) {
        guint64 index, value;

        if (too_many(data->msrs->len, source, error))
            return FALSE;
        if (!parse_number(key, G_MAXUINT32, &index) ||
            !json_number(val, G_MAXUINT64, &value)) {
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                        "%s: msrs: bad entry \"%s\": %s (expected a 32-bit "
                        "index and a 64-bit value)", source, key,
                        json_object_to_json_string(val));
            return FALSE;
        }
        vc_cpuid_data_add_msr(data, (guint32)index, value);
    }
    return TRUE;
}

static gboolean
json_check_format(json_object *root, const char *source, GError **error)
{
    json_object *fmt;

    if (!json_object_object_get_ex(root, "format", &fmt))
        return TRUE;
    if (json_object_is_type(fmt, json_type_string) &&
        strcmp(json_object_get_string(fmt), JSON_FORMAT_ID) == 0)
        return TRUE;
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                "%s: unknown format %s (expected \"%s\")", source,
                json_object_to_json_string(fmt), JSON_FORMAT_ID);
    return FALSE;
}

static gboolean
json_parse_root(json_object *root, VcCpuidData *data, const char *source,
                GError **error)
{
    json_object *leaves, *msrs;
    gsize n;

    if (!json_object_is_type(root, json_type_object)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: not a JSON object", source);
        return FALSE;
    }
    if (!json_check_format(root, source, error))
        return FALSE;
    if (!json_object_object_get_ex(root, "cpuid", &leaves) ||
        !json_object_is_type(leaves, json_type_array) ||
        (n = json_object_array_length(leaves)) == 0) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: \"cpuid\" must be a non-empty array", source);
        return FALSE;
    }
    if (too_many(n, source, error))
        return FALSE;
    for (gsize i = 0; i < n; i++)
        if (!json_parse_leaf(json_object_array_get_idx(leaves, i), i, data,
                             source, error))
            return FALSE;
    if (json_object_object_get_ex(root, "msrs", &msrs) &&
        !json_parse_msrs(msrs, data, source, error))
        return FALSE;
    return TRUE;
}

VcCpuidData *
vc_cpuid_parse_json(const char *text, gsize len, const char *source,
                    GError **error)
{
    g_autoptr(VcCpuidData) data = vc_cpuid_data_new();
    json_tokener *tok = json_tokener_new();
    json_object *root;
    enum json_tokener_error jerr;
    gboolean ok;

    root = json_tokener_parse_ex(tok, text, (int)MIN(len, (gsize)G_MAXINT));
    jerr = json_tokener_get_error(tok);
    if (!root || jerr != json_tokener_success ||
        json_tokener_get_parse_end(tok) < len) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: invalid JSON: %s", source,
                    jerr == json_tokener_continue ? "unexpected end of input"
                    : jerr != json_tokener_success ? json_tokener_error_desc(jerr)
                    : "trailing data after the document");
        json_object_put(root);
        json_tokener_free(tok);
        return NULL;
    }
    json_tokener_free(tok);
    ok = json_parse_root(root, data, source, error);
    json_object_put(root);
    return ok ? g_steal_pointer(&data) : NULL;
}

char *
vc_cpuid_format_json(const VcCpuidData *data)
{
    GString *out = g_string_new("{\n  \"format\": \"" JSON_FORMAT_ID "\",\n"
                                "  \"cpuid\": [\n");

    for (guint i = 0; i < data->leaves->len; i++) {
        const VcCpuidLeaf *l = &g_array_index(data->leaves, VcCpuidLeaf, i);
        g_string_append_printf(out,
            "    {\"leaf\": \"0x%08x\", \"subleaf\": \"0x%x\", \"eax\": \"0x%08x\", "
            "\"ebx\": \"0x%08x\", \"ecx\": \"0x%08x\", \"edx\": \"0x%08x\"}%s\n",
            l->eax_in, l->ecx_in, l->eax, l->ebx, l->ecx, l->edx,
            i + 1 < data->leaves->len ? "," : "");
    }
    g_string_append(out, "  ],\n  \"msrs\": {");
    for (guint i = 0; i < data->msrs->len; i++) {
        const VcMsr *m = &g_array_index(data->msrs, VcMsr, i);
        g_string_append_printf(out, "%s\n    \"0x%x\": \"0x%016" G_GINT64_MODIFIER "x\"",
                               i ? "," : "", m->index, m->value);
    }
    g_string_append(out, data->msrs->len ? "\n  }\n}\n" : "}\n}\n");
    return g_string_free(out, FALSE);
}

/* ----------------------------------------------------------------- XML -- */

/* An attribute as a number; absent is fine unless required. */
static gboolean
xml_number(const VcXmlNode *node, const char *name, gboolean required, guint64 max,
           guint64 *value, const char *source, GError **error)
{
    const char *text = vc_xml_node_attr(node, name);

    *value = 0;
    if (!text) {
        if (!required)
            return TRUE;
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s:%ld: <%s> lacks the %s attribute", source, node->line, node->name,
                    name);
        return FALSE;
    }
    if (parse_number(text, max, value))
        return TRUE;
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                "%s:%ld: <%s %s='%s'> is not a %d-bit number", source, node->line, node->name,
                name, text, max == G_MAXUINT32 ? 32 : 64);
    return FALSE;
}

static gboolean
xml_parse_cpuid(const VcXmlNode *node, VcCpuidData *data, const char *source,
                GError **error)
{
    const char *names[] = { "eax_in", "ecx_in", "eax", "ebx", "ecx", "edx" };
    guint64 v[G_N_ELEMENTS(names)];
    VcCpuidLeaf leaf;

    for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
        if (!xml_number(node, names[i], i == 0, G_MAXUINT32, &v[i], source, error))
            return FALSE;
    leaf = (VcCpuidLeaf){ (guint32)v[0], (guint32)v[1], (guint32)v[2],
                          (guint32)v[3], (guint32)v[4], (guint32)v[5] };
    vc_cpuid_data_add_leaf(data, &leaf);
    return TRUE;
}

static gboolean
xml_parse_msr(const VcXmlNode *node, VcCpuidData *data, const char *source,
              GError **error)
{
    guint64 index, eax, edx;

    if (!xml_number(node, "index", TRUE, G_MAXUINT32, &index, source, error) ||
        !xml_number(node, "eax", TRUE, G_MAXUINT32, &eax, source, error) ||
        !xml_number(node, "edx", TRUE, G_MAXUINT32, &edx, source, error))
        return FALSE;
    vc_cpuid_data_add_msr(data, (guint32)index, (edx << 32) | eax);
    return TRUE;
}

static gboolean
xml_check_root(const VcXmlNode *root, const char *source, GError **error)
{
    if (strcmp(root->name, "cpudata") != 0) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: the root element is not <cpudata>", source);
        return FALSE;
    }
    if (g_strcmp0(vc_xml_node_attr(root, "arch"), "x86") != 0) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: <cpudata> must have arch='x86'", source);
        return FALSE;
    }
    return TRUE;
}

static gboolean
xml_parse_items(const VcXmlNode *root, VcCpuidData *data, const char *source,
                GError **error)
{
    for (guint i = 0; i < root->children->len; i++) {
        const VcXmlNode *c = root->children->pdata[i];
        gboolean ok;

        if (too_many(i, source, error))
            return FALSE;
        if (strcmp(c->name, "cpuid") == 0)
            ok = xml_parse_cpuid(c, data, source, error);
        else if (strcmp(c->name, "msr") == 0)
            ok = xml_parse_msr(c, data, source, error);
        else {
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                        "%s:%ld: unexpected element <%s> in <cpudata>", source, c->line,
                        c->name);
            ok = FALSE;
        }
        if (!ok)
            return FALSE;
    }
    /* Both dump formats require CPUID leaves: MSRs alone describe no CPU,
     * and a dump read here must be writable as our JSON and read back. */
    if (data->leaves->len == 0) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: no <cpuid> in <cpudata>", source);
        return FALSE;
    }
    return TRUE;
}

VcCpuidData *
vc_cpuid_parse_libvirt_xml(const char *text, gsize len, const char *source,
                           GError **error)
{
    g_autoptr(VcCpuidData) data = vc_cpuid_data_new();
    g_autoptr(VcXmlNode) root = vc_xml_read(text, len, source, error);

    if (!root || !xml_check_root(root, source, error) ||
        !xml_parse_items(root, data, source, error))
        return NULL;
    return g_steal_pointer(&data);
}

char *
vc_cpuid_format_libvirt_xml(const VcCpuidData *data)
{
    GString *out = g_string_new("<cpudata arch='x86'>\n");

    for (guint i = 0; i < data->leaves->len; i++) {
        const VcCpuidLeaf *l = &g_array_index(data->leaves, VcCpuidLeaf, i);
        g_string_append_printf(out,
            "  <cpuid eax_in='0x%08x' ecx_in='0x%02x' eax='0x%08x' ebx='0x%08x' "
            "ecx='0x%08x' edx='0x%08x'/>\n",
            l->eax_in, l->ecx_in, l->eax, l->ebx, l->ecx, l->edx);
    }
    for (guint i = 0; i < data->msrs->len; i++) {
        const VcMsr *m = &g_array_index(data->msrs, VcMsr, i);
        g_string_append_printf(out, "  <msr index='0x%x' edx='0x%08x' eax='0x%08x'/>\n",
                               m->index, (guint32)(m->value >> 32), (guint32)m->value);
    }
    g_string_append(out, "</cpudata>\n");
    return g_string_free(out, FALSE);
}

/* ---------------------------------------------------------------- files -- */

static char *
read_dump(const char *path, gsize *len, GError **error)
{
    GStatBuf st;
    char *text = NULL;
    g_autoptr(GError) err = NULL;

    if (g_stat(path, &st) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "%s: %s", path, g_strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > VC_CPUID_DUMP_MAX) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO,
                    "%s: not a regular file of at most %d bytes", path,
                    VC_CPUID_DUMP_MAX);
        return NULL;
    }
    if (!g_file_get_contents(path, &text, len, &err)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s", err->message);
        return NULL;
    }
    return text;
}

VcCpuidData *
vc_cpuid_load_file(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    const char *p;
    gsize len;

    if (!(text = read_dump(path, &len, error)))
        return NULL;
    if (len == 0) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: empty file", path);
        return NULL;
    }
    if (memchr(text, '\0', len)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: binary data (NUL byte) in a text dump", path);
        return NULL;
    }
    for (p = text; g_ascii_isspace(*p); p++)
        ;
    if (*p == '<')
        return vc_cpuid_parse_libvirt_xml(text, len, path, error);
    if (*p == '{')
        return vc_cpuid_parse_json(text, len, path, error);
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                "%s: neither a JSON nor a libvirt XML CPUID dump", path);
    return NULL;
}

gboolean
vc_cpuid_write_json(const VcCpuidData *data, const char *path, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *text = vc_cpuid_format_json(data);

    if (g_mkdir_with_parents(dir, 0755) < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "%s: cannot create: %s", dir, g_strerror(errno));
        return FALSE;
    }
    if (!g_file_set_contents(path, text, -1, error))
        return FALSE;
    return TRUE;
}
