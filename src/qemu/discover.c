/*
 * discover.c - emulators to <guest> entries (see discover.h).
 */
#include "qemu/discover.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "policy/guests.h"
#include "qemu/parallel.h"

#define QEMU_SYSTEM_PREFIX "qemu-system-"

/* Searched after PATH, as libvirt's packagers install QEMU there. */
static const char *const usual_dirs[] = { "/usr/bin", "/usr/local/bin", "/usr/libexec" };

static void
emulator_free(gpointer p)
{
    VcEmulator *e = p;

    g_free(e->name);
    g_free(e->path);
    g_free(e->file);
    g_free(e->replay);
    g_free(e->pinned_arch);
    g_free(e);
}

static VcEmulator *
emulator_new(const char *name, const char *path, const char *file)
{
    VcEmulator *e = g_new0(VcEmulator, 1);

    e->name = g_strdup(name);
    e->path = g_strdup(path);
    e->file = g_strdup(file);
    return e;
}

static char *
under_root(const char *root, const char *path)
{
    if (!root || !*root || strcmp(root, "/") == 0)
        return g_strdup(path);
    return g_build_filename(root, path, NULL);
}

static gboolean
is_executable_file(const char *file)
{
    return g_file_test(file, G_FILE_TEST_IS_REGULAR) &&
           g_file_test(file, G_FILE_TEST_IS_EXECUTABLE);
}

/* Add dir's emulator name to found, if dir (open as dfd) holds it as an
 * executable file and no earlier directory did (as a PATH search).  Most
 * names are missing: one fstatat each, relative to the directory. */
static void
look_up(int dfd, const char *real_dir, const char *dir, const char *name, GHashTable *found)
{
    g_autofree char *file = NULL;
    g_autofree char *path = NULL;
    struct stat st;

    if (g_hash_table_contains(found, name) || fstatat(dfd, name, &st, 0) < 0)
        return;
    file = g_build_filename(real_dir, name, NULL);
    path = g_build_filename(dir, name, NULL);
    if (is_executable_file(file))
        g_hash_table_insert(found, g_strdup(name), emulator_new(name, path, file));
}

/* Whether the directory open as dfd was searched already (/bin and
 * /usr/bin on a merged-/usr system): it holds the same files, so a second
 * search could not add a name. */
static gboolean
searched_before(int dfd, GHashTable *searched)
{
    struct stat st;
    char *id;

    if (fstat(dfd, &st) < 0)
        return FALSE;
    id = g_strdup_printf("%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
    if (g_hash_table_contains(searched, id)) {
        g_free(id);
        return TRUE;
    }
    g_hash_table_add(searched, id);
    return FALSE;
}

/* Look dir up for the emulators libvirt knows: qemu-system-TARGET for
 * each QEMU target of its arch table (virQEMUCapsGetDefaultEmulator's
 * virFindFileInPath, not a listing: other names are never run), and
 * qemu-kvm only in /usr/libexec (RHEL's name for it). */
static void
scan_dir(const char *root, const char *dir, GHashTable *searched, GHashTable *found)
{
    g_autofree char *real_dir = under_root(root, dir);
    int dfd = open(real_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

    if (dfd < 0)
        return;
    if (!searched_before(dfd, searched))
        for (const char *const *t = vc_guest_qemu_targets(); *t; t++) {
            g_autofree char *name = g_strconcat(QEMU_SYSTEM_PREFIX, *t, NULL);

            look_up(dfd, real_dir, dir, name, found);
        }
    if (strcmp(dir, "/usr/libexec") == 0)
        look_up(dfd, real_dir, dir, "qemu-kvm", found);
    close(dfd);
}

static GPtrArray *
search_dirs(void)
{
    GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) path = g_strsplit(g_getenv("PATH") ? g_getenv("PATH") : "", ":", -1);

    for (char **p = path; *p; p++)
        if (g_path_is_absolute(*p) && !g_ptr_array_find_with_equal_func(dirs, *p, g_str_equal, NULL))
            g_ptr_array_add(dirs, g_strdup(*p));
    for (gsize i = 0; i < G_N_ELEMENTS(usual_dirs); i++)
        if (!g_ptr_array_find_with_equal_func(dirs, usual_dirs[i], g_str_equal, NULL))
            g_ptr_array_add(dirs, g_strdup(usual_dirs[i]));
    return dirs;
}

static void
search(const char *root, GPtrArray *out)
{
    g_autoptr(GPtrArray) dirs = search_dirs();
    g_autoptr(GHashTable) found = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) searched = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTableIter it;
    gpointer value;

    for (guint i = 0; i < dirs->len; i++)
        scan_dir(root, g_ptr_array_index(dirs, i), searched, found);
    g_hash_table_iter_init(&it, found);
    while (g_hash_table_iter_next(&it, NULL, &value))
        g_ptr_array_add(out, value);
}

static gboolean
add_named(const char *root, const char *path, GPtrArray *out, GError **error)
{
    g_autofree char *file = under_root(root, path);
    g_autofree char *name = g_path_get_basename(path);

    if (!is_executable_file(file)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                    "%s: not an executable file", path);
        return FALSE;
    }
    g_ptr_array_add(out, emulator_new(name, path, file));
    return TRUE;
}

/* "ARCH=FILE" -> /usr/bin/qemu-system-ARCH answered from FILE. */
static gboolean
add_replay(const char *spec, GPtrArray *out, GError **error)
{
    const char *eq = strchr(spec, '=');
    g_autofree char *arch = eq ? g_strndup(spec, (gsize)(eq - spec)) : NULL;
    g_autofree char *name = NULL;
    g_autofree char *path = NULL;
    VcEmulator *e;

    if (!arch || !*arch || !eq[1] || strchr(arch, '/')) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                    "--replay %s: expected ARCH=FILE", spec);
        return FALSE;
    }
    name = g_strconcat(QEMU_SYSTEM_PREFIX, arch, NULL);
    path = g_build_filename("/usr/bin", name, NULL);
    e = emulator_new(name, path, NULL);
    e->replay = g_strdup(eq + 1);
    if (vc_guest_arch_known(arch))
        e->pinned_arch = g_strdup(arch);
    g_ptr_array_add(out, e);
    return TRUE;
}

static gint
compare_emulators(gconstpointer a, gconstpointer b)
{
    const VcEmulator *ea = *(VcEmulator *const *)a, *eb = *(VcEmulator *const *)b;

    return strcmp(ea->name, eb->name);
}

GPtrArray *
vc_qemu_discover(const VcGuestProbeOptions *opts, GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(emulator_free);

    for (const char *const *r = opts->replays; r && *r; r++)
        if (!add_replay(*r, out, error))
            return NULL;
    for (const char *const *e = opts->emulators; e && *e; e++)
        if (!add_named(opts->root, *e, out, error))
            return NULL;
    if (!opts->replays && !opts->emulators)
        search(opts->root, out);
    g_ptr_array_sort(out, compare_emulators);
    return g_steal_pointer(&out);
}

/* ---- probing ------------------------------------------------------------ */

/* The identity of what a job probes: the transcript, or the binary's real
 * file (two names of one file are one probe). */
static char *
job_key(const VcEmulator *e)
{
    g_autofree char *real = NULL;

    if (e->replay)
        return g_strconcat("replay:", e->replay, NULL);
    real = realpath(e->file, NULL);
    return g_strconcat("file:", real ? real : e->file, NULL);
}

typedef struct {
    GArray *assignment;          /* per arch: emulator index or -1 */
    GArray *job_of;              /* per emulator: job index or -1 */
    GArray *jobs;                /* VcProbeJob */
    VcQemuKeyMemo *memo;         /* the jobs' shared cache key parts */
} GuestPlan;

static void
plan_jobs(GuestPlan *plan, GPtrArray *emulators, const VcGuestProbeOptions *opts)
{
    g_autoptr(GHashTable) keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    plan->job_of = g_array_new(FALSE, FALSE, sizeof(gint));
    plan->jobs = g_array_new(FALSE, TRUE, sizeof(VcProbeJob));
    g_array_set_size(plan->job_of, emulators->len);
    for (guint i = 0; i < emulators->len; i++)
        g_array_index(plan->job_of, gint, i) = -1;
    for (guint a = 0; a < plan->assignment->len; a++) {
        gint e = g_array_index(plan->assignment, gint, a);
        const VcEmulator *em;
        char *key;
        gpointer job;

        if (e < 0 || g_array_index(plan->job_of, gint, e) >= 0)
            continue;
        em = g_ptr_array_index(emulators, e);
        key = job_key(em);
        if (!g_hash_table_lookup_extended(keys, key, NULL, &job)) {
            VcProbeJob j = { .binary = em->replay ? NULL : em->file, .replay = em->replay,
                             .accel = opts->accel, .timeout_ms = opts->timeout_ms,
                             .cache_dir = opts->cache_dir, .no_cache = opts->no_cache,
                             .memo = plan->memo, .derive = vc_guest_summary_new,
                             .derived_name = "guest", .derived_type = VC_GUEST_SUMMARY_TYPE };
            job = GINT_TO_POINTER(plan->jobs->len);
            g_array_append_val(plan->jobs, j);
            g_hash_table_insert(keys, key, job);
        } else {
            g_free(key);
        }
        g_array_index(plan->job_of, gint, e) = GPOINTER_TO_INT(job);
    }
}

static void
add_planned_guests(GPtrArray *guests, GPtrArray *emulators, const GuestPlan *plan,
                   GPtrArray *warnings)
{
    const char *const *names = vc_guest_arch_names();

    for (guint j = 0; j < plan->jobs->len; j++) {
        const VcProbeJob *job = &g_array_index(plan->jobs, VcProbeJob, j);
        if (job->error && warnings)
            g_ptr_array_add(warnings, g_strdup(job->error->message));
        for (guint w = 0; job->warnings && warnings && w < job->warnings->len; w++)
            g_ptr_array_add(warnings, g_strdup(g_ptr_array_index(job->warnings, w)));
    }
    for (guint a = 0; a < plan->assignment->len; a++) {
        gint e = g_array_index(plan->assignment, gint, a);
        const VcProbeJob *job;

        if (e < 0)
            continue;
        job = &g_array_index(plan->jobs, VcProbeJob, g_array_index(plan->job_of, gint, e));
        if (job->value)
            g_ptr_array_add(guests,
                            vc_guest_from_summary(names[a],
                                                  ((VcEmulator *)g_ptr_array_index(emulators, e))->path,
                                                  job->value));
    }
}

static GArray *
assign(const char *host_arch, GPtrArray *emulators, const char *const *archs)
{
    g_autofree VcEmulatorRef *refs = g_new0(VcEmulatorRef, emulators->len + 1);

    for (guint i = 0; i < emulators->len; i++) {
        const VcEmulator *e = g_ptr_array_index(emulators, i);
        refs[i] = (VcEmulatorRef){ e->name, e->path, e->pinned_arch };
    }
    return vc_guests_assign(host_arch, refs, emulators->len, archs);
}

GPtrArray *
vc_qemu_probe_guests(const char *host_arch, const VcGuestProbeOptions *opts, GError **error)
{
    g_autoptr(GPtrArray) emulators = vc_qemu_discover(opts, error);
    g_autoptr(VcQemuKeyMemo) memo = vc_qemu_key_memo_new();
    GPtrArray *guests;
    GuestPlan plan = { .memo = memo };

    if (!emulators)
        return NULL;
    for (const char *const *a = opts->archs; a && *a; a++)
        if (!vc_guest_arch_known(*a)) {
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                        "unknown guest arch '%s'", *a);
            return NULL;
        }
    plan.assignment = assign(host_arch, emulators, opts->archs);
    plan_jobs(&plan, emulators, opts);
    vc_qemu_probe_parallel((VcProbeJob *)(void *)plan.jobs->data, plan.jobs->len,
                           opts->max_parallel);
    guests = g_ptr_array_new_with_free_func((GDestroyNotify)vc_guest_free);
    add_planned_guests(guests, emulators, &plan, opts->warnings);
    vc_probe_jobs_clear((VcProbeJob *)(void *)plan.jobs->data, plan.jobs->len);
    g_array_unref(plan.assignment);
    g_array_unref(plan.job_of);
    g_array_unref(plan.jobs);
    return guests;
}
