/*
 * Fault injection: the probe against emulators that are missing, not QEMU,
 * or misbehaving QEMU stand-ins (fake-qemu, symlinked as fake-qemu-MODE):
 * issue 6's list (hang before the greeting, hang mid-reply, close the
 * socket, crash, garbage, wrong id, events between replies, a 100 MB
 * reply) and more.
 * Every case must end within the time limit with one clear line naming the
 * binary, leave no child process (running or zombie) and no socket
 * directory behind.
 *
 * Usage: test-faults FAKE_QEMU VIRTCAPS
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/probe.h"

#define LIMIT_MS 2000
/* Slack over the limit: SIGTERM grace (0.5 s) plus scheduling. */
#define SLACK_US (1500 * 1000)

static char *fake_qemu;
static const char *virtcaps;
static char *workdir;

typedef struct {
    const char *name;
    const char *binary;   /* a path ("@" for the work directory), or NULL for fake-qemu-NAME */
    const char *expect;   /* in the error message; NULL: the probe succeeds */
    gsize max_message;    /* 0: default */
    const char *or_expect;   /* also fine instead of expect (NULL: none) */
} FaultCase;

static const FaultCase cases[] = {
    { "missing", "/nonexistent/qemu-system-x86_64", "cannot execute: No such file or directory",
      0, NULL },
    { "not-qemu", "/bin/true",
      "ended before opening its QMP socket (is it QEMU?) (it exited with status 0)", 0, NULL },
    { "not-executable", "@/bin/data.txt", "cannot execute: Permission denied", 0, NULL },
    { "not-a-program", "@/bin/script.txt", "cannot execute: Exec format error", 0, NULL },
    { "exit", NULL, "ended before opening its QMP socket (is it QEMU?) (it exited with status 1; "
      "stderr: fake-qemu: unsupported machine type)", 0, NULL },
    { "nosocket", NULL, "did not open its QMP socket within 2.0 s", 0, NULL },
    { "hang", NULL, "waiting for the QMP greeting: no answer within 2.0 s", 0, NULL },
    { "stubborn", NULL, "waiting for the QMP greeting: no answer within 2.0 s", 0, NULL },
    { "crash", NULL, ": query-kvm: connection closed by the peer (it was killed by signal 11 "
      "(Segmentation fault))", 0, NULL },
    { "silent", NULL, ": query-qmp-schema: no answer within 2.0 s", 0, NULL },
    { "garbage", NULL, ": query-version: received invalid JSON (unexpected character)", 0, NULL },
    { "wrongid", NULL,
      ": query-version: received a reply with id \"bogus-7\", expected \"libvirt-2\"", 0, NULL },
    { "notobject", NULL, ": query-version: received a JSON value that is not an object", 0, NULL },
    { "deep", NULL, ": query-version: received invalid JSON (nesting too deep)", 0, NULL },
    { "huge", NULL, ": query-version: received a message larger than 1048576 bytes",
      1024 * 1024, NULL },
    /* 100 MB against the default 64 MiB limit: refused at the limit, or at
     * the time limit when reading 64 MiB takes longer (valgrind). */
    { "huge100", NULL, ": query-version: received a message larger than 67108864 bytes", 0,
      ": query-version: no answer within 2.0 s" },
    { "events", NULL, NULL, 0, NULL },
    { "close", NULL, ": query-target: connection closed by the peer", 0, NULL },
    { "midreply", NULL, ": query-version: no answer within 2.0 s", 0, NULL },
};

static char *
binary_for(const FaultCase *c)
{
    g_autofree char *link = NULL;

    if (c->binary && c->binary[0] == '@')
        return g_strconcat(workdir, c->binary + 1, NULL);
    if (c->binary)
        return g_strdup(c->binary);
    link = g_strdup_printf("%s/bin/fake-qemu-%s", workdir, c->name);
    if (!g_file_test(link, G_FILE_TEST_EXISTS))
        g_assert_cmpint(symlink(fake_qemu, link), ==, 0);
    return g_steal_pointer(&link);
}

static const FaultCase *
find_case(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    g_assert_not_reached();
}

static void
assert_no_children(void)
{
    errno = 0;
    g_assert_cmpint(waitpid(-1, NULL, WNOHANG), ==, -1);
    g_assert_cmpint(errno, ==, ECHILD);
}

static void
assert_dir_empty(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *name;

    g_assert_nonnull(d);
    if ((name = g_dir_read_name(d)))
        g_error("%s was left behind in %s", name, path);
}

static void
test_fault(gconstpointer data)
{
    const FaultCase *c = data;
    g_autofree char *binary = binary_for(c);
    g_autofree char *tmpdir = g_build_filename(workdir, "tmp", NULL);
    VcQemuProcessOptions popts = { { LIMIT_MS, c->max_message, 0 }, tmpdir };
    g_autoptr(VcQemuSource) src = vc_qemu_source_new_live(binary, &popts);
    g_autoptr(GError) err = NULL;
    g_autoptr(VcJson) facts = NULL;
    gint64 start = g_get_monotonic_time();

    facts = vc_qemu_probe(src, NULL, &err);
    g_test_message("%s: %.3f s: %s", c->name, (g_get_monotonic_time() - start) / 1e6,
                   err ? err->message : "ok");
    g_assert_cmpint(g_get_monotonic_time() - start, <, LIMIT_MS * 1000 + SLACK_US);
    assert_no_children();
    assert_dir_empty(tmpdir);
    if (!c->expect) {
        g_assert_no_error(err);
        g_assert_cmpstr(json_object_get_string(json_object_object_get(
                            vc_qemu_facts_return(facts, 0, "query-target"), "arch")), ==, "x86_64");
        g_assert_cmpuint(vc_qemu_facts_n_sessions(facts), ==, 1);
        return;
    }
    g_assert_null(facts);
    g_assert_nonnull(err);
    g_assert_null(strchr(err->message, '\n'));
    g_assert_true(g_str_has_prefix(err->message, binary));
    if (!strstr(err->message, c->expect) && !(c->or_expect && strstr(err->message, c->or_expect)))
        g_error("error \"%s\" lacks \"%s\"", err->message, c->expect);
}

/* The command line: exit status 1, nothing on stdout, one line on stderr. */
static void
test_cli(void)
{
    g_autofree char *binary = binary_for(find_case("crash"));
    const char *argv[] = { virtcaps, "qemu-probe", "--emulator", binary, "--timeout", "2",
                           "--no-cache", NULL };
    g_autofree char *out = NULL, *errout = NULL;
    g_autofree char *want = NULL;
    g_autoptr(GError) err = NULL;
    int status = 0;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &errout, &status, &err));
    g_assert_no_error(err);
    g_assert_false(g_spawn_check_wait_status(status, NULL));
    g_assert_cmpstr(out, ==, "");
    want = g_strdup_printf("virtcaps: %s: query-kvm: connection closed by the peer (it was "
                           "killed by signal 11 (Segmentation fault))\n", binary);
    g_assert_cmpstr(errout, ==, want);
}

/* A file that is not a program: plain text, executable or not. */
static void
write_file(const char *dir, const char *name, int mode)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    g_assert_true(g_file_set_contents(path, "not a program\n", -1, NULL));
    g_assert_cmpint(chmod(path, (mode_t)mode), ==, 0);
}

static void
remove_file(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);

    unlink(path);
}

int
main(int argc, char **argv)
{
    g_autofree char *bindir = NULL, *tmpdir = NULL;
    int rc;

    g_test_init(&argc, &argv, NULL);
    if (argc != 3) {
        fprintf(stderr, "usage: test-faults FAKE_QEMU VIRTCAPS\n");
        return 2;
    }
    fake_qemu = g_canonicalize_filename(argv[1], NULL);
    virtcaps = argv[2];
    workdir = g_dir_make_tmp("virtcaps-faults-XXXXXX", NULL);
    g_assert_nonnull(workdir);
    bindir = g_build_filename(workdir, "bin", NULL);
    tmpdir = g_build_filename(workdir, "tmp", NULL);
    g_assert_cmpint(mkdir(bindir, 0700), ==, 0);
    g_assert_cmpint(mkdir(tmpdir, 0700), ==, 0);
    write_file(workdir, "bin/data.txt", 0644);
    write_file(workdir, "bin/script.txt", 0755);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/faults/%s", cases[i].name);

        g_test_add_data_func(path, &cases[i], test_fault);
    }
    g_test_add_func("/faults/cli", test_cli);
    rc = g_test_run();
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *link = g_strdup_printf("%s/fake-qemu-%s", bindir, cases[i].name);

        unlink(link);
    }
    remove_file(workdir, "bin/data.txt");
    remove_file(workdir, "bin/script.txt");
    rmdir(bindir);
    rmdir(tmpdir);
    rmdir(workdir);
    g_free(workdir);
    g_free(fake_qemu);
    return rc;
}
