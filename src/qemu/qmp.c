/*
 * qmp.c - QMP client: one JSON object per message, parsed incrementally.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu/qmp.h"

#define G_LOG_DOMAIN_QMP "virtcaps-qmp"

G_DEFINE_QUARK(vc-qemu-error-quark, vc_qemu_error)

struct _VcQmpClient {
    int fd;
    VcQmpLimits limits;
    json_tokener *tok;
    char buf[65536];
    gsize pos, len;    /* bytes of buf not yet fed to the tokener */
    gsize msg_bytes;   /* bytes fed into the message being parsed */
    guint64 next_id;
};

VcQmpClient *
vc_qmp_client_new(int fd, const VcQmpLimits *limits)
{
    VcQmpClient *c = g_new0(VcQmpClient, 1);

    c->fd = fd;
    if (limits)
        c->limits = *limits;
    if (!c->limits.timeout_ms)
        c->limits.timeout_ms = VC_QMP_DEFAULT_TIMEOUT_MS;
    if (!c->limits.max_message)
        c->limits.max_message = VC_QMP_DEFAULT_MAX_MESSAGE;
    if (c->limits.max_depth <= 0)
        c->limits.max_depth = VC_QMP_DEFAULT_MAX_DEPTH;
    /* Not JSON_TOKENER_STRICT: in strict mode json-c rejects a second
     * message in the same chunk instead of stopping after the first. */
    c->tok = json_tokener_new_ex(c->limits.max_depth);
    c->next_id = 1;
    return c;
}

void
vc_qmp_client_free(VcQmpClient *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    json_tokener_free(c->tok);
    g_free(c);
}

static gint64
deadline_after(const VcQmpClient *c)
{
    return g_get_monotonic_time() + (gint64)c->limits.timeout_ms * 1000;
}

/* Wait until fd is ready for events or the deadline passes. */
static gboolean
wait_fd(const VcQmpClient *c, short events, gint64 deadline, GError **error)
{
    for (;;) {
        struct pollfd p = { .fd = c->fd, .events = events };
        gint64 left = deadline - g_get_monotonic_time();
        int rc;

        if (left <= 0) {
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_TIMEOUT,
                        "no answer within %.1f s", c->limits.timeout_ms / 1000.0);
            return FALSE;
        }
        rc = poll(&p, 1, (int)((left + 999) / 1000));
        if (rc > 0)
            return TRUE;
        if (rc < 0 && errno != EINTR) {
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_IO, "poll failed: %s",
                        g_strerror(errno));
            return FALSE;
        }
    }
}

static gboolean
write_all(VcQmpClient *c, const char *data, gsize len, gint64 deadline, GError **error)
{
    while (len > 0) {
        /* MSG_NOSIGNAL: a dead peer is an error here, not a SIGPIPE. */
        ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n >= 0) {
            data += n;
            len -= (gsize)n;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!wait_fd(c, POLLOUT, deadline, error))
                return FALSE;
            continue;
        }
        g_set_error(error, VC_QEMU_ERROR,
                    errno == EPIPE || errno == ECONNRESET ? VC_QEMU_ERROR_EOF : VC_QEMU_ERROR_IO,
                    "cannot send: %s", g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

static gboolean
fill_buffer(VcQmpClient *c, gint64 deadline, GError **error)
{
    for (;;) {
        ssize_t n;

        /* A peer that never stops sending must not outlast the limit
         * either: the check in wait_fd alone runs only when the socket is
         * drained. */
        if (g_get_monotonic_time() >= deadline)
            return wait_fd(c, POLLIN, deadline, error);
        n = recv(c->fd, c->buf, sizeof(c->buf), MSG_DONTWAIT);

        if (n > 0) {
            c->pos = 0;
            c->len = (gsize)n;
            return TRUE;
        }
        if (n == 0) {
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_EOF, "connection closed by the peer");
            return FALSE;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            g_set_error(error, VC_QEMU_ERROR,
                        errno == ECONNRESET ? VC_QEMU_ERROR_EOF : VC_QEMU_ERROR_IO,
                        "cannot receive: %s", g_strerror(errno));
            return FALSE;
        }
        if (!wait_fd(c, POLLIN, deadline, error))
            return FALSE;
    }
}

/* Feed buffered bytes to the tokener; TRUE with *msg set once an object is
 * complete, TRUE with *msg NULL when more bytes are needed. */
static gboolean
feed_tokener(VcQmpClient *c, json_object **msg, GError **error)
{
    gsize avail = c->len - c->pos;
    json_object *o = json_tokener_parse_ex(c->tok, c->buf + c->pos, (int)avail);
    enum json_tokener_error jerr = json_tokener_get_error(c->tok);

    *msg = NULL;
    if (jerr == json_tokener_continue) {
        c->msg_bytes += avail;
        c->pos = c->len;
    } else if (jerr == json_tokener_success) {
        gsize used = json_tokener_get_parse_end(c->tok);

        c->pos += used;
        c->msg_bytes += used;
        json_tokener_reset(c->tok);
        if (!json_object_is_type(o, json_type_object)) {
            json_object_put(o);
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROTOCOL,
                        "received a JSON value that is not an object");
            return FALSE;
        }
        *msg = o;
    } else {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROTOCOL, "received invalid JSON (%s)",
                    json_tokener_error_desc(jerr));
        return FALSE;
    }
    if (c->msg_bytes > c->limits.max_message) {
        json_object_put(*msg);
        *msg = NULL;
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROTOCOL,
                    "received a message larger than %" G_GSIZE_FORMAT " bytes",
                    c->limits.max_message);
        return FALSE;
    }
    return TRUE;
}

static gboolean
read_message(VcQmpClient *c, gint64 deadline, json_object **msg, GError **error)
{
    c->msg_bytes = 0;
    for (;;) {
        if (c->pos < c->len) {
            if (!feed_tokener(c, msg, error))
                return FALSE;
            if (*msg)
                return TRUE;
        }
        if (!fill_buffer(c, deadline, error))
            return FALSE;
    }
}

gboolean
vc_qmp_read_greeting(VcQmpClient *c, json_object **greeting, GError **error)
{
    json_object *msg = NULL;

    if (!read_message(c, deadline_after(c), &msg, error)) {
        g_prefix_error(error, "waiting for the QMP greeting: ");
        return FALSE;
    }
    if (!json_object_object_get_ex(msg, "QMP", NULL)) {
        json_object_put(msg);
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROTOCOL,
                    "the first message is not a QMP greeting");
        return FALSE;
    }
    if (greeting)
        *greeting = msg;
    else
        json_object_put(msg);
    return TRUE;
}

static const char *
string_member(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* A reply is ours if its id is ours; QEMU omits the id only when it could
 * not parse the command, and we never have two commands in flight. */
static gboolean
check_reply(json_object *msg, const char *id, GError **error)
{
    json_object *idv = NULL;
    gboolean has_id = json_object_object_get_ex(msg, "id", &idv);
    gboolean has_return = json_object_object_get_ex(msg, "return", NULL);
    gboolean has_error = json_object_object_get_ex(msg, "error", NULL);

    if (has_id && g_strcmp0(string_member(msg, "id"), id) != 0) {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROTOCOL,
                    "received a reply with id %s, expected \"%s\"",
                    json_object_to_json_string_ext(idv, JSON_C_TO_STRING_PLAIN), id);
        return FALSE;
    }
    if (has_return == has_error || (!has_id && !has_error)) {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROTOCOL,
                    "received a message that is neither a reply nor an event");
        return FALSE;
    }
    return TRUE;
}

gboolean
vc_qmp_transact(VcQmpClient *c, json_object *cmd, json_object **reply, GError **error)
{
    gint64 deadline = deadline_after(c);
    const char *id = string_member(cmd, "id");
    g_autofree char *line = NULL;

    g_return_val_if_fail(id != NULL, FALSE);
    line = g_strconcat(json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN), "\n", NULL);
    if (!write_all(c, line, strlen(line), deadline, error))
        return FALSE;
    for (;;) {
        json_object *msg = NULL;

        if (!read_message(c, deadline, &msg, error))
            return FALSE;
        if (json_object_object_get_ex(msg, "event", NULL)) {
            g_log(G_LOG_DOMAIN_QMP, G_LOG_LEVEL_DEBUG, "skipping event %s", string_member(msg, "event"));
            json_object_put(msg);
            continue;
        }
        if (!check_reply(msg, id, error)) {
            json_object_put(msg);
            return FALSE;
        }
        *reply = msg;
        return TRUE;
    }
}

static json_object *
reply_error(json_object *reply)
{
    json_object *err = NULL;

    if (!json_object_object_get_ex(reply, "error", &err) || !json_object_is_type(err, json_type_object))
        return NULL;
    return err;
}

const char *
vc_qmp_error_class(json_object *reply)
{
    const char *cls = string_member(reply_error(reply), "class");

    return cls ? cls : "GenericError";
}

const char *
vc_qmp_error_desc(json_object *reply)
{
    const char *desc = string_member(reply_error(reply), "desc");

    return desc ? desc : "(no description)";
}

gboolean
vc_qmp_execute(VcQmpClient *c, const char *name, const char *args_json, json_object **ret,
               GError **error)
{
    g_autoptr(VcJson) cmd = json_object_new_object();
    g_autoptr(VcJson) reply = NULL;
    g_autofree char *id = g_strdup_printf("virtcaps-%" G_GUINT64_FORMAT, c->next_id++);
    json_object *value = NULL;

    json_object_object_add(cmd, "execute", json_object_new_string(name));
    if (args_json) {
        json_object *args = json_tokener_parse(args_json);

        if (!json_object_is_type(args, json_type_object)) {
            json_object_put(args);
            g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_PROTOCOL,
                        "%s: arguments are not a JSON object", name);
            return FALSE;
        }
        json_object_object_add(cmd, "arguments", args);
    }
    json_object_object_add(cmd, "id", json_object_new_string(id));
    if (!vc_qmp_transact(c, cmd, &reply, error))
        return FALSE;
    if (reply_error(reply) || !json_object_object_get_ex(reply, "return", &value)) {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_COMMAND, "%s: %s",
                    vc_qmp_error_class(reply), vc_qmp_error_desc(reply));
        return FALSE;
    }
    if (ret)
        *ret = json_object_get(value);
    return TRUE;
}

gboolean
vc_qmp_handshake(VcQmpClient *c, GError **error)
{
    g_autoptr(VcJson) ret = NULL;

    if (!vc_qmp_read_greeting(c, NULL, error))
        return FALSE;
    if (!vc_qmp_execute(c, "qmp_capabilities", NULL, &ret, error)) {
        g_prefix_error(error, "qmp_capabilities: ");
        return FALSE;
    }
    return TRUE;
}
