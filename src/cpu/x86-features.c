/*
 * Loading data/cpu/x86-features.json (format: the file's "comment").
 */
#include <string.h>
#include <json-c/json.h>

#include "virtcaps.h"
#include "cpu/x86-features.h"
#include "cpu/x86-compiled.h"
#include "cpu/vc-cpu-config.h"

static const char *const reg_names[] = { "eax", "ebx", "ecx", "edx" };

const char *
vc_x86_reg_name(VcX86Reg reg)
{
    return reg < G_N_ELEMENTS(reg_names) ? reg_names[reg] : "?";
}

static void
feature_free(gpointer p)
{
    VcX86Feature *f = p;

    g_free(f->name);
    g_strfreev(f->qemu_aliases);
    g_strfreev(f->linux_aliases);
    g_free(f);
}

static void
vendor_free(gpointer p)
{
    VcX86Vendor *v = p;

    g_free(v->name);
    g_free(v);
}

static void
filter_free(gpointer p)
{
    VcX86Filter *f = p;

    g_free(f->vendor);
    g_ptr_array_unref(f->drop);
    g_free(f);
}

VcX86FeatureDb *
vc_x86_feature_db_new(void)
{
    VcX86FeatureDb *db = g_new0(VcX86FeatureDb, 1);

    db->features = g_ptr_array_new_with_free_func(feature_free);
    db->vendors = g_ptr_array_new_with_free_func(vendor_free);
    db->filters = g_ptr_array_new_with_free_func(filter_free);
    return db;
}

void
vc_x86_feature_db_free(VcX86FeatureDb *db)
{
    if (!db)
        return;
    if (db->by_name)
        g_hash_table_unref(db->by_name);
    g_ptr_array_unref(db->features);
    g_ptr_array_unref(db->vendors);
    g_ptr_array_unref(db->filters);
    vc_x86_compiled_free(db->compiled);
    g_free(db);
}

/* ---- field readers: each sets "SOURCE: what[idx]: problem" ---- */

typedef struct {
    const char *source;
    const char *what;       /* "features", "vendors", "filters" */
    guint idx;
} Where;

static gboolean G_GNUC_PRINTF(3, 4)
fail(GError **error, const Where *w, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: %s[%u]: %s",
                w->source, w->what, w->idx, msg);
    return FALSE;
}

static const char *
get_string(json_object *o, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* A number as "0x.." string or integer, at most max; FALSE if absent/bad. */
static gboolean
get_number(json_object *o, const char *key, guint64 max, guint64 *out)
{
    json_object *v;
    const char *s;
    char *end = NULL;

    if (!json_object_object_get_ex(o, key, &v))
        return FALSE;
    if (json_object_is_type(v, json_type_int)) {
        gint64 n = json_object_get_int64(v);
        if (n < 0 || (guint64)n > max)
            return FALSE;
        *out = (guint64)n;
        return TRUE;
    }
    if (!(s = get_string(o, key)) || !g_ascii_isdigit(*s))
        return FALSE;
    *out = g_ascii_strtoull(s, &end, 0);
    return *end == '\0' && *out <= max;
}

static GStrv
get_strv(json_object *o, const char *key)
{
    json_object *arr;
    GStrvBuilder *b;
    GStrv out;

    if (!json_object_object_get_ex(o, key, &arr) ||
        !json_object_is_type(arr, json_type_array))
        return NULL;
    b = g_strv_builder_new();
    for (gsize i = 0; i < json_object_array_length(arr); i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        if (json_object_is_type(e, json_type_string))
            g_strv_builder_add(b, json_object_get_string(e));
    }
    out = g_strv_builder_end(b);
    g_strv_builder_unref(b);
    return out;
}

/* ---- features ---- */

static gboolean
parse_reg(const char *name, VcX86Reg *reg)
{
    for (gsize i = 0; name && i < G_N_ELEMENTS(reg_names); i++) {
        if (strcmp(name, reg_names[i]) == 0) {
            *reg = (VcX86Reg)i;
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean
parse_cpuid_location(json_object *o, VcX86Feature *f, const Where *w,
                     GError **error)
{
    guint64 leaf, sub = 0, bit;

    f->kind = VC_X86_FEATURE_CPUID;
    if (!get_number(o, "leaf", G_MAXUINT32, &leaf))
        return fail(error, w, "bad or missing \"leaf\"");
    if (json_object_object_get_ex(o, "subleaf", NULL) &&
        !get_number(o, "subleaf", G_MAXUINT32, &sub))
        return fail(error, w, "bad \"subleaf\"");
    if (!parse_reg(get_string(o, "reg"), &f->reg))
        return fail(error, w, "\"reg\" must be eax, ebx, ecx or edx");
    if (!get_number(o, "bit", 31, &bit))
        return fail(error, w, "\"bit\" must be 0-31");
    f->leaf = (guint32)leaf;
    f->subleaf = (guint32)sub;
    f->bit = (guint)bit;
    return TRUE;
}

static gboolean
parse_msr_location(json_object *o, VcX86Feature *f, const Where *w,
                   GError **error)
{
    guint64 index, bit;

    f->kind = VC_X86_FEATURE_MSR;
    if (!get_number(o, "msr", G_MAXUINT32, &index))
        return fail(error, w, "bad \"msr\"");
    if (!get_number(o, "bit", 63, &bit))
        return fail(error, w, "\"bit\" must be 0-63");
    f->msr = (guint32)index;
    f->bit = (guint)bit;
    return TRUE;
}

static void
parse_aliases(json_object *o, VcX86Feature *f)
{
    json_object *aliases;

    if (!json_object_object_get_ex(o, "aliases", &aliases))
        return;
    f->qemu_aliases = get_strv(aliases, "qemu");
    f->linux_aliases = get_strv(aliases, "linux");
}

static VcX86Feature *
parse_feature(json_object *o, const Where *w, GError **error)
{
    VcX86Feature *f = g_new0(VcX86Feature, 1);
    const char *name = get_string(o, "name");
    json_object *mig;
    gboolean ok;

    f->name = g_strdup(name);
    f->migratable = !json_object_object_get_ex(o, "migratable", &mig) ||
                    json_object_get_boolean(mig);
    if (!name || !*name)
        ok = fail(error, w, "missing \"name\"");
    else if (json_object_object_get_ex(o, "msr", NULL))
        ok = parse_msr_location(o, f, w, error);
    else
        ok = parse_cpuid_location(o, f, w, error);
    if (!ok) {
        feature_free(f);
        return NULL;
    }
    parse_aliases(o, f);
    return f;
}

/* libvirt's order: CPUID before MSR; by leaf, subleaf, reg, bit / index, bit. */
static int
feature_order(const VcX86Feature *a, const VcX86Feature *b)
{
    guint64 ka[4] = { a->kind, a->kind == VC_X86_FEATURE_CPUID ? a->leaf : a->msr,
                      a->subleaf, (guint64)a->reg * 64 + a->bit };
    guint64 kb[4] = { b->kind, b->kind == VC_X86_FEATURE_CPUID ? b->leaf : b->msr,
                      b->subleaf, (guint64)b->reg * 64 + b->bit };

    for (gsize i = 0; i < G_N_ELEMENTS(ka); i++)
        if (ka[i] != kb[i])
            return ka[i] < kb[i] ? -1 : 1;
    return 0;
}

static gboolean
add_name(VcX86FeatureDb *db, const char *name, VcX86Feature *f, const Where *w,
         GError **error)
{
    if (g_hash_table_contains(db->by_name, name))
        return fail(error, w, "the name '%s' is used twice", name);
    g_hash_table_insert(db->by_name, (gpointer)name, f);
    return TRUE;
}

static gboolean
check_order(const VcX86FeatureDb *db, const VcX86Feature *f, const Where *w,
            GError **error)
{
    const VcX86Feature *prev;
    int c;

    if (db->features->len == 0)
        return TRUE;
    prev = g_ptr_array_index(db->features, db->features->len - 1);
    c = feature_order(prev, f);
    if (c == 0)
        return fail(error, w, "'%s' has the same bit as '%s'", f->name, prev->name);
    if (c > 0)
        return fail(error, w, "'%s' is out of libvirt's order (after '%s')",
                    f->name, prev->name);
    return TRUE;
}

static gboolean
index_names(VcX86FeatureDb *db, VcX86Feature *f, const Where *w, GError **error)
{
    GStrv lists[] = { f->qemu_aliases, f->linux_aliases };

    if (!add_name(db, f->name, f, w, error))
        return FALSE;
    for (gsize l = 0; l < G_N_ELEMENTS(lists); l++)
        for (gsize i = 0; lists[l] && lists[l][i]; i++)
            if (!add_name(db, lists[l][i], f, w, error))
                return FALSE;
    return TRUE;
}

static gboolean
parse_features(VcX86FeatureDb *db, json_object *arr, const char *source,
               GError **error)
{
    Where w = { source, "features", 0 };

    for (w.idx = 0; w.idx < json_object_array_length(arr); w.idx++) {
        VcX86Feature *f = parse_feature(json_object_array_get_idx(arr, w.idx), &w, error);

        if (!f)
            return FALSE;
        if (!check_order(db, f, &w, error)) {
            feature_free(f);
            return FALSE;
        }
        if (db->features->len >= VC_X86_FEATURES_MAX) {
            feature_free(f);
            return fail(error, &w, "more than %d features", VC_X86_FEATURES_MAX);
        }
        f->index = db->features->len;
        g_ptr_array_add(db->features, f);   /* owned from here on */
        if (!index_names(db, f, &w, error))
            return FALSE;
    }
    return TRUE;
}

/* ---- vendors and filters ---- */

static gboolean
parse_vendors(VcX86FeatureDb *db, json_object *arr, const char *source,
              GError **error)
{
    Where w = { source, "vendors", 0 };

    for (w.idx = 0; w.idx < json_object_array_length(arr); w.idx++) {
        json_object *o = json_object_array_get_idx(arr, w.idx);
        const char *name = get_string(o, "name");
        const char *string = get_string(o, "string");
        VcX86Vendor *v;

        if (!name || !string || strlen(string) != 12)
            return fail(error, &w, "needs \"name\" and a 12-character \"string\"");
        v = g_new0(VcX86Vendor, 1);
        v->name = g_strdup(name);
        memcpy(v->string, string, 12);
        g_ptr_array_add(db->vendors, v);
    }
    return TRUE;
}

static gboolean
parse_filter_drop(VcX86FeatureDb *db, json_object *o, VcX86Filter *f,
                  const Where *w, GError **error)
{
    g_auto(GStrv) names = get_strv(o, "drop");

    if (!names || !names[0])
        return fail(error, w, "needs a non-empty \"drop\" list");
    for (gsize i = 0; names[i]; i++) {
        const VcX86Feature *feat = vc_x86_feature_db_find(db, names[i]);
        if (!feat)
            return fail(error, w, "unknown feature '%s'", names[i]);
        g_ptr_array_add(f->drop, (gpointer)feat);
    }
    return TRUE;
}

static gboolean
parse_filters(VcX86FeatureDb *db, json_object *arr, const char *source,
              GError **error)
{
    Where w = { source, "filters", 0 };

    for (w.idx = 0; w.idx < json_object_array_length(arr); w.idx++) {
        json_object *o = json_object_array_get_idx(arr, w.idx);
        VcX86Filter *f = g_new0(VcX86Filter, 1);
        guint64 family, model, below = G_MAXUINT;
        const char *vendor = get_string(o, "vendor");

        f->drop = g_ptr_array_new();
        g_ptr_array_add(db->filters, f);
        if (!vendor || !get_number(o, "family", G_MAXUINT, &family) ||
            !get_number(o, "model", G_MAXUINT, &model))
            return fail(error, &w, "needs \"vendor\", \"family\" and \"model\"");
        if (json_object_object_get_ex(o, "stepping_below", NULL) &&
            !get_number(o, "stepping_below", 16, &below))
            return fail(error, &w, "bad \"stepping_below\"");
        f->vendor = g_strdup(vendor);
        f->family = (guint)family;
        f->model = (guint)model;
        f->stepping_below = (guint)below;
        if (!parse_filter_drop(db, o, f, &w, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
parse_not_in_libvirt(VcX86FeatureDb *db, json_object *arr, const char *source,
                     GError **error)
{
    Where w = { source, "not_in_libvirt", 0 };

    for (w.idx = 0; w.idx < json_object_array_length(arr); w.idx++) {
        g_auto(GStrv) names = get_strv(json_object_array_get_idx(arr, w.idx), "names");

        if (!names || !names[0])
            return fail(error, &w, "needs a non-empty \"names\" list");
        for (gsize i = 0; names[i]; i++) {
            VcX86Feature *f = (VcX86Feature *)vc_x86_feature_db_find(db, names[i]);
            if (!f)
                return fail(error, &w, "unknown feature '%s'", names[i]);
            f->not_in_libvirt = TRUE;
        }
    }
    return TRUE;
}

/* ---- the file ---- */

static json_object *
get_array(json_object *root, const char *key, gboolean required,
          const char *source, GError **error)
{
    json_object *arr = NULL;

    if (!json_object_object_get_ex(root, key, &arr) && !required)
        return json_object_new_array();   /* the caller puts it */
    if (!arr || !json_object_is_type(arr, json_type_array)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: \"%s\" must be an array", source, key);
        return NULL;
    }
    return json_object_get(arr);
}

static gboolean
parse_db(VcX86FeatureDb *db, json_object *root, const char *source, GError **error)
{
    static const struct {
        const char *key;
        gboolean required;
        gboolean (*parse)(VcX86FeatureDb *, json_object *, const char *, GError **);
    } sections[] = {
        /* features first: filters refer to them */
        { "features", TRUE, parse_features },
        { "vendors", TRUE, parse_vendors },
        { "filters", FALSE, parse_filters },
        { "not_in_libvirt", FALSE, parse_not_in_libvirt },
    };

    if (!json_object_is_type(root, json_type_object)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: not a JSON object", source);
        return FALSE;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(sections); i++) {
        json_object *arr = get_array(root, sections[i].key, sections[i].required,
                                     source, error);
        gboolean ok = arr && sections[i].parse(db, arr, source, error);

        json_object_put(arr);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

VcX86FeatureDb *
vc_x86_feature_db_load(const char *path, GError **error)
{
    g_autoptr(VcX86FeatureDb) db = vc_x86_feature_db_new();
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    json_object *root;
    gboolean ok;

    /* built while loading, to refuse a name used twice */
    db->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    if (!g_file_get_contents(path, &text, NULL, &err)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s", err->message);
        return NULL;
    }
    if (!(root = json_tokener_parse(text))) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "%s: invalid JSON", path);
        return NULL;
    }
    ok = parse_db(db, root, path, error);
    json_object_put(root);
    return ok ? g_steal_pointer(&db) : NULL;
}

char *
vc_cpu_data_path(const char *name)
{
    const char *env = g_getenv("VIRTCAPS_DATA_DIR");
    char *path;

    if (env && *env)
        return g_build_filename(env, "cpu", name, NULL);
    path = g_build_filename(VC_CPU_SOURCE_DATA_DIR, name, NULL);
    if (g_file_test(path, G_FILE_TEST_EXISTS))
        return path;
    g_free(path);
    return g_build_filename(VC_CPU_INSTALLED_DATA_DIR, name, NULL);
}

/* Paired like vc_cpu_data_path(): the build directory's compiled file goes
 * with the source tree's JSON (ninja keeps it up to date). */
char *
vc_cpu_compiled_path(void)
{
    const char *env = g_getenv("VIRTCAPS_DATA_DIR");
    g_autofree char *path = NULL;

    if (env && *env)
        path = g_build_filename(env, "cpu", VC_X86_COMPILED_NAME, NULL);
    else if (g_file_test(VC_CPU_SOURCE_DATA_DIR, G_FILE_TEST_IS_DIR))
        path = g_build_filename(VC_CPU_BUILD_DATA_DIR, VC_X86_COMPILED_NAME, NULL);
    else
        path = g_build_filename(VC_CPU_INSTALLED_DATA_DIR, VC_X86_COMPILED_NAME, NULL);
    return g_file_test(path, G_FILE_TEST_EXISTS) ? g_steal_pointer(&path) : NULL;
}

/* The compiled file, refused when a JSON file beside it has changed since it
 * was built (the JSON is the source of truth). */
static VcX86FeatureDb *
load_compiled(const char *path, GError **error)
{
    g_autoptr(VcX86FeatureDb) db = vc_x86_compiled_load(path, error);

    if (!db)
        return NULL;
    for (int s = 0; s < VC_X86_N_SOURCES; s++) {
        g_autofree char *json = vc_cpu_data_path(vc_x86_source_names[s]);

        if (!vc_x86_compiled_check_source(db, (VcX86Source)s, json, error))
            return NULL;
    }
    return g_steal_pointer(&db);
}

VcX86FeatureDb *
vc_x86_feature_db_load_default(GError **error)
{
    g_autofree char *compiled = vc_cpu_compiled_path();
    g_autofree char *path = NULL;

    if (compiled)
        return load_compiled(compiled, error);
    path = vc_cpu_data_path("x86-features.json");
    return vc_x86_feature_db_load(path, error);
}

static void
insert_new(GHashTable *table, const char *name, VcX86Feature *f)
{
    if (!g_hash_table_contains(table, name))
        g_hash_table_insert(table, (gpointer)name, f);
}

/* The name index of a compiled database: built on first use, as decoding a
 * host CPU never looks a name up.  Its names were checked unique when the
 * file was compiled (and the file's checksum was checked). */
static GHashTable *
names(const VcX86FeatureDb *db)
{
    VcX86FeatureDb *mut = (VcX86FeatureDb *)db;

    if (g_once_init_enter(&mut->by_name)) {
        GHashTable *table = g_hash_table_new(g_str_hash, g_str_equal);

        for (guint i = 0; i < db->features->len; i++) {
            VcX86Feature *f = g_ptr_array_index(db->features, i);

            insert_new(table, f->name, f);
            for (gsize a = 0; f->qemu_aliases && f->qemu_aliases[a]; a++)
                insert_new(table, f->qemu_aliases[a], f);
            for (gsize a = 0; f->linux_aliases && f->linux_aliases[a]; a++)
                insert_new(table, f->linux_aliases[a], f);
        }
        g_once_init_leave(&mut->by_name, table);
    }
    return mut->by_name;
}

const VcX86Feature *
vc_x86_feature_db_find(const VcX86FeatureDb *db, const char *name)
{
    return g_hash_table_lookup(names(db), name);
}

const VcX86Vendor *
vc_x86_feature_db_vendor(const VcX86FeatureDb *db, const char *string)
{
    for (guint i = 0; i < db->vendors->len; i++) {
        const VcX86Vendor *v = g_ptr_array_index(db->vendors, i);
        if (strncmp(v->string, string, 12) == 0)
            return v;
    }
    return NULL;
}

gboolean
vc_x86_feature_in_data(const VcX86Feature *f, const VcCpuidData *data)
{
    const VcCpuidLeaf *leaf;
    guint64 msr;

    if (f->kind == VC_X86_FEATURE_MSR)
        return vc_cpuid_data_get_msr(data, f->msr, &msr) && ((msr >> f->bit) & 1);
    if (!(leaf = vc_cpuid_data_get(data, f->leaf, f->subleaf)))
        return FALSE;
    {
        guint32 regs[] = { leaf->eax, leaf->ebx, leaf->ecx, leaf->edx };
        return (regs[f->reg] >> f->bit) & 1;
    }
}

void
vc_x86_set_minus(VcX86FeatureSet *out, const VcX86FeatureSet *a,
                 const VcX86FeatureSet *b)
{
    for (gsize i = 0; i < G_N_ELEMENTS(out->w); i++)
        out->w[i] = a->w[i] & ~b->w[i];
}

guint
vc_x86_set_count(const VcX86FeatureSet *s)
{
    guint n = 0;

    for (gsize i = 0; i < G_N_ELEMENTS(s->w); i++)
        n += (guint)__builtin_popcountll(s->w[i]);
    return n;
}

gboolean
vc_x86_set_is_empty(const VcX86FeatureSet *s)
{
    for (gsize i = 0; i < G_N_ELEMENTS(s->w); i++)
        if (s->w[i])
            return FALSE;
    return TRUE;
}

GPtrArray *
vc_x86_set_list(const VcX86FeatureSet *s, const VcX86FeatureDb *db)
{
    GPtrArray *out = g_ptr_array_new();

    for (guint i = 0; i < db->features->len; i++) {
        const VcX86Feature *f = g_ptr_array_index(db->features, i);
        if (vc_x86_set_has(s, f))
            g_ptr_array_add(out, (gpointer)f);
    }
    return out;
}
