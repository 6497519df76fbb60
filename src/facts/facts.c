/*
 * Reading the JSON form back, and facts files: a JSON merge patch (RFC 7396)
 * over the probed model's JSON form, with keyed merging of the arrays in
 * keyed_arrays (docs/json.md).  Text becomes a tree only through json-c's
 * tokener, with size and depth limits; the tree becomes a model only through
 * vc_host_caps_from_json, which checks every member.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "format/hostcaps-json.h"

#define VC_JSON_MAX_BYTES (64 * 1024 * 1024)
/* The model's JSON is 7 levels deep; the rest is room for a patch's nulls. */
#define VC_JSON_MAX_DEPTH 32

/* ---- text -> tree ------------------------------------------------------- */

static void
line_and_column(const char *text, gsize offset, guint *line, guint *column)
{
    const char *nl;

    *line = 1;
    *column = 1;
    for (const char *p = text; p < text + offset; p = nl + 1) {
        if (!(nl = memchr(p, '\n', (gsize)(text + offset - p)))) {
            *column = (guint)(text + offset - p) + 1;
            return;
        }
        (*line)++;
    }
}

/* text[len] must be '\0': json-c needs it to end a top-level number. */
static gboolean
tokenize(const char *text, gsize len, const char *source, json_object **out,
         GError **error)
{
    struct json_tokener *tok;
    enum json_tokener_error jerr;
    guint line, column;

    if (len > VC_JSON_MAX_BYTES) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: larger than %d MiB", source, VC_JSON_MAX_BYTES >> 20);
        return FALSE;
    }
    if (memchr(text, '\0', len)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: contains a NUL byte", source);
        return FALSE;
    }
    tok = json_tokener_new_ex(VC_JSON_MAX_DEPTH);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    *out = json_tokener_parse_ex(tok, text, (int)len + 1);
    jerr = json_tokener_get_error(tok);
    line_and_column(text, MIN(json_tokener_get_parse_end(tok), len), &line, &column);
    json_tokener_free(tok);
    if (jerr == json_tokener_success)
        return TRUE;
    json_object_put(*out);
    *out = NULL;
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                "%s: line %u column %u: invalid JSON: %s", source, line, column,
                json_tokener_error_desc(jerr));
    return FALSE;
}

VcHostCaps *
vc_host_caps_parse_json(const char *json, const char *source, GError **error)
{
    g_autoptr(json_object) root = NULL;

    if (!source)
        source = "(JSON)";
    if (!json) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID, "%s: no text", source);
        return NULL;
    }
    if (!tokenize(json, strlen(json), source, &root, error))
        return NULL;
    return vc_host_caps_from_json(root, source, error);
}

/* ---- merge patch -------------------------------------------------------- */

/* Arrays whose elements a patch merges by key rather than replacing the
 * array: an element matches the target element with equal key members.  In
 * an ordered array (integer keys, kept ascending by the probes) a new
 * element goes before the first element with a greater key, else last. */
typedef struct {
    const char *name;
    const char *keys[3];        /* NULL-terminated */
    gboolean ordered;
} KeyedArray;

static const KeyedArray keyed_arrays[] = {
    { "cells", { "id" }, TRUE },
    { "cpus", { "id" }, TRUE },
    { "distances", { "id" }, TRUE },
    { "pages", { "size" }, TRUE },
    { "caches", { "level" }, TRUE },
    { "banks", { "level", "id" }, TRUE },
    { "nodes", { "id" }, TRUE },
    { "controls", { "type" }, FALSE },
    { "secmodels", { "model" }, FALSE },
    { "baselabels", { "type" }, FALSE },
    { "guests", { "os_type", "arch" }, FALSE },
};

#define DELETE_MEMBER "$delete"

static const KeyedArray *
keyed_array_named(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(keyed_arrays); i++)
        if (strcmp(keyed_arrays[i].name, name) == 0)
            return &keyed_arrays[i];
    return NULL;
}

static gboolean merge_patch(VcJsonCtx *ctx, json_object **target, json_object *patch,
                            const KeyedArray *keyed);

static void
replace_value(json_object **target, json_object *value)
{
    json_object_put(*target);
    *target = value;
}

/* RFC 7396: members merge recursively, null deletes. */
static gboolean
merge_object(VcJsonCtx *ctx, json_object **target, json_object *patch)
{
    if (!json_object_is_type(*target, json_type_object))
        replace_value(target, json_object_new_object());
    json_object_object_foreach(patch, key, value) {
        gsize mark = vc_json_path_push_member(ctx, key);
        json_object *child;

        if (!value) {
            json_object_object_del(*target, key);
        } else {
            child = json_object_get(json_object_object_get(*target, key));
            if (!merge_patch(ctx, &child, value, keyed_array_named(key))) {
                json_object_put(child);
                return FALSE;
            }
            json_object_object_add(*target, key, child);
        }
        vc_json_path_pop(ctx, mark);
    }
    return TRUE;
}

/* The key of an element as text, NULL when it is not an object with all the
 * key members. */
static char *
element_key(json_object *elem, const KeyedArray *keyed)
{
    g_autoptr(GString) key = g_string_new(NULL);

    if (!json_object_is_type(elem, json_type_object))
        return NULL;
    for (const char *const *k = keyed->keys; *k; k++) {
        json_object *v;
        if (!json_object_object_get_ex(elem, *k, &v) || !v)
            return NULL;
        g_string_append(key, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        g_string_append_c(key, '\n');
    }
    return g_string_free(g_steal_pointer(&key), FALSE);
}

static gboolean
key_missing(VcJsonCtx *ctx, json_object *elem, const KeyedArray *keyed)
{
    g_autofree char *keys = g_strjoinv("\", \"", (char **)keyed->keys);

    if (!json_object_is_type(elem, json_type_object))
        return vc_json_fail(ctx, "expected an object (\"%s\" is merged by \"%s\")",
                            keyed->name, keys);
    return vc_json_fail(ctx, "missing key member \"%s\" (\"%s\" is merged by it)",
                        keys, keyed->name);
}

/* Whether a patch element asks to delete its target; FALSE with an error
 * for a $delete that is not true. */
static gboolean
element_deletes(VcJsonCtx *ctx, json_object *elem, gboolean *deletes)
{
    json_object *v;

    *deletes = json_object_object_get_ex(elem, DELETE_MEMBER, &v);
    if (!*deletes || (json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v)))
        return TRUE;
    vc_json_path_push_member(ctx, DELETE_MEMBER);
    return vc_json_fail(ctx, "must be true");
}

/* A keyed merge in progress.  Elements are merged in place: merging an
 * object patch into an object keeps the object. */
typedef struct {
    const KeyedArray *keyed;
    GHashTable *by_key;         /* key text (owned) -> element */
    GHashTable *deleted;        /* elements removed by $delete */
    GPtrArray *added;           /* new elements (owned), in patch order */
} KeyedMerge;

static gboolean
keyed_merge_add(VcJsonCtx *ctx, KeyedMerge *km, char *key, json_object *elem)
{
    json_object *item = NULL;

    if (!merge_patch(ctx, &item, elem, NULL)) {
        json_object_put(item);
        g_free(key);
        return FALSE;
    }
    g_ptr_array_add(km->added, item);
    g_hash_table_insert(km->by_key, key, item);
    return TRUE;
}

static gboolean
keyed_merge_apply(VcJsonCtx *ctx, KeyedMerge *km, json_object *elem)
{
    g_autofree char *key = element_key(elem, km->keyed);
    json_object *item;
    gboolean deletes;

    if (!key)
        return key_missing(ctx, elem, km->keyed);
    if (!element_deletes(ctx, elem, &deletes))
        return FALSE;
    item = g_hash_table_lookup(km->by_key, key);
    if (deletes) {
        if (item) {             /* deleting what is not there: nothing to do */
            g_hash_table_add(km->deleted, item);
            g_hash_table_remove(km->by_key, key);
        }
        return TRUE;
    }
    if (!item)
        return keyed_merge_add(ctx, km, g_steal_pointer(&key), elem);
    return merge_patch(ctx, &item, elem, NULL);
}

static gint
compare_keys(json_object *a, json_object *b, const KeyedArray *keyed)
{
    for (const char *const *k = keyed->keys; *k; k++) {
        gint64 x = json_object_get_int64(json_object_object_get(a, *k));
        gint64 y = json_object_get_int64(json_object_object_get(b, *k));
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

static gint
compare_added(gconstpointer a, gconstpointer b, gpointer keyed)
{
    return compare_keys(*(json_object *const *)a, *(json_object *const *)b, keyed);
}

static void
keyed_merge_emit(KeyedMerge *km, json_object *result, json_object *item)
{
    if (!g_hash_table_contains(km->deleted, item))
        json_object_array_add(result, json_object_get(item));
}

/* The merged array: the target's elements in their order, with the added
 * ones placed as KeyedArray says. */
static json_object *
keyed_merge_result(KeyedMerge *km, json_object *target)
{
    json_object *result = json_object_new_array();
    guint next = 0;

    if (km->keyed->ordered)
        g_ptr_array_sort_with_data(km->added, compare_added, (gpointer)km->keyed);
    for (size_t i = 0; json_object_is_type(target, json_type_array) &&
                       i < json_object_array_length(target); i++) {
        json_object *elem = json_object_array_get_idx(target, i);
        while (km->keyed->ordered && next < km->added->len &&
               compare_keys(g_ptr_array_index(km->added, next), elem, km->keyed) < 0)
            keyed_merge_emit(km, result, g_ptr_array_index(km->added, next++));
        keyed_merge_emit(km, result, elem);
    }
    while (next < km->added->len)
        keyed_merge_emit(km, result, g_ptr_array_index(km->added, next++));
    return result;
}

static void
put_json(gpointer p)
{
    json_object_put(p);
}

/* Merge patch elements into the target array by key; elements with a new
 * key are added, {"<key>": ..., "$delete": true} removes one. */
static gboolean
merge_keyed_array(VcJsonCtx *ctx, json_object **target, json_object *patch,
                  const KeyedArray *keyed)
{
    g_autoptr(GHashTable) by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) deleted = g_hash_table_new(NULL, NULL);
    g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func(put_json);
    KeyedMerge km = { keyed, by_key, deleted, added };

    for (size_t i = 0; json_object_is_type(*target, json_type_array) &&
                       i < json_object_array_length(*target); i++) {
        json_object *elem = json_object_array_get_idx(*target, i);
        char *key = element_key(elem, keyed);
        if (key && !g_hash_table_contains(by_key, key))
            g_hash_table_insert(by_key, key, elem);
        else
            g_free(key);
    }
    for (size_t i = 0; i < json_object_array_length(patch); i++) {
        gsize mark = vc_json_path_push_index(ctx, i);
        if (!keyed_merge_apply(ctx, &km, json_object_array_get_idx(patch, i)))
            return FALSE;
        vc_json_path_pop(ctx, mark);
    }
    replace_value(target, keyed_merge_result(&km, *target));
    return TRUE;
}

/* Apply patch to *target (owned, may be NULL for an absent member).  Values
 * other than objects and non-empty keyed arrays replace the target (so []
 * empties any array); they are shared with the patch, which is safe because
 * merging never descends into them. */
static gboolean
merge_patch(VcJsonCtx *ctx, json_object **target, json_object *patch,
            const KeyedArray *keyed)
{
    if (json_object_is_type(patch, json_type_object))
        return merge_object(ctx, target, patch);
    if (keyed && json_object_is_type(patch, json_type_array) &&
        json_object_array_length(patch) > 0)
        return merge_keyed_array(ctx, target, patch, keyed);
    replace_value(target, json_object_get(patch));
    return TRUE;
}

/* ---- facts files -------------------------------------------------------- */

static gboolean
read_facts(const char *path, char **text, gsize *len, GError **error)
{
    GStatBuf st;
    g_autoptr(GError) err = NULL;

    if (g_stat(path, &st) == 0 && st.st_size > VC_JSON_MAX_BYTES) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: larger than %d MiB", path, VC_JSON_MAX_BYTES >> 20);
        return FALSE;
    }
    if (!g_file_get_contents(path, text, len, &err)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s", err->message);
        return FALSE;
    }
    return TRUE;
}

static gboolean
merge_facts(json_object **doc, json_object *patch, const char *path, GError **error)
{
    VcJsonCtx ctx;
    gboolean ok;

    vc_json_ctx_init(&ctx, path, error);
    ok = json_object_is_type(patch, json_type_object)
        ? merge_object(&ctx, doc, patch)
        : vc_json_fail(&ctx, "expected an object");
    vc_json_ctx_clear(&ctx);
    return ok;
}

gboolean
vc_host_caps_apply_facts_file(VcHostCaps **caps, const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize len;
    g_autoptr(json_object) patch = NULL;
    g_autoptr(json_object) doc = NULL;
    VcHostCaps *merged;

    if (!read_facts(path, &text, &len, error) ||
        !tokenize(text, len, path, &patch, error))
        return FALSE;
    doc = vc_host_caps_to_json(*caps);
    if (!merge_facts(&doc, patch, path, error) ||
        !(merged = vc_host_caps_from_json(doc, path, error)))
        return FALSE;
    vc_host_caps_free(*caps);
    *caps = merged;
    return TRUE;
}
