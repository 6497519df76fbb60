/*
 * Emulator discovery (src/qemu/discover.c) in a fake tree under a root:
 * qemu-system-TARGET for the targets libvirt knows, looked up in PATH
 * order then the usual directories; the first directory holding a name
 * wins, a file that is not executable does not count, an unknown target
 * name is not listed, qemu-kvm only from /usr/libexec, and a directory
 * reached twice (/bin -> usr/bin) is one directory.
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../probe/probe-fixture.h"
#include "qemu/discover.h"

static Fixture fx;           /* its root holds the fake tree */
static const char *root;
static char *saved_path;

static void
put_program(const char *path, mode_t mode)
{
    g_autofree char *real = g_build_filename(root, path, NULL);

    put(&fx, path, "#!/bin/sh\n");
    g_assert_cmpint(chmod(real, mode), ==, 0);
}

static void
make_tree(void)
{
    g_autofree char *bin = g_build_filename(root, "bin", NULL);

    put_program("/a/qemu-system-frobnicator", 0755);          /* no such target */
    put_program("/a/qemu-system-x86_64", 0644);               /* not executable */
    put_program("/b/qemu-system-x86_64", 0755);               /* so a later directory's */
    put_program("/a/qemu-system-arm", 0755);                  /* first directory wins */
    put_program("/b/qemu-system-arm", 0755);
    put_program("/b/qemu-kvm", 0755);                         /* only from /usr/libexec */
    put_program("/usr/bin/qemu-system-aarch64", 0755);
    put_program("/usr/bin/qemu-system-x86_64-microvm", 0755); /* not a target either */
    put_program("/usr/local/bin/qemu-system-riscv64", 0755);  /* a usual directory */
    put_program("/usr/libexec/qemu-kvm", 0755);
    g_assert_cmpint(symlink("usr/bin", bin), ==, 0);
}

/* "NAME=PATH" lines of what discovery found, sorted by name. */
static char *
found(const VcGuestProbeOptions *opts)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) emulators = vc_qemu_discover(opts, &err);
    g_autoptr(GString) out = g_string_new(NULL);

    g_assert_no_error(err);
    for (guint i = 0; i < emulators->len; i++) {
        const VcEmulator *e = g_ptr_array_index(emulators, i);
        g_autofree char *file = g_build_filename(root, e->path, NULL);

        g_assert_cmpstr(e->file, ==, file);
        g_string_append_printf(out, "%s=%s\n", e->name, e->path);
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
test_search(void)
{
    VcGuestProbeOptions opts = { .root = root };
    g_autofree char *text = NULL;

    g_setenv("PATH", "/a:relative:/b:/bin:/missing:/usr/bin", TRUE);
    text = found(&opts);
    g_assert_cmpstr(text, ==,
                    "qemu-kvm=/usr/libexec/qemu-kvm\n"
                    "qemu-system-aarch64=/bin/qemu-system-aarch64\n"
                    "qemu-system-arm=/a/qemu-system-arm\n"
                    "qemu-system-riscv64=/usr/local/bin/qemu-system-riscv64\n"
                    "qemu-system-x86_64=/b/qemu-system-x86_64\n");
}

/* Without PATH, the usual directories alone. */
static void
test_usual_dirs(void)
{
    VcGuestProbeOptions opts = { .root = root };
    g_autofree char *text = NULL;

    g_unsetenv("PATH");
    text = found(&opts);
    g_assert_cmpstr(text, ==,
                    "qemu-kvm=/usr/libexec/qemu-kvm\n"
                    "qemu-system-aarch64=/usr/bin/qemu-system-aarch64\n"
                    "qemu-system-riscv64=/usr/local/bin/qemu-system-riscv64\n");
}

/* A binary named on the command line is taken whatever its name. */
static void
test_named(void)
{
    const char *const named[] = { "/a/qemu-system-frobnicator", NULL };
    VcGuestProbeOptions opts = { .root = root, .emulators = named };
    g_autofree char *text = found(&opts);

    g_assert_cmpstr(text, ==, "qemu-system-frobnicator=/a/qemu-system-frobnicator\n");
}

int
main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    saved_path = g_strdup(g_getenv("PATH"));
    setup(&fx, NULL);
    root = fx.root;
    make_tree();
    g_test_add_func("/discover/search", test_search);
    g_test_add_func("/discover/usual-dirs", test_usual_dirs);
    g_test_add_func("/discover/named", test_named);
    rc = g_test_run();
    g_setenv("PATH", saved_path ? saved_path : "/usr/bin:/bin", TRUE);
    teardown(&fx, NULL);
    g_free(saved_path);
    return rc;
}
