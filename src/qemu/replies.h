/*
 * replies.h - QMP transcripts in the .replies format of libvirt's test suite.
 *
 * A transcript is a sequence of pretty-printed JSON objects separated by
 * exactly one blank line, alternating command and reply; the ids restart at
 * libvirt-1 with every qmp_capabilities, which starts a new session (a new
 * QEMU process).  No greeting, no events.
 *
 * Replay answers a command by (execute, canonical arguments) within the
 * current session, first unused match first, with the reply's id rewritten to
 * the caller's; so the order of our queries need not be the recorded one.
 * A command that the session does not hold gets a CommandNotFound error
 * reply, as QEMU would answer an unknown command.
 */
#ifndef VC_QEMU_REPLIES_H
#define VC_QEMU_REPLIES_H

#include "qemu/qmp.h"

G_BEGIN_DECLS

typedef struct {
    json_object *cmd;
    json_object *reply;
    guint line;        /* line of the command in the file, for messages */
} VcRepliesPair;

typedef struct _VcReplies VcReplies;

/* Parse a transcript; errors are one line "NAME:LINE: problem". */
VcReplies *vc_replies_parse(const char *text, gsize len, const char *name, GError **error);
VcReplies *vc_replies_load(const char *path, GError **error);
void vc_replies_free(VcReplies *replies);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcReplies, vc_replies_free)

const char *vc_replies_name(const VcReplies *replies);
guint vc_replies_n_sessions(const VcReplies *replies);
guint vc_replies_n_pairs(const VcReplies *replies);
/* The pairs of session i (0-based), qmp_capabilities first. */
const GPtrArray *vc_replies_session(const VcReplies *replies, guint i);

/* Writing: append one command and its reply to out, in libvirt's layout
 * (2-space indent, "key": value, empty containers as {} and []). */
void vc_replies_append(GString *out, json_object *cmd, json_object *reply);
/* The whole transcript as text; byte-identical to a file written by libvirt. */
char *vc_replies_format(const VcReplies *replies);

/* Canonical compact JSON of a value: object members sorted by name, so that
 * equal arguments compare equal whatever their member order. */
char *vc_json_canonical(json_object *value);

/* Replay. */
typedef struct _VcReplay VcReplay;

VcReplay *vc_replay_new(const VcReplies *replies);
void vc_replay_free(VcReplay *replay);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcReplay, vc_replay_free)

/* Move to the next recorded session; fails when the transcript has no more. */
gboolean vc_replay_next_session(VcReplay *replay, GError **error);
/* The recorded reply to cmd (a new object carrying cmd's id). */
json_object *vc_replay_answer(VcReplay *replay, json_object *cmd);
/* Number of recorded pairs never answered; describes the first few in
 * report (may be NULL) as "NAME:LINE: EXECUTE ARGS" lines. */
guint vc_replay_unused(const VcReplay *replay, GString *report);

G_END_DECLS

#endif /* VC_QEMU_REPLIES_H */
