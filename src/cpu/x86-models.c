/*
 * Loading data/cpu/x86-models.json (format: the file's "comment").  Only
 * what decoding needs is read: name, vendor, signatures, decode flags and
 * features; QEMU's provenance fields are for reviewers.
 */
#include <string.h>
#include <json-c/json.h>

#include "virtcaps.h"
#include "cpu/x86-models.h"
#include "cpu/x86-compiled.h"

static void
model_free(gpointer p)
{
    VcX86Model *m = p;

    g_free(m->name);
    if (m->signatures)
        g_array_unref(m->signatures);
    g_free(m);
}

VcX86ModelDb *
vc_x86_model_db_new(const VcX86FeatureDb *features)
{
    VcX86ModelDb *db = g_new0(VcX86ModelDb, 1);

    db->features = features;
    db->models = g_ptr_array_new_with_free_func(model_free);
    return db;
}

void
vc_x86_model_db_free(VcX86ModelDb *db)
{
    if (!db)
        return;
    if (db->by_name)
        g_hash_table_unref(db->by_name);
    g_ptr_array_unref(db->models);
    g_free(db->block);
    g_free(db);
}

typedef struct {
    const char *source;
    guint idx;
    const char *name;    /* the model's, once known */
} Where;

static gboolean G_GNUC_PRINTF(3, 4)
fail(GError **error, const Where *w, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (w->name)
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: models[%u] (%s): %s", w->source, w->idx, w->name, msg);
    else
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: models[%u]: %s", w->source, w->idx, msg);
    return FALSE;
}

static json_object *
member(json_object *o, const char *key, json_type type)
{
    json_object *v;

    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return v;
}

static gboolean
get_uint(json_object *o, const char *key, guint max, guint *out)
{
    json_object *v = member(o, key, json_type_int);
    gint64 n;

    if (!v)
        return FALSE;
    n = json_object_get_int64(v);
    if (n < 0 || n > max)
        return FALSE;
    *out = (guint)n;
    return TRUE;
}

/* "N" or "A-B" (libvirt's stepping ranges), 0-31. */
static gboolean
parse_steppings(const char *s, guint32 *mask)
{
    guint64 a, b;
    char *end;

    a = g_ascii_strtoull(s, &end, 10);
    b = a;
    if (end == s)
        return FALSE;
    if (*end == '-') {
        const char *rest = end + 1;
        b = g_ascii_strtoull(rest, &end, 10);
        if (end == rest)
            return FALSE;
    }
    if (*end || a > b || b > 31)
        return FALSE;
    *mask = 0;
    for (guint64 i = a; i <= b; i++)
        *mask |= 1u << i;
    return TRUE;
}

static gboolean
parse_signature(json_object *o, VcX86Model *m, const Where *w, GError **error)
{
    VcX86Signature sig = { .steppings = G_MAXUINT32 };
    json_object *st;

    if (!json_object_is_type(o, json_type_object) ||
        !get_uint(o, "family", 0xfff, &sig.family) ||
        !get_uint(o, "model", 0xff, &sig.model))
        return fail(error, w, "a signature needs integer \"family\" and \"model\"");
    if (json_object_object_get_ex(o, "stepping", &st) &&
        (!json_object_is_type(st, json_type_string) ||
         !parse_steppings(json_object_get_string(st), &sig.steppings)))
        return fail(error, w, "bad signature \"stepping\" (want \"N\" or \"A-B\", 0-31)");
    g_array_append_val(m->signatures, sig);
    return TRUE;
}

static gboolean
parse_signatures(json_object *o, VcX86Model *m, const Where *w, GError **error)
{
    json_object *arr = member(o, "signatures", json_type_array);

    m->signatures = g_array_new(FALSE, FALSE, sizeof(VcX86Signature));
    if (!arr)
        return fail(error, w, "\"signatures\" must be an array");
    for (gsize i = 0; i < json_object_array_length(arr); i++)
        if (!parse_signature(json_object_array_get_idx(arr, i), m, w, error))
            return FALSE;
    return TRUE;
}

static gboolean
parse_vendor(const VcX86FeatureDb *fdb, json_object *o, VcX86Model *m,
             const Where *w, GError **error)
{
    json_object *v;
    const char *name;

    if (!json_object_object_get_ex(o, "vendor", &v))
        return fail(error, w, "missing \"vendor\" (null for none)");
    if (!v)
        return TRUE;
    if (!json_object_is_type(v, json_type_string))
        return fail(error, w, "\"vendor\" must be a string or null");
    name = json_object_get_string(v);
    for (guint i = 0; i < fdb->vendors->len; i++) {
        const VcX86Vendor *vendor = g_ptr_array_index(fdb->vendors, i);
        if (strcmp(vendor->name, name) == 0) {
            m->vendor = vendor;
            return TRUE;
        }
    }
    return fail(error, w, "unknown vendor '%s'", name);
}

static gboolean
parse_decode(json_object *o, VcX86Model *m, const Where *w, GError **error)
{
    json_object *d = member(o, "decode", json_type_object);
    json_object *host = d ? member(d, "host", json_type_boolean) : NULL;
    json_object *guest = d ? member(d, "guest", json_type_boolean) : NULL;

    if (!host || !guest)
        return fail(error, w, "\"decode\" needs booleans \"host\" and \"guest\"");
    m->decode_host = json_object_get_boolean(host);
    m->decode_guest = json_object_get_boolean(guest);
    return TRUE;
}

/* "features": one space-separated string of libvirt names. */
static gboolean
parse_features(const VcX86FeatureDb *fdb, json_object *o, VcX86Model *m,
               const Where *w, GError **error)
{
    json_object *str = member(o, "features", json_type_string);
    g_auto(GStrv) names = NULL;

    if (!str)
        return fail(error, w, "\"features\" must be a string of feature names");
    names = g_strsplit(json_object_get_string(str), " ", -1);
    for (gsize i = 0; names[i]; i++) {
        const VcX86Feature *f;

        if (!*names[i])
            continue;
        if (!(f = vc_x86_feature_db_find(fdb, names[i])))
            return fail(error, w, "unknown feature '%s'", names[i]);
        vc_x86_set_add(&m->features, f);
    }
    return TRUE;
}

static VcX86Model *
parse_model(const VcX86FeatureDb *fdb, json_object *o, Where *w, GError **error)
{
    g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func(model_free);
    VcX86Model *m = g_new0(VcX86Model, 1);
    json_object *name = member(o, "name", json_type_string);

    g_ptr_array_add(keep, m);   /* freed on every error path */
    if (!name || !*json_object_get_string(name)) {
        fail(error, w, "missing \"name\"");
        return NULL;
    }
    m->name = g_strdup(json_object_get_string(name));
    w->name = m->name;
    if (!parse_vendor(fdb, o, m, w, error) || !parse_signatures(o, m, w, error) ||
        !parse_decode(o, m, w, error) || !parse_features(fdb, o, m, w, error))
        return NULL;
    return g_ptr_array_steal_index(keep, 0);
}

static gboolean
parse_models(VcX86ModelDb *db, json_object *root, const char *source,
             GError **error)
{
    json_object *arr = json_object_is_type(root, json_type_object) ?
                       member(root, "models", json_type_array) : NULL;

    if (!arr || json_object_array_length(arr) == 0) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: needs a non-empty \"models\" array", source);
        return FALSE;
    }
    for (guint i = 0; i < json_object_array_length(arr); i++) {
        Where w = { source, i, NULL };
        VcX86Model *m = parse_model(db->features, json_object_array_get_idx(arr, i),
                                    &w, error);

        if (!m)
            return FALSE;
        g_ptr_array_add(db->models, m);
        if (g_hash_table_contains(db->by_name, m->name))
            return fail(error, &w, "the name is used twice");
        g_hash_table_insert(db->by_name, m->name, m);
    }
    return TRUE;
}

VcX86ModelDb *
vc_x86_model_db_parse(const VcX86FeatureDb *features, const char *text,
                      const char *source, GError **error)
{
    g_autoptr(VcX86ModelDb) db = vc_x86_model_db_new(features);
    json_tokener *tok = json_tokener_new();
    json_object *root = json_tokener_parse_ex(tok, text, -1);
    gboolean ok;

    /* built while loading, to refuse a name used twice */
    db->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    if (!root) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: invalid JSON: %s",
                    source, json_tokener_error_desc(json_tokener_get_error(tok)));
        json_tokener_free(tok);
        return NULL;
    }
    json_tokener_free(tok);
    ok = parse_models(db, root, source, error);
    json_object_put(root);
    return ok ? g_steal_pointer(&db) : NULL;
}

VcX86ModelDb *
vc_x86_model_db_load(const VcX86FeatureDb *features, const char *path,
                     GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s", err->message);
        return NULL;
    }
    return vc_x86_model_db_parse(features, text, path, error);
}

VcX86ModelDb *
vc_x86_model_db_load_default(const VcX86FeatureDb *features, GError **error)
{
    g_autofree char *path = NULL;

    if (features->compiled)
        return vc_x86_compiled_models(features, error);
    path = vc_cpu_data_path("x86-models.json");
    return vc_x86_model_db_load(features, path, error);
}

/* Built on first use for compiled databases (see x86-features.c names()). */
static GHashTable *
names(const VcX86ModelDb *db)
{
    VcX86ModelDb *mut = (VcX86ModelDb *)db;

    if (g_once_init_enter(&mut->by_name)) {
        GHashTable *table = g_hash_table_new(g_str_hash, g_str_equal);

        for (guint i = 0; i < db->models->len; i++) {
            VcX86Model *m = g_ptr_array_index(db->models, i);

            if (!g_hash_table_contains(table, m->name))
                g_hash_table_insert(table, m->name, m);
        }
        g_once_init_leave(&mut->by_name, table);
    }
    return mut->by_name;
}

const VcX86Model *
vc_x86_model_db_find(const VcX86ModelDb *db, const char *name)
{
    return g_hash_table_lookup(names(db), name);
}

gboolean
vc_x86_model_signature_matches(const VcX86Model *m, guint family,
                               guint model_number, guint stepping)
{
    for (guint i = 0; i < m->signatures->len; i++) {
        const VcX86Signature *s = &g_array_index(m->signatures, VcX86Signature, i);
        if (s->family == family && s->model == model_number &&
            stepping < 32 && (s->steppings >> stepping) & 1)
            return TRUE;
    }
    return FALSE;
}
