/*
 * transport.c - live and replayed QMP sessions behind one interface.
 */
#include "qemu/transport.h"

#define TRANSPORT_LOG_DOMAIN "virtcaps-qemu"

typedef struct {
    gboolean (*open)(VcQemuSession *s, const char *accel, GError **error);
    /* cmd carries execute, arguments and id; *reply gets the reply with id. */
    gboolean (*exchange)(VcQemuSession *s, json_object *cmd, json_object **reply, GError **error);
    void (*close)(VcQemuSession *s);
} SourceOps;

struct _VcQemuSource {
    const SourceOps *ops;
    char *name;
    VcQemuProcessOptions popts; /* live */
    VcReplay *replay;           /* replay */
    GString *record;            /* not owned */
};

struct _VcQemuSession {
    VcQemuSource *src;
    VcQemuProcess *proc;        /* live */
    guint next_id;
    gint64 opened;              /* monotonic times, for the debug notes */
    gint64 negotiated;
};

/* Live: one process per session. */

static gboolean
live_open(VcQemuSession *s, const char *accel, GError **error)
{
    s->proc = vc_qemu_process_start(s->src->name, accel, &s->src->popts, error);
    return s->proc != NULL;
}

static gboolean
live_exchange(VcQemuSession *s, json_object *cmd, json_object **reply, GError **error)
{
    if (vc_qmp_transact(vc_qemu_process_client(s->proc), cmd, reply, error))
        return TRUE;
    vc_qemu_process_explain(s->proc, json_object_get_string(json_object_object_get(cmd, "execute")),
                            error);
    return FALSE;
}

static void
live_close(VcQemuSession *s)
{
    vc_qemu_process_stop(g_steal_pointer(&s->proc));
}

static const SourceOps live_ops = { live_open, live_exchange, live_close };

/* Replay: the transcript's sessions in order. */

static gboolean
replay_open(VcQemuSession *s, const char *accel, GError **error)
{
    (void)accel;
    return vc_replay_next_session(s->src->replay, error);
}

static gboolean
replay_exchange(VcQemuSession *s, json_object *cmd, json_object **reply, GError **error)
{
    (void)error;
    *reply = vc_replay_answer(s->src->replay, cmd);
    return TRUE;
}

static void
replay_close(VcQemuSession *s)
{
    (void)s;
}

static const SourceOps replay_ops = { replay_open, replay_exchange, replay_close };

VcQemuSource *
vc_qemu_source_new_live(const char *binary, const VcQemuProcessOptions *opts)
{
    VcQemuSource *src = g_new0(VcQemuSource, 1);

    src->ops = &live_ops;
    src->name = g_strdup(binary);
    if (opts)
        src->popts = *opts;
    return src;
}

VcQemuSource *
vc_qemu_source_new_replay(const VcReplies *replies)
{
    VcQemuSource *src = g_new0(VcQemuSource, 1);

    src->ops = &replay_ops;
    src->name = g_strdup(vc_replies_name(replies));
    src->replay = vc_replay_new(replies);
    return src;
}

void
vc_qemu_source_free(VcQemuSource *src)
{
    if (!src)
        return;
    vc_replay_free(src->replay);
    g_free(src->name);
    g_free(src);
}

const char *
vc_qemu_source_name(const VcQemuSource *src)
{
    return src->name;
}

void
vc_qemu_source_set_record(VcQemuSource *src, GString *out)
{
    src->record = out;
}

const VcReplay *
vc_qemu_source_replay(const VcQemuSource *src)
{
    return src->replay;
}

gboolean
vc_qemu_session_run(VcQemuSession *s, const char *execute, json_object *args,
                    json_object **reply, GError **error)
{
    g_autoptr(VcJson) cmd = json_object_new_object();
    g_autofree char *id = g_strdup_printf("libvirt-%u", s->next_id++);
    json_object *answer = NULL;
    gint64 start;

    /* Member order as libvirt writes it, so recordings read alike. */
    json_object_object_add(cmd, "execute", json_object_new_string(execute));
    if (args)
        json_object_object_add(cmd, "arguments", json_object_get(args));
    json_object_object_add(cmd, "id", json_object_new_string(id));
    start = g_get_monotonic_time();
    if (!s->src->ops->exchange(s, cmd, &answer, error))
        return FALSE;
    g_log(TRANSPORT_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s: %s: %.1f ms", s->src->name, execute,
          (g_get_monotonic_time() - start) / 1000.0);
    if (s->src->record)
        vc_replies_append(s->src->record, cmd, answer);
    json_object_object_del(answer, "id");
    *reply = answer;
    return TRUE;
}

VcQemuSession *
vc_qemu_session_open(VcQemuSource *src, const char *accel, GError **error)
{
    g_autoptr(VcQemuSession) s = g_new0(VcQemuSession, 1);
    g_autoptr(VcJson) reply = NULL;
    json_object *err = NULL;

    s->src = src;
    s->next_id = 1;
    s->opened = g_get_monotonic_time();
    if (!src->ops->open(s, accel, error) ||
        !vc_qemu_session_run(s, "qmp_capabilities", NULL, &reply, error))
        return NULL;
    s->negotiated = g_get_monotonic_time();
    g_log(TRANSPORT_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s: session accel=%s ready after %.1f ms",
          src->name, accel, (s->negotiated - s->opened) / 1000.0);
    if (json_object_object_get_ex(reply, "error", &err)) {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_COMMAND, "%s: qmp_capabilities: %s: %s",
                    src->name, vc_qmp_error_class(reply), vc_qmp_error_desc(reply));
        return NULL;
    }
    return g_steal_pointer(&s);
}

void
vc_qemu_session_close(VcQemuSession *s)
{
    gint64 closing = g_get_monotonic_time();

    if (!s)
        return;
    if (s->src)
        s->src->ops->close(s);
    if (s->negotiated)
        g_log(TRANSPORT_LOG_DOMAIN, G_LOG_LEVEL_DEBUG,
              "%s: %u commands in %.1f ms, closed in %.1f ms", s->src->name, s->next_id - 1,
              (closing - s->negotiated) / 1000.0, (g_get_monotonic_time() - closing) / 1000.0);
    g_free(s);
}
