/*
 * parallel.h - probe several emulators at once.
 *
 * Each job runs in a worker thread of its own for its whole life, so a live
 * QEMU is started and stopped on the same thread (process.h requires it);
 * at most as many jobs run at once as there are CPUs.  Results come back in
 * the order of the jobs, whatever order they finish in.
 */
#ifndef VC_QEMU_PARALLEL_H
#define VC_QEMU_PARALLEL_H

#include "qemu/cache.h"

G_BEGIN_DECLS

typedef struct {
    const char *binary;      /* a live emulator to run, or */
    const char *replay;      /* a .replies transcript to answer from */
    const char *accel;       /* first session's accelerators; NULL: kvm:tcg */
    guint timeout_ms;        /* live only; 0: the default */
    const char *cache_dir;   /* live only: the facts cache (NULL: default) */
    gboolean no_cache;       /* live only: always probe, never store */
    VcQemuKeyMemo *memo;     /* live only: cache key parts shared by the jobs; may be NULL */
    /* What the caller keeps of each emulator's digest, computed in the
     * job's thread: derive(digest), of type derived_type; for a live
     * emulator kept in the cache beside the digest as derived_name
     * (vc_qemu_derived_for_binary), so a warm run reads only that. */
    VcQemuDeriveFunc derive;
    const char *derived_name;
    const char *derived_type;
    /* results */
    GVariant *value;         /* owned: derive(digest); NULL on failure */
    GError *error;           /* one line naming the binary or file */
    GPtrArray *warnings;     /* owned; cache problems, one line each */
} VcProbeJob;

/* Run every job; max_parallel 0 means the number of CPUs. */
void vc_qemu_probe_parallel(VcProbeJob *jobs, guint n_jobs, guint max_parallel);
/* Free the results of the jobs. */
void vc_probe_jobs_clear(VcProbeJob *jobs, guint n_jobs);

G_END_DECLS

#endif
