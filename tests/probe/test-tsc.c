/*
 * The live host's KVM TSC answer in the cache (src/probe/host-cpu.c): a
 * test hook stands in for the invariant-TSC check and the KVM ioctls and
 * counts its calls, so the tests run on any x86 host, with or without KVM.
 * Cold: one call, stored (0600); warm: no call, the same answer; a failing
 * probe is not stored; --no-cache asks every time and writes nothing; an
 * answer under another key is not used; a damaged blob or an unsafe directory is one warning and a call; under a
 * root the recorded answer is read and the hook never called.
 */
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "probe-fixture.h"
#include "qemu/cache.h"

#define HZ G_GUINT64_CONSTANT(2596124000)

static Fixture fx;          /* its root is the tests' work directory */
static const char *workdir;
static guint calls;
static gboolean fail;

static gboolean
fake_tsc(guint64 *hz, VcTscScaling *scaling)
{
    calls++;
    if (fail)
        return FALSE;
    *hz = HZ;
    *scaling = VC_TSC_SCALING_YES;
    return TRUE;
}

typedef struct {
    char *cache;
    GPtrArray *warnings;
    VcProbeOptions opts;
} World;

static World *
world_new(const char *name)
{
    World *w = g_new0(World, 1);

    w->cache = g_build_filename(workdir, name, NULL);
    w->warnings = g_ptr_array_new_with_free_func(g_free);
    w->opts = (VcProbeOptions){ .warnings = w->warnings, .cache_dir = w->cache };
    calls = 0;
    fail = FALSE;
    return w;
}

static void
world_free(World *w)
{
    g_free(w->cache);
    g_ptr_array_unref(w->warnings);
    g_free(w);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(World, world_free)

static char *
blob_path(World *w)
{
    return g_build_filename(w->cache, "kvm-tsc.blob", NULL);
}

/* Warnings about the cache (the live host may have others). */
static guint
cache_warnings(World *w, const char *part)
{
    guint n = 0;

    for (guint i = 0; i < w->warnings->len; i++)
        if (strstr(w->warnings->pdata[i], w->cache)) {
            g_test_message("warning: %s", (char *)w->warnings->pdata[i]);
            g_assert_nonnull(strstr(w->warnings->pdata[i], part));
            n++;
        }
    return n;
}

/* One live probe: expect the hook to have been called want_calls more
 * times, and the fake answer unless it failed. */
static void
expect(World *w, guint want_calls)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcHostCaps) caps = NULL;
    guint before = calls;

    g_ptr_array_set_size(w->warnings, 0);
    caps = vc_host_caps_probe(&w->opts, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(calls, ==, before + want_calls);
    g_assert_cmpint(caps->cpu.has_tsc, ==, !fail);
    if (fail)
        return;
    g_assert_cmpuint(caps->cpu.tsc_frequency, ==, HZ);
    g_assert_cmpint(caps->cpu.tsc_scaling, ==, VC_TSC_SCALING_YES);
}

static void
test_hit(void)
{
    g_autoptr(World) w = world_new("hit");
    g_autofree char *blob = blob_path(w);
    g_autofree char *data = NULL, *boot_id = NULL;
    gsize len;
    struct stat st;

    expect(w, 1);
    g_assert_cmpuint(cache_warnings(w, ""), ==, 0);
    g_assert_cmpint(stat(blob, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0600);
    expect(w, 0);
    expect(w, 0);
    g_assert_cmpuint(cache_warnings(w, ""), ==, 0);
    /* keyed on this boot */
    g_assert_true(g_file_get_contents(blob, &data, &len, NULL));
    g_assert_true(g_file_get_contents("/proc/sys/kernel/random/boot_id", &boot_id, NULL, NULL));
    g_strstrip(boot_id);
    g_assert_nonnull(memmem(data, len, boot_id, strlen(boot_id)));
}

static void
test_no_cache(void)
{
    g_autoptr(World) w = world_new("no-cache");

    w->opts.no_cache = TRUE;
    expect(w, 1);
    expect(w, 1);
    g_assert_false(g_file_test(w->cache, G_FILE_TEST_EXISTS));
}

static void
test_failure_not_stored(void)
{
    g_autoptr(World) w = world_new("failure");
    g_autofree char *blob = blob_path(w);

    fail = TRUE;
    expect(w, 1);
    expect(w, 1);
    g_assert_false(g_file_test(blob, G_FILE_TEST_EXISTS));
    fail = FALSE;
    expect(w, 1);
    expect(w, 0);
}

/* A blob stored under another key (another boot, another kvm module):
 * outdated, so silently a call, and the new answer, not the old one. */
static void
test_other_key(void)
{
    g_autoptr(World) w = world_new("other-key");
    VcQemuCacheOptions copts = { .cache_dir = w->cache };

    vc_cache_blob_store(&copts, "kvm-tsc", "{\"boot_id\":\"another boot\"}", "1000 no\n");
    g_assert_true(g_file_test(w->cache, G_FILE_TEST_IS_DIR));
    expect(w, 1);
    g_assert_cmpuint(cache_warnings(w, ""), ==, 0);
    expect(w, 0);
}

/* A damaged blob: one warning naming it, a call, then hits again. */
static void
test_damaged(void)
{
    g_autoptr(World) w = world_new("damaged");
    g_autofree char *blob = blob_path(w);

    expect(w, 1);
    g_assert_true(g_file_set_contents(blob, "garbage", -1, NULL));
    expect(w, 1);
    g_assert_cmpuint(cache_warnings(w, "kvm-tsc.blob"), ==, 1);
    expect(w, 0);
    g_assert_cmpuint(cache_warnings(w, ""), ==, 0);
}

/* A directory others can write: one warning, a call each time. */
static void
test_unsafe_dir(void)
{
    g_autoptr(World) w = world_new("unsafe");

    g_assert_cmpint(g_mkdir_with_parents(w->cache, 0700), ==, 0);
    g_assert_cmpint(chmod(w->cache, 0777), ==, 0);
    expect(w, 1);
    g_assert_cmpuint(cache_warnings(w, "writable by group or others"), ==, 1);
    expect(w, 1);
    g_assert_cmpuint(cache_warnings(w, "writable by group or others"), ==, 1);
}

/* Under a root the recorded answer counts; KVM is never asked. */
static void
test_root(void)
{
    g_autoptr(World) w = world_new("root");
    g_autofree char *root = g_build_filename(workdir, "tree", NULL);
    g_autoptr(VcHostCaps) caps = NULL;
    g_autoptr(GError) err = NULL;

    put(&fx, "tree/proc/sys/kernel/arch", "x86_64\n");
    put(&fx, "tree/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
        "model\t\t: 1\nstepping\t: 1\naddress sizes\t: 48 bits physical, 48 bits virtual\n\n");
    put(&fx, "tree/.virtcaps/tsc", "1000000000 no\n");
    w->opts.root = root;
    caps = vc_host_caps_probe(&w->opts, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(calls, ==, 0);
    g_assert_true(caps->cpu.has_tsc);
    g_assert_cmpuint(caps->cpu.tsc_frequency, ==, 1000000000);
    g_assert_cmpint(caps->cpu.tsc_scaling, ==, VC_TSC_SCALING_NO);
    g_assert_false(g_file_test(w->cache, G_FILE_TEST_EXISTS));
}

static gboolean
host_is_x86(void)
{
    g_autoptr(VcHostCaps) caps = NULL;
    VcProbeOptions opts = { .no_cache = TRUE };

    caps = vc_host_caps_probe(&opts, NULL);
    return caps && caps->cpu.arch &&
           (strcmp(caps->cpu.arch, "x86_64") == 0 || strcmp(caps->cpu.arch, "i686") == 0);
}

int
main(int argc, char **argv)
{
    struct timespec boot;
    int rc;

    g_test_init(&argc, &argv, NULL);
    vc_probe_set_tsc_hook(fake_tsc);
    /* The TSC is described for x86 hosts only, the key needs the boot id,
     * and nothing is stored in the first minute after boot. */
    if (!host_is_x86() || !g_file_test("/proc/cpuinfo", G_FILE_TEST_EXISTS) ||
        !g_file_test("/proc/sys/kernel/random/boot_id", G_FILE_TEST_EXISTS) ||
        clock_gettime(CLOCK_BOOTTIME, &boot) < 0 || boot.tv_sec < 61) {
        g_print("1..0 # SKIP not an x86 Linux host, or booted less than a minute ago\n");
        return 77;
    }
    setup(&fx, NULL);
    workdir = fx.root;
    g_test_add_func("/tsc/hit", test_hit);
    g_test_add_func("/tsc/no-cache", test_no_cache);
    g_test_add_func("/tsc/failure-not-stored", test_failure_not_stored);
    g_test_add_func("/tsc/other-key", test_other_key);
    g_test_add_func("/tsc/damaged", test_damaged);
    g_test_add_func("/tsc/unsafe-dir", test_unsafe_dir);
    g_test_add_func("/tsc/root", test_root);
    rc = g_test_run();
    teardown(&fx, NULL);
    return rc;
}
