/*
 * qmp.h - a QMP client over one connected stream socket.
 *
 * Every exchange has a deadline (poll with a timeout, never a blocking read),
 * the byte stream is parsed incrementally with json_tokener (one JSON object
 * per message), one message is capped in size and nesting depth, and
 * asynchronous events are skipped.  Errors are one line and carry no prefix:
 * the caller (the process or transport layer) names the binary and command.
 */
#ifndef VC_QEMU_QMP_H
#define VC_QEMU_QMP_H

#include <glib.h>
#include <json-c/json.h>

G_BEGIN_DECLS

/* g_autoptr(VcJson) for json-c trees, under its own name so that this header
 * and src/format/hostcaps-json.h (which defines one for json_object) can be
 * included together. */
typedef json_object VcJson;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcJson, json_object_put)

#define VC_QEMU_ERROR (vc_qemu_error_quark())
GQuark vc_qemu_error_quark(void);

typedef enum {
    VC_QEMU_ERROR_IO,         /* the socket failed */
    VC_QEMU_ERROR_TIMEOUT,    /* an exchange exceeded its time limit */
    VC_QEMU_ERROR_EOF,        /* the peer closed the connection */
    VC_QEMU_ERROR_PROTOCOL,   /* invalid JSON, oversized message, wrong id, ... */
    VC_QEMU_ERROR_COMMAND,    /* QMP answered with an error reply */
    VC_QEMU_ERROR_PROCESS,    /* the emulator could not be started or died */
    VC_QEMU_ERROR_TRANSCRIPT, /* a .replies transcript is malformed or exhausted */
} VcQemuError;

#define VC_QMP_DEFAULT_TIMEOUT_MS 10000
#define VC_QMP_DEFAULT_MAX_MESSAGE (64u * 1024 * 1024)
#define VC_QMP_DEFAULT_MAX_DEPTH 64

typedef struct {
    guint timeout_ms;  /* limit of one exchange; 0 = VC_QMP_DEFAULT_TIMEOUT_MS */
    gsize max_message; /* bytes of one message; 0 = VC_QMP_DEFAULT_MAX_MESSAGE */
    int max_depth;     /* JSON nesting; 0 = VC_QMP_DEFAULT_MAX_DEPTH */
} VcQmpLimits;

typedef struct _VcQmpClient VcQmpClient;

/* Wrap a connected socket; the client owns fd from now on.  limits may be
 * NULL for the defaults. */
VcQmpClient *vc_qmp_client_new(int fd, const VcQmpLimits *limits);
void vc_qmp_client_free(VcQmpClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcQmpClient, vc_qmp_client_free)

/* Read the {"QMP": ...} greeting.  *greeting (may be NULL) gets a reference. */
gboolean vc_qmp_read_greeting(VcQmpClient *client, json_object **greeting, GError **error);

/* Send cmd (an object with "execute" and a string "id") and wait for the
 * reply with that id, skipping events.  *reply is the whole reply object
 * ({"return": ...} or {"error": ...}); an error reply is not a failure here:
 * FALSE means the connection is unusable (timeout, EOF, garbage, wrong id). */
gboolean vc_qmp_transact(VcQmpClient *client, json_object *cmd, json_object **reply,
                         GError **error);

/* Greeting plus qmp_capabilities, for callers that use vc_qmp_execute(). */
gboolean vc_qmp_handshake(VcQmpClient *client, GError **error);

/* Run one command with the client's own ids.  args_json is the JSON text of
 * the "arguments" object or NULL.  On success *ret gets the "return" value;
 * an error reply fails with VC_QEMU_ERROR_COMMAND and the message
 * "CLASS: desc" (see vc_qmp_error_class()). */
gboolean vc_qmp_execute(VcQmpClient *client, const char *name, const char *args_json,
                        json_object **ret, GError **error);

/* The QMP error class of an error reply ("GenericError" if absent). */
const char *vc_qmp_error_class(json_object *reply);
const char *vc_qmp_error_desc(json_object *reply);

G_END_DECLS

#endif /* VC_QEMU_QMP_H */
