/*
 * parallel.c - probe emulators in a bounded thread pool (see parallel.h).
 */
#include "qemu/parallel.h"
#include "qemu/digest.h"

/* What the job keeps of its emulator.  A transcript is probed and digested
 * in memory; a live emulator goes through the cache, which probes only when
 * its key has changed and keeps the derived value beside the digest. */
static GVariant *
value_for_job(VcProbeJob *job, GError **error)
{
    VcQemuProbeOptions popts = { job->accel };
    g_autoptr(VcReplies) replies = NULL;
    g_autoptr(VcQemuSource) src = NULL;
    g_autoptr(VcJson) facts = NULL, digest = NULL;
    VcQemuCacheOptions copts = { .cache_dir = job->cache_dir, .no_cache = job->no_cache,
                                 .timeout_ms = job->timeout_ms, .accel = job->accel,
                                 .memo = job->memo };

    if (!job->replay) {
        job->warnings = g_ptr_array_new_with_free_func(g_free);
        copts.warnings = job->warnings;
        return vc_qemu_derived_for_binary(job->binary, &copts, job->derived_name,
                                          G_VARIANT_TYPE(job->derived_type), job->derive,
                                          error);
    }
    if (!(replies = vc_replies_load(job->replay, error)))
        return NULL;
    src = vc_qemu_source_new_replay(replies);
    if (!(facts = vc_qemu_probe(src, &popts, error)))
        return NULL;
    digest = vc_qemu_digest_of_facts(facts);
    return job->derive(digest);
}

static void
run_job(gpointer data, gpointer user_data)
{
    VcProbeJob *job = data;

    (void)user_data;
    job->value = value_for_job(job, &job->error);
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
        g_clear_pointer(&jobs[i].value, g_variant_unref);
        g_clear_error(&jobs[i].error);
        g_clear_pointer(&jobs[i].warnings, g_ptr_array_unref);
    }
}
