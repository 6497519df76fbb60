/*
 * process.h - one QEMU process for probing, started as a direct child.
 *
 * The emulator runs with
 *   -S -no-user-config -nodefaults -nographic -machine none,accel=ACCEL
 *   -qmp unix:DIR/qmp.sock,server=on,wait=off
 * (libvirt's qemuProcessQMPLaunch, minus -daemonize and -pidfile: we are its
 * parent, so we know its pid and reap it ourselves with waitpid; a daemonized
 * QEMU is reaped by PID 1, late on some machines).  DIR is a private 0700
 * directory, the environment holds only PATH and LC_ALL=C, stdin and stdout
 * are /dev/null and stderr goes to DIR/stderr for error messages.
 *
 * Whatever happens, vc_qemu_process_stop() kills (SIGTERM, then SIGKILL),
 * reaps the child and removes DIR.  The child dies with the thread that
 * started it (PR_SET_PDEATHSIG), so a killed virtcaps leaves no QEMU behind;
 * start and stop a process from the same thread.
 */
#ifndef VC_QEMU_PROCESS_H
#define VC_QEMU_PROCESS_H

#include "qemu/qmp.h"

G_BEGIN_DECLS

typedef struct {
    VcQmpLimits limits;  /* limits.timeout_ms also bounds the wait for the socket */
    const char *tmpdir;  /* parent of the private directory; NULL: g_get_tmp_dir() */
} VcQemuProcessOptions;

typedef struct _VcQemuProcess VcQemuProcess;

/* Start binary with -machine none,accel=ACCEL, connect to its monitor and
 * read the greeting.  Errors are one line starting with the binary. */
VcQemuProcess *vc_qemu_process_start(const char *binary, const char *accel,
                                     const VcQemuProcessOptions *opts, GError **error);

VcQmpClient *vc_qemu_process_client(VcQemuProcess *proc);
const char *vc_qemu_process_binary(const VcQemuProcess *proc);

/* After a failed exchange: prefix error with the binary and the command and,
 * if the child has died, append how (exit status or signal, last stderr line). */
void vc_qemu_process_explain(VcQemuProcess *proc, const char *command, GError **error);

/* Kill, reap, clean up and free; NULL is accepted. */
void vc_qemu_process_stop(VcQemuProcess *proc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcQemuProcess, vc_qemu_process_stop)

G_END_DECLS

#endif /* VC_QEMU_PROCESS_H */
