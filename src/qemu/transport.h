/*
 * transport.h - where QMP sessions come from: a live QEMU or a transcript.
 *
 * The probe talks to a VcQemuSession and never knows which: a live session
 * is one QEMU process (process.h) and its monitor, a replayed session is the
 * next session of a .replies transcript (replies.h).  Both number commands
 * libvirt-1, libvirt-2, ... from the session's qmp_capabilities on, and both
 * can record every exchange in the .replies format.
 */
#ifndef VC_QEMU_TRANSPORT_H
#define VC_QEMU_TRANSPORT_H

#include "qemu/process.h"
#include "qemu/replies.h"

G_BEGIN_DECLS

typedef struct _VcQemuSource VcQemuSource;
typedef struct _VcQemuSession VcQemuSession;

/* Sessions are new processes of binary. */
VcQemuSource *vc_qemu_source_new_live(const char *binary, const VcQemuProcessOptions *opts);
/* Sessions are the sessions of replies, in order; replies must outlive the
 * source. */
VcQemuSource *vc_qemu_source_new_replay(const VcReplies *replies);
void vc_qemu_source_free(VcQemuSource *src);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcQemuSource, vc_qemu_source_free)

/* The binary or the transcript, as named by the caller. */
const char *vc_qemu_source_name(const VcQemuSource *src);
/* Append every later exchange to out, in the .replies format. */
void vc_qemu_source_set_record(VcQemuSource *src, GString *out);
/* The replay state of a replay source (for vc_replay_unused()), else NULL. */
const VcReplay *vc_qemu_source_replay(const VcQemuSource *src);

/* Open a session with the accelerator list accel ("kvm:tcg", "tcg") and
 * negotiate capabilities.  Errors are one line starting with the source name. */
VcQemuSession *vc_qemu_session_open(VcQemuSource *src, const char *accel, GError **error);

/* Run one command; args (borrowed) may be NULL.  *reply is the reply object,
 * {"return": ...} or {"error": {"class": ..., "desc": ...}}, without its id.
 * FALSE only when the session broke (the error names source and command). */
gboolean vc_qemu_session_run(VcQemuSession *s, const char *execute, json_object *args,
                             json_object **reply, GError **error);

/* End the session: the process is killed and reaped. */
void vc_qemu_session_close(VcQemuSession *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcQemuSession, vc_qemu_session_close)

G_END_DECLS

#endif /* VC_QEMU_TRANSPORT_H */
