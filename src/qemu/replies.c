/*
 * replies.c - parse, write and replay .replies transcripts (see replies.h).
 */
#include <limits.h>
#include <string.h>

#include "qemu/replies.h"

#define REPLAY_LOG_DOMAIN "virtcaps-replay"

struct _VcReplies {
    char *name;
    GPtrArray *sessions; /* of GPtrArray of VcRepliesPair */
    guint n_pairs;
};

static void
json_put(gpointer data)
{
    json_object_put(data);
}

static void
pair_free(gpointer data)
{
    VcRepliesPair *p = data;

    json_object_put(p->cmd);
    json_object_put(p->reply);
    g_free(p);
}

void
vc_replies_free(VcReplies *r)
{
    if (!r)
        return;
    g_ptr_array_unref(r->sessions);
    g_free(r->name);
    g_free(r);
}

static gboolean
only_space(const char *p, const char *end)
{
    for (; p < end; p++)
        if (!g_ascii_isspace(*p))
            return FALSE;
    return TRUE;
}

/* One object of the file: exactly one JSON object, nothing after it. */
static json_object *
parse_object(const char *text, gsize len, const char *name, guint line, GError **error)
{
    json_tokener *tok = json_tokener_new_ex(VC_QMP_DEFAULT_MAX_DEPTH);
    json_object *o = NULL;
    enum json_tokener_error jerr;
    const char *problem = NULL;

    /* Not strict: json-c then stops after the object, and text after it
     * gets the clearer message below. */
    if (len > INT_MAX) {
        problem = "object too large";
    } else {
        o = json_tokener_parse_ex(tok, text, (int)len);
        jerr = json_tokener_get_error(tok);
        if (jerr == json_tokener_continue)
            problem = "truncated JSON object";
        else if (jerr != json_tokener_success)
            problem = json_tokener_error_desc(jerr);
        else if (!only_space(text + json_tokener_get_parse_end(tok), text + len))
            problem = "text after the JSON object (objects must be separated by a blank line)";
        else if (!json_object_is_type(o, json_type_object))
            problem = "not a JSON object";
    }
    json_tokener_free(tok);
    if (problem) {
        json_object_put(o);
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_TRANSCRIPT, "%s:%u: invalid transcript: %s",
                    name, line, problem);
        return NULL;
    }
    return o;
}

static guint
count_lines(const char *p, const char *end)
{
    guint n = 0;

    for (; p < end; p++)
        n += *p == '\n';
    return n;
}

/* Split on blank lines; each object with the line it starts on. */
static gboolean
split_objects(const char *text, gsize len, const char *name, GPtrArray *objs, GArray *lines,
              GError **error)
{
    const char *p = text, *end = text + len;
    guint line = 1;

    if (len > 0 && end[-1] == '\n')
        end--;
    if (p == end) {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_TRANSCRIPT, "%s: empty transcript", name);
        return FALSE;
    }
    while (p < end) {
        const char *sep = memmem(p, (gsize)(end - p), "\n\n", 2);
        const char *stop = sep ? sep : end;
        json_object *o;

        if (*p == '\n' || (sep && sep + 2 == end)) {
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_TRANSCRIPT,
                        "%s:%u: invalid transcript: more than one blank line", name,
                        line + (*p == '\n' ? 0 : count_lines(p, stop) + 1));
            return FALSE;
        }
        if (!(o = parse_object(p, (gsize)(stop - p), name, line, error)))
            return FALSE;
        g_ptr_array_add(objs, o);
        g_array_append_val(lines, line);
        line += count_lines(p, stop) + 2;
        p = sep ? sep + 2 : end;
    }
    return TRUE;
}

static const char *
member_string(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static const char *
check_pair(json_object *cmd, json_object *reply)
{
    gboolean has_return = json_object_object_get_ex(reply, "return", NULL);
    gboolean has_error = json_object_object_get_ex(reply, "error", NULL);

    if (!member_string(cmd, "execute"))
        return "a command without \"execute\" where a command was expected";
    if (has_return == has_error)
        return "the object after a command is not a reply";
    if (g_strcmp0(member_string(cmd, "id"), member_string(reply, "id")) != 0)
        return "the reply's id differs from the command's";
    return NULL;
}

/* Group the alternating objects into pairs, a new session at each
 * qmp_capabilities. */
static gboolean
build_sessions(VcReplies *r, GPtrArray *objs, GArray *lines, GError **error)
{
    GPtrArray *session = NULL;

    for (guint i = 0; i < objs->len; i += 2) {
        guint line = g_array_index(lines, guint, i);
        const char *problem = NULL;
        VcRepliesPair *pair;

        if (i + 1 == objs->len)
            problem = "a command without a reply";
        else if (!(problem = check_pair(objs->pdata[i], objs->pdata[i + 1])) && !session &&
                 g_strcmp0(member_string(objs->pdata[i], "execute"), "qmp_capabilities") != 0)
            problem = "the transcript does not start with qmp_capabilities";
        if (problem) {
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_TRANSCRIPT,
                        "%s:%u: invalid transcript: %s", r->name, line, problem);
            return FALSE;
        }
        if (g_strcmp0(member_string(objs->pdata[i], "execute"), "qmp_capabilities") == 0) {
            session = g_ptr_array_new_with_free_func(pair_free);
            g_ptr_array_add(r->sessions, session);
        }
        pair = g_new0(VcRepliesPair, 1);
        pair->cmd = json_object_get(objs->pdata[i]);
        pair->reply = json_object_get(objs->pdata[i + 1]);
        pair->line = line;
        g_ptr_array_add(session, pair);
        r->n_pairs++;
    }
    return TRUE;
}

VcReplies *
vc_replies_parse(const char *text, gsize len, const char *name, GError **error)
{
    g_autoptr(VcReplies) r = g_new0(VcReplies, 1);
    g_autoptr(GPtrArray) objs = g_ptr_array_new_with_free_func(json_put);
    g_autoptr(GArray) lines = g_array_new(FALSE, FALSE, sizeof(guint));

    r->name = g_strdup(name);
    r->sessions = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    if (!split_objects(text, len, name, objs, lines, error) ||
        !build_sessions(r, objs, lines, error))
        return NULL;
    return g_steal_pointer(&r);
}

VcReplies *
vc_replies_load(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &text, &len, &err)) {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_TRANSCRIPT, "%s", err->message);
        return NULL;
    }
    return vc_replies_parse(text, len, path, error);
}

const char *
vc_replies_name(const VcReplies *r)
{
    return r->name;
}

guint
vc_replies_n_sessions(const VcReplies *r)
{
    return r->sessions->len;
}

guint
vc_replies_n_pairs(const VcReplies *r)
{
    return r->n_pairs;
}

const GPtrArray *
vc_replies_session(const VcReplies *r, guint i)
{
    g_return_val_if_fail(i < r->sessions->len, NULL);
    return r->sessions->pdata[i];
}

/* json-c's pretty printer writes {} and [] as a bracket, a newline, the
 * indent and the closing bracket; libvirt writes "{}" and "[]".  A raw
 * newline never occurs inside a string (json-c escapes it), so a bracket
 * followed by newline, spaces and the matching closer is an empty container. */
static void
append_pretty(GString *out, json_object *o)
{
    const char *s = json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);

    for (const char *p = s; *p; p++) {
        g_string_append_c(out, *p);
        if ((*p == '{' || *p == '[') && p[1] == '\n') {
            const char *q = p + 2;

            while (*q == ' ')
                q++;
            if (*q == (*p == '{' ? '}' : ']')) {
                g_string_append_c(out, *q);
                p = q;
            }
        }
    }
}

void
vc_replies_append(GString *out, json_object *cmd, json_object *reply)
{
    if (out->len > 0)
        g_string_append_c(out, '\n');
    append_pretty(out, cmd);
    g_string_append(out, "\n\n");
    append_pretty(out, reply);
    g_string_append_c(out, '\n');
}

char *
vc_replies_format(const VcReplies *r)
{
    GString *out = g_string_new(NULL);

    for (guint s = 0; s < r->sessions->len; s++) {
        const GPtrArray *pairs = r->sessions->pdata[s];

        for (guint i = 0; i < pairs->len; i++) {
            const VcRepliesPair *p = pairs->pdata[i];

            vc_replies_append(out, p->cmd, p->reply);
        }
    }
    return g_string_free(out, FALSE);
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_object *
sorted_copy(json_object *v)
{
    json_object *out;

    if (json_object_is_type(v, json_type_array)) {
        out = json_object_new_array();
        for (size_t i = 0; i < json_object_array_length(v); i++)
            json_object_array_add(out, sorted_copy(json_object_array_get_idx(v, i)));
        return out;
    }
    if (!json_object_is_type(v, json_type_object))
        return json_object_get(v);
    {
        g_autoptr(GPtrArray) keys = g_ptr_array_new();

        json_object_object_foreach(v, key, val) {
            (void)val;
            g_ptr_array_add(keys, key);
        }
        g_ptr_array_sort(keys, compare_strings);
        out = json_object_new_object();
        for (guint i = 0; i < keys->len; i++)
            json_object_object_add(out, keys->pdata[i],
                                   sorted_copy(json_object_object_get(v, keys->pdata[i])));
    }
    return out;
}

char *
vc_json_canonical(json_object *value)
{
    json_object *copy = sorted_copy(value);
    char *s = g_strdup(json_object_to_json_string_ext(
        copy, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

    json_object_put(copy);
    return s;
}

/* Replay ------------------------------------------------------------------ */

struct _VcReplay {
    const VcReplies *replies;
    int session;        /* index of the current session, -1 before the first */
    GHashTable *index;  /* match key -> GQueue of unused pairs, current session */
    GHashTable *used;   /* set of answered pairs */
};

/* Commands match on execute and arguments; absent arguments equal {}. */
static char *
match_key(json_object *cmd)
{
    json_object *args = NULL;
    g_autofree char *canon = NULL;

    if (json_object_object_get_ex(cmd, "arguments", &args) && args)
        canon = vc_json_canonical(args);
    return g_strconcat(member_string(cmd, "execute") ? member_string(cmd, "execute") : "", " ",
                       canon && strcmp(canon, "{}") != 0 ? canon : "", NULL);
}

VcReplay *
vc_replay_new(const VcReplies *replies)
{
    VcReplay *rp = g_new0(VcReplay, 1);

    rp->replies = replies;
    rp->session = -1;
    rp->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_queue_free);
    rp->used = g_hash_table_new(NULL, NULL);
    return rp;
}

void
vc_replay_free(VcReplay *rp)
{
    if (!rp)
        return;
    g_hash_table_unref(rp->index);
    g_hash_table_unref(rp->used);
    g_free(rp);
}

gboolean
vc_replay_next_session(VcReplay *rp, GError **error)
{
    const GPtrArray *pairs;

    if ((guint)(rp->session + 1) >= vc_replies_n_sessions(rp->replies)) {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_TRANSCRIPT,
                    "%s: the transcript has no session %d (it holds %u)", rp->replies->name,
                    rp->session + 2, vc_replies_n_sessions(rp->replies));
        return FALSE;
    }
    rp->session++;
    g_hash_table_remove_all(rp->index);
    pairs = vc_replies_session(rp->replies, (guint)rp->session);
    for (guint i = 0; i < pairs->len; i++) {
        VcRepliesPair *p = pairs->pdata[i];
        char *key = match_key(p->cmd);
        GQueue *q = g_hash_table_lookup(rp->index, key);

        if (!q) {
            q = g_queue_new();
            g_hash_table_insert(rp->index, key, q);
        } else {
            g_free(key);
        }
        g_queue_push_tail(q, p);
    }
    return TRUE;
}

static json_object *
command_not_found(const char *execute)
{
    json_object *reply = json_object_new_object();
    json_object *err = json_object_new_object();
    g_autofree char *desc = g_strdup_printf("The command %s has not been found", execute);

    json_object_object_add(err, "class", json_object_new_string("CommandNotFound"));
    json_object_object_add(err, "desc", json_object_new_string(desc));
    json_object_object_add(reply, "error", err);
    return reply;
}

json_object *
vc_replay_answer(VcReplay *rp, json_object *cmd)
{
    g_autofree char *key = match_key(cmd);
    GQueue *q = rp->session >= 0 ? g_hash_table_lookup(rp->index, key) : NULL;
    VcRepliesPair *p = q ? g_queue_pop_head(q) : NULL;
    json_object *reply = NULL;
    json_object *id = NULL;

    if (p) {
        g_hash_table_add(rp->used, p);
        json_object_deep_copy(p->reply, &reply, NULL);
    } else {
        g_log(REPLAY_LOG_DOMAIN, G_LOG_LEVEL_DEBUG,
              "%s: session %d holds no (more) answers to %s; replying CommandNotFound",
              rp->replies->name, rp->session + 1, key);
        reply = command_not_found(member_string(cmd, "execute"));
    }
    /* The caller's id, in the recorded reply's position. */
    if (json_object_object_get_ex(cmd, "id", &id))
        json_object_object_add(reply, "id", json_object_get(id));
    else
        json_object_object_del(reply, "id");
    return reply;
}

guint
vc_replay_unused(const VcReplay *rp, GString *report)
{
    guint unused = 0;

    for (guint s = 0; s < vc_replies_n_sessions(rp->replies); s++) {
        const GPtrArray *pairs = vc_replies_session(rp->replies, s);

        for (guint i = 0; i < pairs->len; i++) {
            VcRepliesPair *p = pairs->pdata[i];
            g_autofree char *key = NULL;

            if (g_hash_table_contains(rp->used, p))
                continue;
            if (report && unused < 5) {
                key = match_key(p->cmd);
                g_string_append_printf(report, "%s:%u: %s\n", rp->replies->name, p->line, key);
            }
            unused++;
        }
    }
    return unused;
}
