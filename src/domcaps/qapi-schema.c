/*
 * qapi-schema.c - libvirt's QAPI schema queries (qemu_qapi.c semantics).
 *
 * A query is "entry/step/step...": the first component names a schema entry
 * (a command), each step moves into the type it selects: a command's
 * "arg-type"/"ret-type", an object's member ("*m": an optional one), a
 * union's variant ("+v"); arrays are flattened and alternates tried member
 * by member.  A final "^v" asks for an enum value, "$f" for a feature, "!t"
 * for a builtin's JSON type.
 */
#include <string.h>

#include "domcaps/flags.h"

struct _VcQapiSchema {
    GHashTable *entries;   /* name -> entry (borrowed from the reply) */
};

typedef struct {
    const VcQapiSchema *schema;
    char **steps;
    guint next;
    guint depth;
} Walk;

static gboolean walk_type(Walk *w, const char *name);

VcQapiSchema *
vc_qapi_schema_new(json_object *schema_return)
{
    VcQapiSchema *s = g_new0(VcQapiSchema, 1);

    s->entries = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; json_object_is_type(schema_return, json_type_array) &&
         i < json_object_array_length(schema_return); i++) {
        json_object *entry = json_object_array_get_idx(schema_return, i);
        json_object *name = json_object_object_get(entry, "name");

        if (json_object_is_type(name, json_type_string))
            g_hash_table_insert(s->entries, (gpointer)json_object_get_string(name), entry);
    }
    return s;
}

void
vc_qapi_schema_free(VcQapiSchema *schema)
{
    if (!schema)
        return;
    g_hash_table_unref(schema->entries);
    g_free(schema);
}

static const char *
str_member(json_object *obj, const char *key)
{
    json_object *v = json_object_object_get(obj, key);

    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* The element of array member field whose member key is value. */
static json_object *
find_named(json_object *entry, const char *field, const char *key, const char *value)
{
    json_object *arr = json_object_object_get(entry, field);

    for (size_t i = 0; json_object_is_type(arr, json_type_array) &&
         i < json_object_array_length(arr); i++) {
        json_object *el = json_object_array_get_idx(arr, i);

        if (g_strcmp0(str_member(el, key), value) == 0)
            return el;
    }
    return NULL;
}

static gboolean
has_feature(json_object *entry, const char *feature)
{
    json_object *arr = json_object_object_get(entry, "features");

    for (size_t i = 0; json_object_is_type(arr, json_type_array) &&
         i < json_object_array_length(arr); i++) {
        json_object *f = json_object_array_get_idx(arr, i);

        if (json_object_is_type(f, json_type_string) && strcmp(json_object_get_string(f), feature) == 0)
            return TRUE;
    }
    return FALSE;
}

static const char *
next_step(Walk *w)
{
    return w->steps[w->next++];
}

static gboolean
more_steps(const Walk *w)
{
    return w->steps[w->next] != NULL;
}

/* A step's modifier character, or 0 for a plain name. */
static char
modifier(const char **step)
{
    char m = **step;

    if (g_ascii_isalpha(m))
        return 0;
    (*step)++;
    return m;
}

static gboolean
walk_object(Walk *w, json_object *entry)
{
    const char *step = next_step(w);
    char m = modifier(&step);
    json_object *sel;

    if (m == '^' || m == '!')
        return FALSE;
    if (m == '$')
        return !more_steps(w) && has_feature(entry, step);
    if (m == '+')
        sel = find_named(entry, "variants", "case", step);
    else
        sel = find_named(entry, "members", "name", step);
    if (!sel || (m == '*' && !json_object_object_get_ex(sel, "default", NULL)))
        return FALSE;
    return walk_type(w, str_member(sel, "type"));
}

static gboolean
walk_command(Walk *w, json_object *entry)
{
    const char *step = next_step(w);
    char m = modifier(&step);

    if (m == '$')
        return !more_steps(w) && has_feature(entry, step);
    if (m)
        return FALSE;
    return walk_type(w, str_member(entry, step));
}

static gboolean
enum_has(json_object *entry, const char *value, const char *feature)
{
    json_object *member = find_named(entry, "members", "name", value);
    json_object *values = json_object_object_get(entry, "values");

    if (json_object_object_get_ex(entry, "members", NULL))   /* QEMU >= 6.2 */
        return member && (!feature || has_feature(member, feature));
    if (feature)
        return FALSE;
    for (size_t i = 0; json_object_is_type(values, json_type_array) &&
         i < json_object_array_length(values); i++) {
        json_object *v = json_object_array_get_idx(values, i);

        if (json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), value) == 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean
walk_enum(Walk *w, json_object *entry)
{
    const char *step = next_step(w);
    const char *feature = NULL;

    if (step[0] != '^')
        return FALSE;
    if (more_steps(w)) {
        feature = next_step(w);
        if (feature[0] != '$' || more_steps(w))
            return FALSE;
        feature++;
    }
    return enum_has(entry, step + 1, feature);
}

static gboolean
walk_builtin(Walk *w, json_object *entry)
{
    const char *step = next_step(w);

    return step[0] == '!' && !more_steps(w) && g_strcmp0(str_member(entry, "json-type"), step + 1) == 0;
}

static gboolean
walk_alternate(Walk *w, json_object *entry)
{
    json_object *members = json_object_object_get(entry, "members");
    guint saved = w->next;

    for (size_t i = 0; json_object_is_type(members, json_type_array) &&
         i < json_object_array_length(members); i++) {
        w->next = saved;
        if (walk_type(w, str_member(json_object_array_get_idx(members, i), "type")))
            return TRUE;
    }
    return FALSE;
}

static gboolean
walk_type(Walk *w, const char *name)
{
    json_object *entry = name ? g_hash_table_lookup(w->schema->entries, name) : NULL;
    const char *meta;

    if (!entry || ++w->depth > 1000)   /* a loop in the schema */
        return FALSE;
    if (!more_steps(w))
        return TRUE;
    meta = str_member(entry, "meta-type");
    if (g_strcmp0(meta, "object") == 0)
        return walk_object(w, entry);
    if (g_strcmp0(meta, "array") == 0)
        return walk_type(w, str_member(entry, "element-type"));
    if (g_strcmp0(meta, "command") == 0 || g_strcmp0(meta, "event") == 0)
        return walk_command(w, entry);
    if (g_strcmp0(meta, "enum") == 0)
        return walk_enum(w, entry);
    if (g_strcmp0(meta, "builtin") == 0)
        return walk_builtin(w, entry);
    if (g_strcmp0(meta, "alternate") == 0)
        return walk_alternate(w, entry);
    return FALSE;
}

gboolean
vc_qapi_schema_query(const VcQapiSchema *schema, const char *query)
{
    g_auto(GStrv) steps = g_strsplit(query, "/", 0);
    Walk w = { schema, steps, 1, 0 };

    return steps[0] && walk_type(&w, steps[0]);
}
