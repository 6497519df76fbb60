/*
 * digest.c - the digest of a probe's facts (see digest.h).
 */
#include "qemu/digest.h"

#include <string.h>

#include "domcaps/flags.h"
#include "qemu/probe.h"
#include "qemu/qmp.h"

#define DIGEST_LOG_DOMAIN "virtcaps-cache"

/* Replies that only vc_qemu_flags_compute() reads (checked with grep over
 * src/: the QAPI schema, QOM types, QOM properties of every type (CPU
 * types' too: domcaps/cpu-x86.c reads the flag cpu-unavailable-features),
 * command-line options), and device properties, which nothing reads.
 * Anything else is kept, so a reply a new consumer
 * starts reading is never silently missing. */
static const char *const flag_only_replies[] = {
    "query-qmp-schema", "qom-list-types", "query-command-line-options",
};
static const char *const flag_only_prefixes[] = {
    "qom-list-properties:", "device-list-properties:",
};

gboolean
vc_qemu_digest_drops(const char *key)
{
    for (gsize i = 0; i < G_N_ELEMENTS(flag_only_replies); i++)
        if (strcmp(key, flag_only_replies[i]) == 0)
            return TRUE;
    for (gsize i = 0; i < G_N_ELEMENTS(flag_only_prefixes); i++)
        if (g_str_has_prefix(key, flag_only_prefixes[i]))
            return TRUE;
    return FALSE;
}

/* Members of a reply's array elements that are read (policy/guests.c,
 * domcaps/machines.c, domcaps/cpu-*.c); the rest are dropped.
 * query-machines is parsed on every warm `capabilities`, once per
 * emulator, and the members kept are about a third of its text;
 * query-cpu-definitions (the largest reply a warm `domcapabilities`
 * parses) loses a quarter.  A consumer that reads another member must
 * be added here: the guests and domcaps conformance suites fail until it
 * is. */
static const struct {
    const char *reply;
    const char *const members[6];
} slim_replies[] = {
    { "query-machines", { "name", "alias", "is-default", "cpu-max", "deprecated", NULL } },
    { "query-cpu-definitions", { "name", "unavailable-features", "deprecated", "alias-of", NULL } },
};

static gboolean
member_listed(const char *const *members, const char *name)
{
    for (; *members; members++)
        if (strcmp(*members, name) == 0)
            return TRUE;
    return FALSE;
}

/* A new array of list's elements, each with only the members listed. */
static json_object *
slim_array(json_object *list, const char *const *members)
{
    json_object *out = json_object_new_array();

    for (size_t e = 0; e < json_object_array_length(list); e++) {
        json_object *elem = json_object_array_get_idx(list, e), *slim;

        if (!json_object_is_type(elem, json_type_object)) {
            json_object_array_add(out, json_object_get(elem));
            continue;
        }
        slim = json_object_new_object();
        json_object_object_foreach(elem, name, value)
            if (member_listed(members, name))
                json_object_object_add(slim, name, json_object_get(value));
        json_object_array_add(out, slim);
    }
    return out;
}

/* reply ({"return": ...} or an error) as stored: a new reference, with
 * its return value's elements slimmed when it is one of slim_replies. */
json_object *
vc_qemu_digest_stored_reply(const char *key, json_object *reply)
{
    json_object *ret = json_object_object_get(reply, "return"), *out;

    for (gsize i = 0; i < G_N_ELEMENTS(slim_replies); i++) {
        if (strcmp(key, slim_replies[i].reply) != 0 || !json_object_is_type(ret, json_type_array))
            continue;
        out = json_object_new_object();
        json_object_object_foreach(reply, name, value)
            json_object_object_add(out, name, strcmp(name, "return") == 0
                                   ? slim_array(value, slim_replies[i].members)
                                   : json_object_get(value));
        return out;
    }
    return json_object_get(reply);
}

static GVariant *
bytestring(const char *s)
{
    return g_variant_new_bytestring(s ? s : "");
}

static const char *
session_accel(json_object *session)
{
    json_object *accel = json_object_object_get(session, "accel");

    return json_object_is_type(accel, json_type_string) ? json_object_get_string(accel) : "";
}

static GVariant *
serialize_session(json_object *session)
{
    json_object *replies = json_object_object_get(session, "replies");
    GVariantBuilder b;

    g_variant_builder_init(&b, G_VARIANT_TYPE("a(say)"));
    if (json_object_is_type(replies, json_type_object)) {
        json_object_object_foreach(replies, key, reply) {
            g_autoptr(VcJson) stored = NULL;

            if (vc_qemu_digest_drops(key))
                continue;
            stored = vc_qemu_digest_stored_reply(key, reply);
            /* NOSLASHESCAPE: the text parses back to the same value */
            g_variant_builder_add_value(&b, g_variant_new("(s@ay)", key, bytestring(
                json_object_to_json_string_ext(stored, JSON_C_TO_STRING_PLAIN |
                                               JSON_C_TO_STRING_NOSLASHESCAPE))));
        }
    }
    return g_variant_new("(s@a(say))", session_accel(session), g_variant_builder_end(&b));
}

GVariant *
vc_qemu_digest_serialize(json_object *facts)
{
    GVariantBuilder flags, sessions;
    VcQemuFlags set;

    vc_qemu_flags_compute(facts, &set);
    g_variant_builder_init(&flags, G_VARIANT_TYPE_STRING_ARRAY);
    for (int f = 0; f < VC_QEMU_FLAG_LAST; f++)
        if (set.set[f])
            g_variant_builder_add(&flags, "s", vc_qemu_flag_name((VcQemuFlag)f));
    g_variant_builder_init(&sessions, G_VARIANT_TYPE("a(sa(say))"));
    for (guint s = 0; s < vc_qemu_facts_n_sessions(facts); s++)
        g_variant_builder_add_value(&sessions, serialize_session(json_object_array_get_idx(
                                        json_object_object_get(facts, "sessions"), s)));
    return g_variant_new("(u@as@a(sa(say)))", (guint32)VC_QEMU_DIGEST_FORMAT,
                         g_variant_builder_end(&flags), g_variant_builder_end(&sessions));
}

/* One session: the replies stay JSON text until read (digest.h).  Children
 * are taken one by one rather than through g_variant_iter_next()'s format
 * strings, which cost more than the rest of a warm run's cache read. */
static json_object *
deserialize_session(GVariant *session)
{
    g_autoptr(GVariant) accel = g_variant_get_child_value(session, 0);
    g_autoptr(GVariant) list = g_variant_get_child_value(session, 1);
    json_object *out = json_object_new_object();
    json_object *replies = json_object_new_object();
    gsize n = g_variant_n_children(list);

    json_object_object_add(out, "accel", json_object_new_string(g_variant_get_string(accel, NULL)));
    for (gsize i = 0; i < n; i++) {
        g_autoptr(GVariant) pair = g_variant_get_child_value(list, i);
        g_autoptr(GVariant) key = g_variant_get_child_value(pair, 0);
        g_autoptr(GVariant) text = g_variant_get_child_value(pair, 1);
        gsize len = 0;
        const char *s = g_variant_get_fixed_array(text, &len, 1);

        /* the bytestring's length includes its NUL */
        json_object_object_add(replies, g_variant_get_string(key, NULL),
                               json_object_new_string_len(s ? s : "", len ? (int)len - 1 : 0));
    }
    json_object_object_add(out, "replies", replies);
    return out;
}

json_object *
vc_qemu_digest_deserialize(GVariant *v, char **why)
{
    g_autoptr(GVariant) flags = NULL, sessions = NULL;
    json_object *digest, *names, *list;
    guint32 format = 0;
    g_autofree const char **flag_names = NULL;
    gsize n_flags = 0;
    GVariantIter it;
    GVariant *child;

    if (!g_variant_is_of_type(v, G_VARIANT_TYPE(VC_QEMU_DIGEST_TYPE))) {
        *why = g_strdup("not a virtcaps digest");
        return NULL;
    }
    g_variant_get_child(v, 0, "u", &format);
    if (format != VC_QEMU_DIGEST_FORMAT) {
        *why = g_strdup_printf("digest format %u, not %u", format, VC_QEMU_DIGEST_FORMAT);
        return NULL;
    }
    digest = json_object_new_object();
    json_object_object_add(digest, "digest", json_object_new_int(VC_QEMU_DIGEST_FORMAT));
    names = json_object_new_array();
    flags = g_variant_get_child_value(v, 1);
    /* one call, not an iteration over format strings (see above) */
    flag_names = g_variant_get_strv(flags, &n_flags);
    for (gsize i = 0; i < n_flags; i++)
        json_object_array_add(names, json_object_new_string(flag_names[i]));
    json_object_object_add(digest, "flags", names);
    list = json_object_new_array();
    sessions = g_variant_get_child_value(v, 2);
    g_variant_iter_init(&it, sessions);
    while ((child = g_variant_iter_next_value(&it))) {
        json_object_array_add(list, deserialize_session(child));
        g_variant_unref(child);
    }
    json_object_object_add(digest, "sessions", list);
    return digest;
}

json_object *
vc_qemu_digest_of_facts(json_object *facts)
{
    g_autoptr(GVariant) v = g_variant_ref_sink(vc_qemu_digest_serialize(facts));
    g_autofree char *why = NULL;
    json_object *digest = vc_qemu_digest_deserialize(v, &why);

    g_assert(digest != NULL);   /* we just built it */
    return digest;
}

gboolean
vc_qemu_is_digest(json_object *tree)
{
    return json_object_is_type(json_object_object_get(tree, "digest"), json_type_int);
}

json_object *
vc_qemu_digest_thaw(json_object *replies, const char *key, json_object *value)
{
    json_tokener *tok = json_tokener_new_ex(VC_QMP_DEFAULT_MAX_DEPTH + 8);
    const char *text = json_object_get_string(value);
    int len = json_object_get_string_len(value);
    json_object *parsed;
    gboolean whole;

    /* QEMU's strings reach XML, which must be UTF-8: a reply that is not
     * is refused here, where every path (live, replay, cache) passes.
     * GLib checks the bytes several times faster than the tokener's
     * JSON_TOKENER_VALIDATE_UTF8 (the same check: json-c decodes \u
     * escapes to valid UTF-8 either way). */
    parsed = g_utf8_validate_len(text, (gsize)len, NULL) ? json_tokener_parse_ex(tok, text, len)
                                                         : NULL;
    whole = json_tokener_get_error(tok) == json_tokener_success &&
        json_tokener_get_parse_end(tok) == (size_t)len;

    json_tokener_free(tok);
    if (!parsed || !whole) {
        g_log(DIGEST_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "digest reply %s: not JSON", key);
        json_object_put(parsed);
        return NULL;
    }
    json_object_object_add(replies, key, parsed);   /* frees the text */
    return parsed;
}

void
vc_qemu_digest_thaw_all(json_object *digest)
{
    for (guint s = 0; s < vc_qemu_facts_n_sessions(digest); s++) {
        json_object *session = json_object_array_get_idx(json_object_object_get(digest, "sessions"), s);
        json_object *replies = json_object_object_get(session, "replies");
        g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);

        /* collect first: thawing replaces values while we iterate */
        json_object_object_foreach(replies, key, value) {
            (void)value;
            g_ptr_array_add(keys, g_strdup(key));
        }
        for (guint i = 0; i < keys->len; i++)
            vc_qemu_facts_reply(digest, s, keys->pdata[i]);
    }
}
