/*
 * Faults injected into the cache while it is in use: CONCURRENT
 * `virtcaps qemu-probe --digest --emulator FAKE --cache-dir D` at once,
 * while another process keeps damaging the entry file: bytes flipped and
 * the file truncated in place, replaced (by rename) with garbage, a cut
 * copy, a symbolic link or a file of another owner, removed, restored.
 * Every invocation must succeed with the digest that a probe without the
 * cache prints, and once the damage stops one more run must leave a valid
 * entry: the run after it is a hit (the fake emulator counts its starts).
 *
 * Usage: test-qemu-cache-faults FAKE_QEMU VIRTCAPS
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "../probe/probe-fixture.h"

#define CONCURRENT 32
#define ROUNDS 3
#define NOBODY 65534

static char *fake_src;
static const char *virtcaps;

typedef struct {
    char *dir;
    char *binary;     /* a copy of fake-qemu-count: its starts are counted */
    char *cache;
    char *entry;      /* the entry file, once known */
    char *good;       /* a copy of the intact entry */
} World;

static void
copy_file(const char *from, const char *to, int mode)
{
    g_autofree char *data = NULL;
    gsize len;

    g_assert_true(g_file_get_contents(from, &data, &len, NULL));
    g_assert_true(g_file_set_contents(to, data, (gssize)len, NULL));
    g_assert_cmpint(chmod(to, (mode_t)mode), ==, 0);
}

static guint
probes(const World *w)
{
    g_autofree char *path = g_strconcat(w->binary, ".probes", NULL);
    g_autofree char *text = NULL;
    guint n = 0;

    if (g_file_get_contents(path, &text, NULL, NULL))
        for (const char *p = text; *p; p++)
            n += *p == '\n';
    return n;
}

/* Run virtcaps with stdout and stderr into files; the pid to wait for.
 * (g_spawn, not GSubprocess: no helper thread; see test-cache.c.) */
static GPid
spawn_virtcaps(const char *out, const char *errout, const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int efd = open(errout, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    GPid pid = 0;

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(efd, >=, 0);
    g_ptr_array_add(argv, (gpointer)virtcaps);
    for (; *args; args++)
        g_ptr_array_add(argv, (gpointer)*args);
    g_ptr_array_add(argv, NULL);
    g_assert_true(g_spawn_async_with_fds(NULL, (char **)argv->pdata, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, -1, fd,
                                         efd, &err));
    g_assert_no_error(err);
    close(fd);
    close(efd);
    return pid;
}

/* Wait for pid; its stdout, after checking it exited 0 and said nothing
 * on stderr but one-line warnings about the cache. */
static guint warnings_seen;

static char *
finish(const World *w, GPid pid, const char *out, const char *errout)
{
    g_autofree char *errtext = NULL;
    g_auto(GStrv) lines = NULL;
    char *text = NULL;
    int status;

    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(g_file_get_contents(errout, &errtext, NULL, NULL));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        g_error("virtcaps ended with status 0x%x; stderr: %s", (unsigned)status, errtext);
    lines = g_strsplit(errtext, "\n", -1);
    for (char **l = lines; *l && **l; l++)
        if (!g_str_has_prefix(*l, "virtcaps: ") || !strstr(*l, w->cache))
            g_error("unexpected stderr line: %s", *l);
        else
            warnings_seen++;
    g_assert_true(g_file_get_contents(out, &text, NULL, NULL));
    return text;
}

static char *
run_one(const World *w, const char *const *args)
{
    g_autofree char *out = g_build_filename(w->dir, "out", NULL);
    g_autofree char *errout = g_build_filename(w->dir, "err", NULL);

    return finish(w, spawn_virtcaps(out, errout, args), out, errout);
}

/* The single *.digest file of the cache directory. */
static char *
find_entry(const World *w)
{
    g_autoptr(GDir) d = g_dir_open(w->cache, 0, NULL);
    const char *name;
    char *found = NULL;

    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".digest")) {
            g_assert_null(found);
            found = g_build_filename(w->cache, name, NULL);
        }
    g_assert_nonnull(found);
    return found;
}

/* ---- The damage --------------------------------------------------------- */

/* Write text to a new file and rename it over the entry, as a writer would. */
static void
replace_with(const World *w, const char *text, gsize len, uid_t owner)
{
    g_autofree char *tmp = g_strconcat(w->entry, ".damage", NULL);

    if (!g_file_set_contents(tmp, text, (gssize)len, NULL))
        return;
    if (owner != (uid_t)-1 && chown(tmp, owner, owner) < 0)
        owner = (uid_t)-1;
    g_rename(tmp, w->entry);
}

static void
flip_bytes(const World *w, GRand *r)
{
    int fd = open(w->entry, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;

    if (fd < 0)
        return;
    if (fstat(fd, &st) == 0 && st.st_size > 0)
        for (int i = 0; i < 4; i++) {
            char c = (char)g_rand_int(r);

            if (pwrite(fd, &c, 1, g_rand_int_range(r, 0, (gint32)st.st_size)) < 0)
                break;
        }
    close(fd);
}

static void
damage_once(const World *w, GRand *r, const char *good, gsize len)
{
    g_autofree char *junk = NULL;
    g_autofree char *link = NULL;

    switch (g_rand_int_range(r, 0, 8)) {
    case 0:
        flip_bytes(w, r);
        break;
    case 1:
        if (truncate(w->entry, g_rand_int_range(r, 0, (gint32)len)) < 0)
            break;
        break;
    case 2:
        junk = g_strnfill(g_rand_int_range(r, 0, 4096), (char)g_rand_int(r));
        replace_with(w, junk, strlen(junk), (uid_t)-1);
        break;
    case 3:
        replace_with(w, good, g_rand_int_range(r, 0, (gint32)len), (uid_t)-1);
        break;
    case 4:
        g_unlink(w->entry);
        break;
    case 5:
        link = g_strconcat(w->entry, ".link", NULL);
        if (symlink(w->good, link) == 0)
            g_rename(link, w->entry);
        break;
    case 6:
        replace_with(w, good, len, geteuid() == 0 ? NOBODY : (uid_t)-1);
        break;
    default:
        replace_with(w, good, len, (uid_t)-1);
        break;
    }
}

/* The damaging process: until killed, one fault every few hundred µs. */
static GPid
start_damage(const World *w)
{
    g_autofree char *good = NULL;
    gsize len;
    pid_t pid;

    g_assert_true(g_file_get_contents(w->good, &good, &len, NULL));
    g_assert_cmpuint(len, >, 0);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        GRand *r = g_rand_new_with_seed(6);

        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* never outlive a failed test */
        if (getppid() == 1)
            _exit(0);
        for (;;) {
            damage_once(w, r, good, len);
            g_usleep(g_rand_int_range(r, 100, 1000));
        }
    }
    return pid;
}

static void
stop_damage(GPid pid)
{
    int status;

    g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
}

/* ---- The test ----------------------------------------------------------- */

static void
concurrent_round(const World *w, const char *const *args, const char *want)
{
    GPid pids[CONCURRENT];

    for (guint i = 0; i < CONCURRENT; i++) {
        g_autofree char *out = g_strdup_printf("%s/out-%u", w->dir, i);
        g_autofree char *errout = g_strdup_printf("%s/err-%u", w->dir, i);

        pids[i] = spawn_virtcaps(out, errout, args);
    }
    for (guint i = 0; i < CONCURRENT; i++) {
        g_autofree char *out = g_strdup_printf("%s/out-%u", w->dir, i);
        g_autofree char *errout = g_strdup_printf("%s/err-%u", w->dir, i);
        g_autofree char *text = finish(w, pids[i], out, errout);

        if (strcmp(text, want) != 0)
            g_error("invocation %u of %u printed another digest (%zu bytes, not %zu): %.2000s", i,
                    CONCURRENT, strlen(text), strlen(want), text);
        g_unlink(out);
        g_unlink(errout);
    }
}

/* Nothing but entries, locks and remembered directory listings (stored
 * once a listed directory is 2 s old: docs/cache.md) is left: no
 * temporary file, no link. */
static void
assert_clean_cache(const World *w)
{
    g_autoptr(GDir) d = g_dir_open(w->cache, 0, NULL);
    const char *name;
    struct stat st;

    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(w->cache, name, NULL);

        if (strstr(name, ".damage") || g_str_has_suffix(name, ".link"))
            continue;   /* the damaging process's own, killed mid-way */
        if (!g_str_has_suffix(name, ".digest") && !g_str_has_suffix(name, ".lock") &&
            !(g_str_has_prefix(name, "dir-") && g_str_has_suffix(name, ".blob")))
            g_error("%s left in the cache", name);
        g_assert_cmpint(lstat(path, &st), ==, 0);
        g_assert_true(S_ISREG(st.st_mode));
        g_assert_cmpuint(st.st_uid, ==, geteuid());
    }
}

static void
test_concurrent_damage(void)
{
    World w = { .dir = g_dir_make_tmp("virtcaps-cache-faults-XXXXXX", NULL) };
    g_autofree char *bindir = g_build_filename(w.dir, "prefix", "bin", NULL);
    g_autofree char *reference = NULL, *warm = NULL, *last = NULL;
    const char *cached[] = { "qemu-probe", "--digest", "--emulator", NULL, "--cache-dir", NULL,
                             "--timeout", "30", NULL };
    const char *uncached[] = { "qemu-probe", "--digest", "--emulator", NULL, "--no-cache", NULL };
    guint before;

    g_assert_cmpint(g_mkdir_with_parents(bindir, 0755), ==, 0);
    w.binary = g_build_filename(bindir, "fake-qemu-count", NULL);
    w.cache = g_build_filename(w.dir, "cache", NULL);
    w.good = g_build_filename(w.dir, "good.digest", NULL);
    copy_file(fake_src, w.binary, 0755);
    cached[3] = uncached[3] = w.binary;
    cached[5] = w.cache;

    reference = run_one(&w, uncached);
    g_assert_cmpuint(strlen(reference), >, 0);
    warm = run_one(&w, cached);
    g_assert_cmpstr(warm, ==, reference);
    w.entry = find_entry(&w);
    copy_file(w.entry, w.good, 0600);

    for (int round = 0; round < ROUNDS; round++) {
        GPid damage = start_damage(&w);

        concurrent_round(&w, cached, reference);
        stop_damage(damage);
    }
    /* Proof that faults met readers (the probes: the cache stood in the way). */
    g_test_message("%u invocations: %u cache warnings, %u probes", ROUNDS * CONCURRENT,
                   warnings_seen, probes(&w));
    g_assert_cmpuint(warnings_seen, >, 0);
    /* Damage over: one run repairs the entry, the next one is a hit. */
    g_free(run_one(&w, cached));
    before = probes(&w);
    last = run_one(&w, cached);
    g_assert_cmpstr(last, ==, reference);
    g_assert_cmpuint(probes(&w), ==, before);
    assert_clean_cache(&w);
    fixture_remove_tree(w.dir);   /* kept for a post-mortem when a check fails */
    g_free(w.entry);
    g_free(w.good);
    g_free(w.cache);
    g_free(w.binary);
    g_free(w.dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc != 3) {
        fprintf(stderr, "usage: test-qemu-cache-faults FAKE_QEMU VIRTCAPS\n");
        return 2;
    }
    fake_src = g_canonicalize_filename(argv[1], NULL);
    virtcaps = argv[2];
    g_test_add_func("/cache-faults/concurrent-damage", test_concurrent_damage);
    return g_test_run();
}
