/*
 * parallel.c - probe emulators in a bounded thread pool (see parallel.h).
 */
#include "qemu/parallel.h"

/* The facts of one job.  This is the one place that asks QEMU; the
 * persistent cache (qemu/cache.h) replaces the live branch. */
static json_object *
facts_for_job(const VcProbeJob *job, GError **error)
{
    VcQemuProbeOptions popts = { job->accel };
    g_autoptr(VcReplies) replies = NULL;
    g_autoptr(VcQemuSource) src = NULL;

    if (job->replay) {
        if (!(replies = vc_replies_load(job->replay, error)))
            return NULL;
        src = vc_qemu_source_new_replay(replies);
    } else {
        VcQemuProcessOptions lopts = {
            .limits.timeout_ms = job->timeout_ms ? job->timeout_ms : VC_QMP_DEFAULT_TIMEOUT_MS,
        };
        src = vc_qemu_source_new_live(job->binary, &lopts);
    }
    return vc_qemu_probe(src, &popts, error);
}

static void
run_job(gpointer data, gpointer user_data)
{
    VcProbeJob *job = data;

    (void)user_data;
    job->facts = facts_for_job(job, &job->error);
}

void
vc_qemu_probe_parallel(VcProbeJob *jobs, guint n_jobs, guint max_parallel)
{
    GThreadPool *pool;

    if (!max_parallel)
        max_parallel = g_get_num_processors();
    /* One job needs no thread. */
    if (n_jobs <= 1 || max_parallel <= 1) {
        for (guint i = 0; i < n_jobs; i++)
            run_job(&jobs[i], NULL);
        return;
    }
    pool = g_thread_pool_new(run_job, NULL, (gint)MIN(max_parallel, n_jobs), TRUE, NULL);
    for (guint i = 0; i < n_jobs; i++)
        g_thread_pool_push(pool, &jobs[i], NULL);
    g_thread_pool_free(pool, FALSE, TRUE);   /* waits for every job */
}

void
vc_probe_jobs_clear(VcProbeJob *jobs, guint n_jobs)
{
    for (guint i = 0; i < n_jobs; i++) {
        g_clear_pointer(&jobs[i].facts, json_object_put);
        g_clear_error(&jobs[i].error);
    }
}
