/*
 * The QEMU facts cache (src/qemu/cache.h) against a fake emulator that
 * counts its starts (fake-qemu-count, a copy, so the tests can touch it):
 * hits and misses, every key component invalidating, bad files (truncated,
 * corrupt, wrong layout, foreign-owned, planted symlinks), an unsafe or
 * read-only directory, a full disk, 32 concurrent CLI invocations on an
 * empty cache, and `virtcaps cache show|clear`.
 *
 * Usage: test-qemu-cache FAKE_QEMU VIRTCAPS
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/cache.h"

#define NOBODY 65534
#define CONCURRENT 32

static char *fake_src;
static const char *virtcaps;
static char *workdir;

/* One test's world: a fake binary under PREFIX/bin, a host tree and a
 * cache directory, all fresh. */
typedef struct {
    char *dir;
    char *binary;
    char *moddir;     /* PREFIX/lib/qemu */
    char *root;
    char *cache;
    const char *version;
    const char *accel;
    GPtrArray *warnings;
} World;

static void
put_file(const char *path, const char *text)
{
    g_autofree char *parent = g_path_get_dirname(path);

    g_assert_cmpint(g_mkdir_with_parents(parent, 0755), ==, 0);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

static void
put_host_file(World *w, const char *path, const char *text)
{
    g_autofree char *real = g_strconcat(w->root, path, NULL);

    put_file(real, text);
}

static void
copy_binary(const char *to)
{
    g_autofree char *data = NULL;
    gsize len;

    g_assert_true(g_file_get_contents(fake_src, &data, &len, NULL));
    g_assert_true(g_file_set_contents(to, data, (gssize)len, NULL));
    g_assert_cmpint(chmod(to, 0755), ==, 0);
}

static World *
world_new(void)
{
    static guint n;
    World *w = g_new0(World, 1);

    w->dir = g_strdup_printf("%s/w%u", workdir, n++);
    w->binary = g_build_filename(w->dir, "prefix", "bin", "fake-qemu-count", NULL);
    w->moddir = g_build_filename(w->dir, "prefix", "lib", "qemu", NULL);
    w->root = g_build_filename(w->dir, "root", NULL);
    w->cache = g_build_filename(w->dir, "cache", NULL);
    w->warnings = g_ptr_array_new_with_free_func(g_free);
    g_assert_cmpint(g_mkdir_with_parents(w->moddir, 0755), ==, 0);
    g_assert_cmpint(g_mkdir_with_parents(w->dir, 0755), ==, 0);
    put_file(w->binary, "");
    copy_binary(w->binary);
    put_host_file(w, "/proc/sys/kernel/osrelease", "6.1.0-test\n");
    put_host_file(w, "/proc/sys/kernel/version", "#1 SMP Debian 6.1.1\n");
    put_host_file(w, "/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                  "cpu family\t: 25\nmodel\t\t: 17\nstepping\t: 1\nmicrocode\t: 0x1000065\n"
                  "cpu MHz\t\t: 2596.1\nflags\t\t: fpu sse\n\nprocessor\t: 1\n");
    put_host_file(w, "/sys/module/kvm_amd/parameters/nested", "1\n");
    put_host_file(w, "/sys/module/kvm/parameters/enable_pmu", "Y\n");
    return w;
}

static void
remove_tree(const char *path)
{
    const char *argv[] = { "rm", "-rf", path, NULL };

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, NULL));
}

static void
world_free(World *w)
{
    remove_tree(w->dir);
    g_free(w->dir);
    g_free(w->binary);
    g_free(w->moddir);
    g_free(w->root);
    g_free(w->cache);
    g_ptr_array_unref(w->warnings);
    g_free(w);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(World, world_free)

static guint
probes(World *w)
{
    g_autofree char *path = g_strconcat(w->binary, ".probes", NULL);
    g_autofree char *text = NULL;
    guint n = 0;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* The facts through the cache; *hit tells whether they came from it. */
static json_object *
facts(World *w, gboolean *hit)
{
    VcQemuCacheOptions opts = { .cache_dir = w->cache, .timeout_ms = 5000, .accel = w->accel,
                                .warnings = w->warnings, .root = w->root,
                                .version = w->version };
    g_autoptr(GError) err = NULL;
    json_object *f;

    g_ptr_array_set_size(w->warnings, 0);
    f = vc_qemu_digest_for_binary(w->binary, &opts, hit, &err);
    g_assert_no_error(err);
    g_assert_nonnull(f);
    g_assert_cmpstr(json_object_get_string(json_object_object_get(
                        vc_qemu_facts_return(f, 0, "query-target"), "arch")), ==, "x86_64");
    return f;
}

/* One call: expect a hit or a probe, and n warnings. */
static void
expect(World *w, gboolean want_hit, guint n_warnings)
{
    guint before = probes(w);
    gboolean hit = !want_hit;
    json_object_put(facts(w, &hit));   /* only whether it was a hit counts */
    for (guint i = 0; i < w->warnings->len; i++)
        g_test_message("warning: %s", (char *)w->warnings->pdata[i]);
    g_assert_cmpint(hit, ==, want_hit);
    g_assert_cmpuint(probes(w), ==, before + (want_hit ? 0 : 1));
    g_assert_cmpuint(w->warnings->len, ==, n_warnings);
}

static void
expect_warning(World *w, const char *part)
{
    g_assert_cmpuint(w->warnings->len, ==, 1);
    if (!strstr(w->warnings->pdata[0], part))
        g_error("warning \"%s\" lacks \"%s\"", (char *)w->warnings->pdata[0], part);
    g_assert_null(strchr(w->warnings->pdata[0], '\n'));
}

/* ---- values derived from the digest (vc_qemu_derived_for_binary) ---- */

static guint derive_calls;

static GVariant *
count_derive(json_object *digest)
{
    json_object *target = vc_qemu_facts_return(digest, 0, "query-target");

    derive_calls++;
    return g_variant_ref_sink(g_variant_new_string(
        json_object_get_string(json_object_object_get(target, "arch"))));
}

/* The derived value through the cache (always the target's arch). */
static void
derive_once(World *w, gboolean no_cache)
{
    VcQemuCacheOptions opts = { .cache_dir = w->cache, .timeout_ms = 5000, .accel = w->accel,
                                .warnings = w->warnings, .root = w->root,
                                .version = w->version, .no_cache = no_cache };
    g_autoptr(GError) err = NULL;
    g_autoptr(GVariant) v = NULL;

    g_ptr_array_set_size(w->warnings, 0);
    v = vc_qemu_derived_for_binary(w->binary, &opts, "test", G_VARIANT_TYPE_STRING,
                                   count_derive, &err);
    g_assert_no_error(err);
    g_assert_nonnull(v);
    g_assert_cmpstr(g_variant_get_string(v, NULL), ==, "x86_64");
}

static char *
derived_path(World *w)
{
    g_autoptr(GDir) d = g_dir_open(w->cache, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d)))
        if (g_str_has_prefix(name, "test-") && g_str_has_suffix(name, ".blob"))
            return g_build_filename(w->cache, name, NULL);
    return NULL;
}

/* Kept only once the digest is a hit, under the digest's key; outdated with
 * it; a damaged file is one warning and a new derivation; --no-cache keeps
 * nothing. */
static void
test_derived(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *path = NULL, *data = NULL;
    gsize len;

    derive_calls = 0;
    derive_once(w, FALSE);                 /* probed: derived, not kept yet */
    g_assert_cmpuint(probes(w), ==, 1);
    g_assert_cmpuint(derive_calls, ==, 1);
    g_assert_null(derived_path(w));
    derive_once(w, FALSE);                 /* the digest is a hit: derived and kept */
    g_assert_cmpuint(derive_calls, ==, 2);
    g_assert_nonnull((path = derived_path(w)));
    derive_once(w, FALSE);                 /* the kept value: no digest, no derivation */
    derive_once(w, FALSE);
    g_assert_cmpuint(derive_calls, ==, 2);
    g_assert_cmpuint(probes(w), ==, 1);
    g_assert_cmpuint(w->warnings->len, ==, 0);

    copy_binary(w->binary);                /* a new binary: the value is outdated too */
    derive_once(w, FALSE);
    g_assert_cmpuint(probes(w), ==, 2);
    g_assert_cmpuint(derive_calls, ==, 3);
    derive_once(w, FALSE);
    derive_once(w, FALSE);
    g_assert_cmpuint(derive_calls, ==, 4);

    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    data[len - 3] ^= 0x40;                 /* damaged: caught by the CRC */
    g_assert_true(g_file_set_contents(path, data, (gssize)len, NULL));
    g_assert_cmpint(chmod(path, 0600), ==, 0);
    derive_once(w, FALSE);
    expect_warning(w, "checksum");
    g_assert_cmpuint(derive_calls, ==, 5);
    derive_once(w, FALSE);                 /* repaired */
    g_assert_cmpuint(derive_calls, ==, 5);
    g_assert_cmpuint(w->warnings->len, ==, 0);

    derive_once(w, TRUE);                  /* --no-cache: probed and derived */
    g_assert_cmpuint(derive_calls, ==, 6);
    g_assert_cmpuint(probes(w), ==, 3);

    g_assert_cmpint(chmod(w->cache, 0770), ==, 0);   /* an unsafe directory: */
    derive_once(w, FALSE);                 /* one warning, a probe, no value kept */
    expect_warning(w, "writable by group");
    g_assert_cmpuint(derive_calls, ==, 7);
    g_assert_cmpuint(probes(w), ==, 4);
    g_assert_cmpint(chmod(w->cache, 0700), ==, 0);
}

/* The one entry file of the cache directory. */
static char *
entry_path(World *w)
{
    g_autoptr(GDir) d = g_dir_open(w->cache, 0, NULL);
    const char *name;

    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".digest"))
            return g_build_filename(w->cache, name, NULL);
    g_error("no entry in %s", w->cache);
}

static guint
count_entries(World *w)
{
    g_autoptr(GDir) d = g_dir_open(w->cache, 0, NULL);
    const char *name;
    guint n = 0;

    while (d && (name = g_dir_read_name(d)))
        n += g_str_has_suffix(name, ".digest");
    return n;
}

/* A remembered directory listing of the key (may be there whenever a
 * listed directory is 2 s old). */
static gboolean
is_listing_blob(const char *name)
{
    return g_str_has_prefix(name, "dir-") && g_str_has_suffix(name, ".blob");
}

static void
assert_only_entries(World *w)
{
    g_autoptr(GDir) d = g_dir_open(w->cache, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d)))
        if (!g_str_has_suffix(name, ".digest") && !g_str_has_suffix(name, ".lock") &&
            !is_listing_blob(name))
            g_error("%s left in the cache directory", name);
}

/* ---- Hits, misses and the key ------------------------------------------ */

static void
test_hit_miss(void)
{
    g_autoptr(World) w = world_new();
    g_autoptr(VcJson) cold = NULL, warm = NULL;
    gboolean hit;
    struct stat st;

    cold = facts(w, &hit);
    g_assert_false(hit);
    warm = facts(w, &hit);
    g_assert_true(hit);
    g_assert_true(json_object_equal(cold, warm));
    g_assert_cmpuint(probes(w), ==, 1);
    g_assert_cmpint(stat(w->cache, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0700);
    assert_only_entries(w);
}

static void
touch(const char *path, time_t sec)
{
    struct timespec ts[2] = { { sec, 0 }, { sec, 0 } };

    g_assert_cmpint(utimensat(AT_FDCWD, path, ts, 0), ==, 0);
}

static void
change_mtime(World *w)
{
    touch(w->binary, 1000000000);
}

static void
change_size(World *w)
{
    FILE *f = fopen(w->binary, "a");

    g_assert_nonnull(f);
    fputs("trailing bytes an ELF loader ignores", f);
    fclose(f);
}

static void
replace_binary(World *w)
{
    g_autofree char *tmp = g_strconcat(w->binary, ".new", NULL);

    copy_binary(tmp);
    g_assert_cmpint(rename(tmp, w->binary), ==, 0);
}

/* The world's module file name in PREFIX/lib/qemu (NULL: the usual one). */
static char *
module_path(World *w, const char *name)
{
    return g_build_filename(w->moddir, name ? name : "hw-display-fake.so", NULL);
}

static void
add_module(World *w)
{
    g_autofree char *path = module_path(w, NULL);

    put_file(path, "module");
}

static void
touch_module(World *w)
{
    g_autofree char *path = module_path(w, NULL);

    touch(path, 1000000000);
}

static void
add_triplet_module(World *w)
{
    g_autofree char *path = g_build_filename(w->dir, "prefix", "lib", "x86_64-linux-gnu",
                                             "qemu", "accel-tcg-x86_64.so", NULL);

    put_file(path, "module");
}

static void
change_version(World *w)
{
    w->version = "99.0-test";
}

static void
change_accel(World *w)
{
    w->accel = "tcg";
}

static void
change_osrelease(World *w)
{
    put_host_file(w, "/proc/sys/kernel/osrelease", "6.12.0-test\n");
}

static void
change_kernel_build(World *w)
{
    put_host_file(w, "/proc/sys/kernel/version", "#2 SMP Debian 6.1.2\n");
}

static void
change_cmdline(World *w)
{
    put_host_file(w, "/proc/cmdline", "root=/dev/vda1 kvm_amd.nested=0\n");
}

static void
add_kvm_device(World *w)
{
    put_host_file(w, "/dev/kvm", "");
}

static void
change_nested(World *w)
{
    put_host_file(w, "/sys/module/kvm_amd/parameters/nested", "0\n");
}

static void
add_sev(World *w)
{
    put_host_file(w, "/sys/module/kvm_amd/parameters/sev", "Y\n");
}

static void
add_sev_device(World *w)
{
    put_host_file(w, "/dev/sev", "");
}

static void
add_prot_virt(World *w)
{
    put_host_file(w, "/sys/firmware/uv/prot_virt_host", "1\n");
}

static void
change_microcode(World *w)
{
    put_host_file(w, "/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                  "cpu family\t: 25\nmodel\t\t: 17\nstepping\t: 1\nmicrocode\t: 0x1000066\n"
                  "cpu MHz\t\t: 2596.1\nflags\t\t: fpu sse\n\n");
}

static void
change_signature(World *w)
{
    put_host_file(w, "/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                  "cpu family\t: 25\nmodel\t\t: 17\nstepping\t: 2\nmicrocode\t: 0x1000065\n"
                  "cpu MHz\t\t: 2596.1\nflags\t\t: fpu sse\n\n");
}

static void
change_cpu_mhz(World *w)
{
    put_host_file(w, "/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                  "cpu family\t: 25\nmodel\t\t: 17\nstepping\t: 1\nmicrocode\t: 0x1000065\n"
                  "cpu MHz\t\t: 3100.0\nflags\t\t: fpu sse\n\nprocessor\t: 1\n");
}

typedef struct {
    const char *name;
    void (*change)(World *w);
    gboolean invalidates;
} KeyCase;

static const KeyCase key_cases[] = {
    { "binary-mtime", change_mtime, TRUE },
    { "binary-size", change_size, TRUE },
    { "binary-replaced", replace_binary, TRUE },
    { "module-added", add_module, TRUE },
    { "multiarch-module-added", add_triplet_module, TRUE },
    { "version", change_version, TRUE },
    { "accel", change_accel, TRUE },
    { "osrelease", change_osrelease, TRUE },
    { "kernel-build", change_kernel_build, TRUE },
    { "kernel-cmdline", change_cmdline, TRUE },
    { "kvm-device", add_kvm_device, TRUE },
    { "kvm-nested", change_nested, TRUE },
    { "kvm-sev", add_sev, TRUE },
    { "sev-device", add_sev_device, TRUE },
    { "s390-prot-virt", add_prot_virt, TRUE },
    { "microcode", change_microcode, TRUE },
    { "cpu-signature", change_signature, TRUE },
    { "cpu-mhz", change_cpu_mhz, FALSE },  /* moves all the time: not in the key */
};

/* Warm, change one thing: a miss (one probe), then a hit again. */
static void
test_key(gconstpointer data)
{
    const KeyCase *c = data;
    g_autoptr(World) w = world_new();

    expect(w, FALSE, 0);
    expect(w, TRUE, 0);
    c->change(w);
    expect(w, !c->invalidates, 0);
    expect(w, TRUE, 0);
}

/* ---- The memo of shared key parts -------------------------------------- */

static char *
key_text_with(World *w, const char *binary, VcQemuKeyMemo *memo)
{
    VcQemuCacheOptions opts = { .cache_dir = w->cache, .root = w->root, .version = w->version,
                                .accel = w->accel, .memo = memo };
    g_autofree char *canon = realpath(binary, NULL);
    g_autoptr(VcJson) key = vc_qemu_cache_key(canon, &opts);

    return vc_cache_key_text(key);
}

typedef struct {
    World *w;
    const char *binary;
    VcQemuKeyMemo *memo;
    char *text;
} KeyJob;

static gpointer
key_job(gpointer data)
{
    KeyJob *j = data;

    j->text = key_text_with(j->w, j->binary, j->memo);
    return NULL;
}

/* Keys built with a memo, by threads at once, are the texts built without
 * one; two binaries of one directory share it.  A memo keeps what it saw
 * (it is one request's), a new one sees the change. */
static void
test_memo_key(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *other = g_build_filename(w->dir, "prefix", "bin", "fake-qemu-other", NULL);
    g_autoptr(VcQemuKeyMemo) memo = vc_qemu_key_memo_new();
    g_autoptr(VcQemuKeyMemo) later = vc_qemu_key_memo_new();
    g_autofree char *plain = NULL, *plain_other = NULL, *kept = NULL, *now = NULL, *seen = NULL;
    KeyJob jobs[8];
    GThread *threads[G_N_ELEMENTS(jobs)];

    copy_binary(other);
    add_module(w);
    plain = key_text_with(w, w->binary, NULL);
    plain_other = key_text_with(w, other, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(jobs); i++) {
        jobs[i] = (KeyJob){ w, i % 2 ? other : w->binary, memo, NULL };
        threads[i] = g_thread_new("key", key_job, &jobs[i]);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(jobs); i++) {
        g_thread_join(threads[i]);
        g_assert_cmpstr(jobs[i].text, ==, i % 2 ? plain_other : plain);
        g_free(jobs[i].text);
    }
    change_nested(w);
    touch_module(w);
    kept = key_text_with(w, w->binary, memo);
    now = key_text_with(w, w->binary, NULL);
    seen = key_text_with(w, w->binary, later);
    g_assert_cmpstr(kept, ==, plain);
    g_assert_cmpstr(now, !=, plain);
    g_assert_cmpstr(seen, ==, now);
}

/* The key after a probe is computed afresh: a host that changed since the
 * memo was filled is not stored under the memo's key. */
static void
test_memo_after_probe(void)
{
    g_autoptr(World) w = world_new();
    g_autoptr(VcQemuKeyMemo) memo = vc_qemu_key_memo_new();
    g_autofree char *filled = key_text_with(w, w->binary, memo);
    VcQemuCacheOptions opts = { .cache_dir = w->cache, .timeout_ms = 5000,
                                .warnings = w->warnings, .root = w->root, .memo = memo };
    g_autoptr(GError) err = NULL;
    g_autoptr(VcJson) f = NULL;
    g_autofree char *now = NULL;
    gboolean hit = TRUE;

    change_nested(w);
    now = key_text_with(w, w->binary, NULL);
    g_assert_cmpstr(filled, !=, now);
    f = vc_qemu_digest_for_binary(w->binary, &opts, &hit, &err);
    g_assert_no_error(err);
    g_assert_nonnull(f);
    g_assert_false(hit);
    g_assert_cmpuint(probes(w), ==, 1);
    g_assert_cmpuint(count_entries(w), ==, 0);
    expect(w, FALSE, 0);
    expect(w, TRUE, 0);
}

/* A module touched in place (same name and size) still invalidates. */
static void
test_module_touched(void)
{
    g_autoptr(World) w = world_new();

    add_module(w);
    expect(w, FALSE, 0);
    touch_module(w);
    expect(w, FALSE, 0);
    expect(w, TRUE, 0);
}

/* Each accelerator list has its own entry: both stay warm. */
static void
test_accel_entries(void)
{
    g_autoptr(World) w = world_new();

    expect(w, FALSE, 0);
    change_accel(w);
    expect(w, FALSE, 0);
    expect(w, TRUE, 0);
    w->accel = NULL;
    expect(w, TRUE, 0);
}

/* ---- The format number --------------------------------------------------- */

/* Another cache format is outdated, not a problem: a probe replaces it
 * silently.  Format 1 was the raw facts as one JSON object in NAME.json;
 * a later entry with another number in its header is outdated too. */
static void
test_format_bump(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *path = NULL, *legacy = NULL;
    guint32 format = VC_QEMU_CACHE_FORMAT + 1;
    struct stat st;
    int fd;

    expect(w, FALSE, 0);
    path = entry_path(w);
    legacy = g_strconcat(w->cache, "/", strrchr(path, '/') + 1, NULL);
    strcpy(strrchr(legacy, '.'), ".json");
    g_assert_cmpint(unlink(path), ==, 0);
    put_file(legacy, "{\"virtcaps_cache\": 1, \"key\": {}, \"facts\": {\"format\": 1}}\n");
    expect(w, FALSE, 0);
    g_assert_cmpint(stat(legacy, &st), <, 0);   /* the old entry went with the store */
    expect(w, TRUE, 0);
    /* the header's format number (after the 8-byte magic) */
    fd = open(path, O_WRONLY);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pwrite(fd, &format, sizeof(format), 8), ==, sizeof(format));
    close(fd);
    expect(w, FALSE, 0);
    expect(w, TRUE, 0);
}

/* ---- Bad files ---------------------------------------------------------- */

static void
truncate_entry(World *w, const char *path)
{
    struct stat st;

    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(truncate(path, st.st_size / 2), ==, 0);
}

static void
corrupt_entry(World *w, const char *path)
{
    int fd = open(path, O_WRONLY);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pwrite(fd, "}]]x{\"", 6, 40), ==, 6);
    close(fd);
}

static void
foreign_layout(World *w, const char *path)
{
    put_file(path, "<virtcaps-cache/>\n");
}

static void
empty_entry(World *w, const char *path)
{
    put_file(path, "");
}

static void
foreign_owner(World *w, const char *path)
{
    g_assert_cmpint(chown(path, NOBODY, NOBODY), ==, 0);
}

static void
symlink_entry(World *w, const char *path)
{
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *target = g_strdup_printf("%s/elsewhere-%s", w->dir, base);
    g_autofree char *data = NULL;

    /* A valid entry behind the link: it must still not be followed. */
    g_assert_true(g_file_get_contents(path, &data, NULL, NULL));
    put_file(target, data);
    g_assert_cmpint(unlink(path), ==, 0);
    g_assert_cmpint(symlink(target, path), ==, 0);
}

static void
fifo_entry(World *w, const char *path)
{
    g_assert_cmpint(unlink(path), ==, 0);
    g_assert_cmpint(mkfifo(path, 0600), ==, 0);
}

typedef struct {
    const char *name;
    void (*spoil)(World *w, const char *path);
    const char *warning;
    gboolean needs_root;
} BadCase;

static const BadCase bad_cases[] = {
    { "truncated", truncate_entry, "truncated; ignoring it", FALSE },
    { "corrupt", corrupt_entry, "corrupt (checksum mismatch); ignoring it", FALSE },
    { "empty", empty_entry, "empty file; ignoring it", FALSE },
    { "wrong-layout", foreign_layout, "not a virtcaps cache file; ignoring it", FALSE },
    { "foreign-owner", foreign_owner, "is owned by uid 65534", TRUE },
    { "symlink", symlink_entry, "is a symbolic link; ignoring it", FALSE },
    { "fifo", fifo_entry, "is not a regular file; ignoring it", FALSE },
};

/* A bad entry: one warning naming it, a probe, and a good entry after. */
static void
test_bad_file(gconstpointer data)
{
    const BadCase *c = data;
    g_autoptr(World) w = world_new();
    g_autofree char *path = NULL;
    struct stat st;

    if (c->needs_root && geteuid() != 0) {
        g_test_skip("needs root to give a file away");
        return;
    }
    expect(w, FALSE, 0);
    path = entry_path(w);
    c->spoil(w, path);
    expect(w, FALSE, 1);
    expect_warning(w, path);
    expect_warning(w, c->warning);
    g_assert_cmpint(lstat(path, &st), ==, 0);
    g_assert_true(S_ISREG(st.st_mode));
    g_assert_cmpuint(st.st_uid, ==, geteuid());
    expect(w, TRUE, 0);
    assert_only_entries(w);
}

/* ---- Remembered directory listings -------------------------------------- */

/* The directories the key listed (vc_qemu_cache_set_list_hook()). */
static GPtrArray *listed_dirs;

static void
note_listing(const char *dir)
{
    g_ptr_array_add(listed_dirs, g_strdup(dir));
}

/* A clock an hour ahead: every directory of a test is "settled" (2 s old)
 * as soon as it exists. */
static gint64
clock_ahead(void)
{
    return (g_get_real_time() + (gint64)3600 * G_USEC_PER_SEC) * 1000;
}

static void
listing_hooks(gint64 (*clock)(void))
{
    if (!listed_dirs)
        listed_dirs = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_set_size(listed_dirs, 0);
    vc_qemu_cache_set_list_hook(note_listing);
    vc_qemu_cache_set_clock_hook(clock);
}

static void
listing_hooks_off(void)
{
    vc_qemu_cache_set_list_hook(NULL);
    vc_qemu_cache_set_clock_hook(NULL);
}

/* How many existing directories were listed (a missing one, such as
 * /var/run/qemu, is tried every time: there is nothing to remember). */
static guint
existing_listed(void)
{
    guint n = 0;

    for (guint i = 0; i < listed_dirs->len; i++)
        n += g_file_test(listed_dirs->pdata[i], G_FILE_TEST_IS_DIR);
    return n;
}

static guint
times_listed(const char *dir)
{
    guint n = 0;

    for (guint i = 0; i < listed_dirs->len; i++)
        n += strcmp(listed_dirs->pdata[i], dir) == 0;
    return n;
}

/* The key text of binary with the world's cache (created: a key never
 * creates it), or without any (no_cache: every directory listed, the
 * reference).  Starts a new count of listings.  A remembered listing is
 * an optimisation: whatever its file holds, no warning. */
static char *
cached_key_text(World *w, const char *binary, gboolean no_cache)
{
    VcQemuCacheOptions opts = { .cache_dir = w->cache, .root = w->root, .version = w->version,
                                .no_cache = no_cache, .warnings = w->warnings };
    g_autofree char *canon = realpath(binary, NULL);
    g_autoptr(VcJson) key = NULL;

    g_assert_nonnull(canon);
    g_assert_cmpint(g_mkdir_with_parents(w->cache, 0700), ==, 0);
    g_ptr_array_set_size(listed_dirs, 0);
    g_ptr_array_set_size(w->warnings, 0);
    key = vc_qemu_cache_key(canon, &opts);
    g_assert_cmpuint(w->warnings->len, ==, 0);
    return vc_cache_key_text(key);
}

/* The remembered listings in the cache directory, as paths. */
static GPtrArray *
listing_blobs(World *w)
{
    g_autoptr(GDir) d = g_dir_open(w->cache, 0, NULL);
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    while (d && (name = g_dir_read_name(d)))
        if (is_listing_blob(name))
            g_ptr_array_add(paths, g_build_filename(w->cache, name, NULL));
    return paths;
}

static char *
bindir_of(World *w)
{
    return g_path_get_dirname(w->binary);
}

static char *
libdir_of(World *w)
{
    return g_build_filename(w->dir, "prefix", "lib", NULL);
}

static void
assert_no_blobs(World *w)
{
    g_autoptr(GPtrArray) blobs = listing_blobs(w);

    g_assert_cmpuint(blobs->len, ==, 0);
}

/* Each remembered listing is 0600 and ours. */
static void
assert_blobs_safe(World *w, guint at_least)
{
    g_autoptr(GPtrArray) blobs = listing_blobs(w);

    g_assert_cmpuint(blobs->len, >=, at_least);
    for (guint i = 0; i < blobs->len; i++) {
        struct stat st;

        g_assert_cmpint(lstat(blobs->pdata[i], &st), ==, 0);
        g_assert_true(S_ISREG(st.st_mode));
        g_assert_cmpint(st.st_mode & 07777, ==, 0600);
        g_assert_cmpuint(st.st_uid, ==, geteuid());
    }
}

/* A second key of an unchanged world lists none of its directories and
 * is the text of a key that lists them all. */
static void
test_listing_remembered(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *bindir = bindir_of(w);
    g_autofree char *plain = NULL, *first = NULL, *second = NULL;

    listing_hooks(clock_ahead);
    add_module(w);
    add_triplet_module(w);
    plain = cached_key_text(w, w->binary, TRUE);
    assert_no_blobs(w);
    first = cached_key_text(w, w->binary, FALSE);
    g_assert_cmpuint(times_listed(bindir), ==, 1);
    g_assert_cmpuint(times_listed(w->moddir), ==, 1);
    assert_blobs_safe(w, 4);   /* bin, lib, lib/qemu, lib/TRIPLET/qemu */
    second = cached_key_text(w, w->binary, FALSE);
    g_assert_cmpuint(existing_listed(), ==, 0);
    g_assert_cmpstr(first, ==, plain);
    g_assert_cmpstr(second, ==, plain);
    g_assert_nonnull(strstr(plain, w->moddir));
    listing_hooks_off();
}

/* Wait until the kernel's file-time clock is past dir's times: with the
 * clock hook ahead, the 2-second rule no longer keeps a change in the
 * listing's tick from leaving the times equal, so the test must. */
static void
next_tick(const char *dir)
{
    struct timespec now;
    struct stat st;

    g_assert_cmpint(stat(dir, &st), ==, 0);
    do {
        g_usleep(1000);
        clock_gettime(CLOCK_REALTIME_COARSE, &now);
    } while (now.tv_sec < st.st_ctim.tv_sec ||
             (now.tv_sec == st.st_ctim.tv_sec && now.tv_nsec <= st.st_ctim.tv_nsec));
}

static void
add_second_module(World *w)
{
    g_autofree char *path = module_path(w, "ui-fake.so");

    put_file(path, "module");
}

static void
remove_module(World *w)
{
    g_autofree char *path = module_path(w, NULL);

    g_assert_cmpint(unlink(path), ==, 0);
}

static void
rename_module(World *w)
{
    g_autofree char *from = module_path(w, NULL), *to = module_path(w, "hw-display-other.so");

    g_assert_cmpint(rename(from, to), ==, 0);
}

static void
rewrite_module(World *w)
{
    g_autofree char *path = module_path(w, NULL);
    FILE *f = fopen(path, "a");

    g_assert_nonnull(f);
    fputs(" rewritten in place", f);
    fclose(f);
}

static void
add_program(World *w)
{
    g_autofree char *bindir = bindir_of(w);
    g_autofree char *path = g_build_filename(bindir, "not-a-module", NULL);

    put_file(path, "");
}

typedef struct {
    const char *name;
    void (*change)(World *w);
    const char *listed;       /* "bin", "lib" or "moddir": listed again */
    gboolean key_changes;
} ListingCase;

static const ListingCase listing_cases[] = {
    { "module-added", add_second_module, "moddir", TRUE },
    { "module-removed", remove_module, "moddir", TRUE },
    { "module-renamed", rename_module, "moddir", TRUE },
    /* Names unchanged: the remembered listing serves, the module's stat
     * sees the change. */
    { "module-rewritten", rewrite_module, NULL, TRUE },
    { "program-added", add_program, "bin", FALSE },
    { "triplet-added", add_triplet_module, "lib", TRUE },
};

/* The directory a case changes: dirs holds bin, lib and the module one. */
static const char *
changed_dir(const ListingCase *c, const char *const dirs[3])
{
    if (!c->listed)
        return NULL;
    if (strcmp(c->listed, "bin") == 0)
        return dirs[0];
    return strcmp(c->listed, "lib") == 0 ? dirs[1] : dirs[2];
}

/* After a change, the key is the text of a key that lists everything, the
 * changed directory (and only it) was listed again, and the next key lists
 * nothing. */
static void
test_listing_change(gconstpointer data)
{
    const ListingCase *c = data;
    g_autoptr(World) w = world_new();
    g_autofree char *bindir = bindir_of(w), *libdir = libdir_of(w);
    g_autofree char *before = NULL, *after = NULL, *truth = NULL, *again = NULL;
    const char *const dirs[3] = { bindir, libdir, w->moddir };

    listing_hooks(clock_ahead);
    add_module(w);
    before = cached_key_text(w, w->binary, FALSE);
    next_tick(changed_dir(c, dirs) ? changed_dir(c, dirs) : w->moddir);
    c->change(w);
    after = cached_key_text(w, w->binary, FALSE);
    for (gsize i = 0; i < G_N_ELEMENTS(dirs); i++)
        g_assert_cmpuint(times_listed(dirs[i]), ==, dirs[i] == changed_dir(c, dirs));
    truth = cached_key_text(w, w->binary, TRUE);
    g_assert_cmpstr(after, ==, truth);
    if (c->key_changes)
        g_assert_cmpstr(after, !=, before);
    else
        g_assert_cmpstr(after, ==, before);
    again = cached_key_text(w, w->binary, FALSE);
    g_assert_cmpstr(again, ==, truth);
    g_assert_cmpuint(existing_listed(), ==, 0);
    listing_hooks_off();
}

/* Make dir's times fresh: a name created and removed. */
static void
freshen(const char *dir)
{
    g_autofree char *path = g_build_filename(dir, "fresh", NULL);

    put_file(path, "");
    g_assert_cmpint(unlink(path), ==, 0);
}

/* A directory changed less than 2 s ago (real clock) is listed every time
 * and not remembered, even with its mtime set back: its ctime is fresh. */
static void
test_listing_fresh(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *bindir = bindir_of(w);
    g_autofree char *truth = NULL;
    struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

    listing_hooks(NULL);
    add_module(w);
    truth = cached_key_text(w, w->binary, TRUE);
    for (int aged = 0; aged < 2; aged++) {
        freshen(bindir);
        freshen(w->moddir);
        if (aged) {
            g_assert_cmpint(utimensat(AT_FDCWD, bindir, old, 0), ==, 0);
            g_assert_cmpint(utimensat(AT_FDCWD, w->moddir, old, 0), ==, 0);
        }
        for (int i = 0; i < 2; i++) {
            g_autofree char *key = cached_key_text(w, w->binary, FALSE);

            g_assert_cmpstr(key, ==, truth);
            g_assert_cmpuint(times_listed(bindir), ==, 1);
            g_assert_cmpuint(times_listed(w->moddir), ==, 1);
        }
    }
    assert_no_blobs(w);
    listing_hooks_off();
}

/* With the real clock: a directory whose times are old (that of `true`,
 * /usr/bin on any installed system) is listed once, then remembered. */
static void
test_listing_real_clock(void)
{
    World w = { .cache = g_build_filename(workdir, "real-clock-cache", NULL),
                .binary = g_find_program_in_path("true"),
                .warnings = g_ptr_array_new_with_free_func(g_free) };
    g_autofree char *canon = w.binary ? realpath(w.binary, NULL) : NULL;
    g_autofree char *bindir = canon ? g_path_get_dirname(canon) : NULL;
    g_autofree char *truth = NULL, *first = NULL, *second = NULL;
    struct stat st;

    if (!bindir || stat(bindir, &st) < 0 || st.st_ctime > time(NULL) - 10) {
        g_test_skip("needs the directory of `true` unchanged for 10 s");
        goto out;
    }
    listing_hooks(NULL);
    truth = cached_key_text(&w, w.binary, TRUE);
    first = cached_key_text(&w, w.binary, FALSE);
    g_assert_cmpuint(times_listed(bindir), ==, 1);
    second = cached_key_text(&w, w.binary, FALSE);
    g_assert_cmpuint(times_listed(bindir), ==, 0);
    g_assert_cmpstr(first, ==, truth);
    g_assert_cmpstr(second, ==, truth);
    listing_hooks_off();
 out:
    g_free(w.cache);
    g_free(w.binary);
    g_ptr_array_unref(w.warnings);
}

/* A bad remembered listing is ignored without a word (it is only an
 * optimisation): the directory is listed, the key is right, and the file
 * is replaced by a good one. */
static void
test_listing_bad(gconstpointer data)
{
    const BadCase *c = data;
    g_autoptr(World) w = world_new();
    g_autoptr(GPtrArray) blobs = NULL;
    g_autofree char *bindir = bindir_of(w);
    g_autofree char *truth = NULL, *key = NULL, *again = NULL;

    if (c->needs_root && geteuid() != 0) {
        g_test_skip("needs root to give a file away");
        return;
    }
    listing_hooks(clock_ahead);
    add_module(w);
    truth = cached_key_text(w, w->binary, TRUE);
    g_free(cached_key_text(w, w->binary, FALSE));
    blobs = listing_blobs(w);
    g_assert_cmpuint(blobs->len, >=, 3);
    for (guint i = 0; i < blobs->len; i++)
        c->spoil(w, blobs->pdata[i]);
    key = cached_key_text(w, w->binary, FALSE);
    g_assert_cmpstr(key, ==, truth);
    g_assert_cmpuint(times_listed(bindir), ==, 1);
    g_assert_cmpuint(times_listed(w->moddir), ==, 1);
    assert_blobs_safe(w, blobs->len);
    again = cached_key_text(w, w->binary, FALSE);
    g_assert_cmpstr(again, ==, truth);
    g_assert_cmpuint(existing_listed(), ==, 0);
    listing_hooks_off();
}

/* no_cache: every directory is listed each time and nothing is written,
 * nor is the cache directory created. */
static void
test_listing_no_cache(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *bindir = bindir_of(w);
    VcQemuCacheOptions opts = { .cache_dir = w->cache, .no_cache = TRUE };
    g_autofree char *canon = realpath(w->binary, NULL);

    listing_hooks(clock_ahead);
    for (int i = 0; i < 2; i++) {
        g_autoptr(VcJson) key = vc_qemu_cache_key(canon, &opts);

        g_assert_nonnull(key);
    }
    g_assert_cmpuint(times_listed(bindir), ==, 2);
    g_assert_false(g_file_test(w->cache, G_FILE_TEST_EXISTS));
    opts.no_cache = FALSE;   /* a key does not create the directory either */
    json_object_put(vc_qemu_cache_key(canon, &opts));
    g_assert_cmpuint(times_listed(bindir), ==, 3);
    g_assert_false(g_file_test(w->cache, G_FILE_TEST_EXISTS));
    listing_hooks_off();
}

/* ---- The directory ------------------------------------------------------ */

static void
test_dir_symlink(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *real = g_build_filename(w->dir, "real-cache", NULL);
    g_autoptr(GDir) d = NULL;

    g_assert_cmpint(mkdir(real, 0700), ==, 0);
    g_assert_cmpint(symlink(real, w->cache), ==, 0);
    expect(w, FALSE, 1);
    expect_warning(w, "is a symbolic link; not using the cache");
    expect(w, FALSE, 1);
    d = g_dir_open(real, 0, NULL);
    g_assert_null(g_dir_read_name(d));
}

static void
test_dir_group_writable(void)
{
    g_autoptr(World) w = world_new();

    expect(w, FALSE, 0);
    g_assert_cmpint(chmod(w->cache, 0770), ==, 0);
    expect(w, FALSE, 1);
    expect_warning(w, "writable by group or others (mode 0770); not using the cache");
}

static void
test_dir_foreign(void)
{
    g_autoptr(World) w = world_new();

    if (geteuid() != 0) {
        g_test_skip("needs root to give a directory away");
        return;
    }
    g_assert_cmpint(mkdir(w->cache, 0700), ==, 0);
    g_assert_cmpint(chown(w->cache, NOBODY, NOBODY), ==, 0);
    expect(w, FALSE, 1);
    expect_warning(w, "owned by uid 65534");
}

/* Root writes anywhere: without CAP_DAC_OVERRIDE it obeys the mode bits. */
static void
drop_capabilities(void)
{
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct caps[2];

    memset(caps, 0, sizeof(caps));
    if (geteuid() == 0 && syscall(SYS_capset, &hdr, caps) != 0)
        g_error("capset: %s", g_strerror(errno));
}

/* /dev/kvm that stops or starts being usable (permissions) invalidates. */
static void
kvm_access_body(World *w)
{
    g_autofree char *dev = g_strconcat(w->root, "/dev/kvm", NULL);

    drop_capabilities();
    expect(w, TRUE, 0);
    g_assert_cmpint(chmod(dev, 0), ==, 0);
    expect(w, FALSE, 0);
    expect(w, TRUE, 0);
    g_assert_cmpint(chmod(dev, 0600), ==, 0);
    expect(w, FALSE, 0);
}

/* Run body in a child process (with limits the parent must not keep). */
static void
in_child(World *w, void (*body)(World *w))
{
    pid_t pid = fork();
    int status;

    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        body(w);
        _exit(0);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
read_only_body(World *w)
{
    drop_capabilities();
    expect(w, TRUE, 0);            /* reading still works */
    change_mtime(w);
    expect(w, FALSE, 1);           /* a probe, one warning, nothing written */
    expect_warning(w, "cannot write");
    expect(w, FALSE, 1);
}

/* Empty and read-only: not even a lock file can be made. */
static void
read_only_empty_body(World *w)
{
    drop_capabilities();
    expect(w, FALSE, 1);
    expect_warning(w, "cannot write (Permission denied); the answer is probed, not cached");
    expect(w, FALSE, 1);
}

static void
test_dir_read_only(void)
{
    g_autoptr(World) w = world_new();

    expect(w, FALSE, 0);
    g_assert_cmpint(chmod(w->cache, 0500), ==, 0);
    in_child(w, read_only_body);
    g_assert_cmpint(chmod(w->cache, 0700), ==, 0);
    remove_tree(w->cache);
    g_assert_cmpint(mkdir(w->cache, 0500), ==, 0);
    in_child(w, read_only_empty_body);
    g_assert_cmpint(chmod(w->cache, 0700), ==, 0);
}

static void
test_kvm_access(void)
{
    g_autoptr(World) w = world_new();

    add_kvm_device(w);
    g_assert_cmpint(chmod(w->root, 0755), ==, 0);
    expect(w, FALSE, 0);
    in_child(w, kvm_access_body);
}

/* Writes fail as on a full disk (the file size limit gives EFBIG). */
static void
full_disk_body(World *w)
{
    struct rlimit small = { 64, 64 };

    signal(SIGXFSZ, SIG_IGN);
    g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &small), ==, 0);
    change_mtime(w);
    expect(w, FALSE, 1);
    expect_warning(w, "cannot write: File too large; the answer is probed, not cached");
    expect(w, FALSE, 1);
}

static void
test_full_disk(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *path = NULL, *before = NULL, *after = NULL;

    expect(w, FALSE, 0);
    path = entry_path(w);
    g_assert_true(g_file_get_contents(path, &before, NULL, NULL));
    in_child(w, full_disk_body);
    g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
    g_assert_cmpstr(before, ==, after);  /* the old entry is intact */
    assert_only_entries(w);               /* no temporary file left */
}

/* ---- The command line --------------------------------------------------- */

static char *run_cli(int want_status, ...) G_GNUC_NULL_TERMINATED;

/* No GSubprocess: its helper thread would haunt the children that other
 * tests fork (valgrind reports its memory as lost there). */
static GPid
spawn_probe(World *w, const char *out, const char *errout)
{
    const char *argv[] = { virtcaps, "qemu-probe", "--digest", "--emulator", w->binary, "--cache-dir",
                           w->cache, NULL };
    g_autoptr(GError) err = NULL;
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int efd = open(errout, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    GPid pid = 0;

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(efd, >=, 0);
    g_assert_true(g_spawn_async_with_fds(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                         NULL, NULL, &pid, -1, fd, efd, &err));
    g_assert_no_error(err);
    close(fd);
    close(efd);
    return pid;
}

/* 32 at once: identical outputs, one probe, and at most one warning each
 * (want_warning: the one every warning must contain). */
static void
run_concurrent(World *w, const char *want_warning)
{
    GPid pids[CONCURRENT];
    g_autofree char *first = NULL;

    for (guint i = 0; i < CONCURRENT; i++) {
        g_autofree char *out = g_strdup_printf("%s/out-%u", w->dir, i);
        g_autofree char *errout = g_strdup_printf("%s/err-%u", w->dir, i);

        pids[i] = spawn_probe(w, out, errout);
    }
    for (guint i = 0; i < CONCURRENT; i++) {
        g_autofree char *out = g_strdup_printf("%s/out-%u", w->dir, i);
        g_autofree char *errout = g_strdup_printf("%s/err-%u", w->dir, i);
        g_autofree char *text = NULL, *errtext = NULL;
        int status;

        g_assert_true(g_file_get_contents(errout, &errtext, NULL, NULL));
        if (*errtext && (!want_warning || !strstr(errtext, want_warning) ||
                         strchr(errtext, '\n') != errtext + strlen(errtext) - 1))
            g_error("unexpected stderr: %s", errtext);

        g_assert_cmpint(waitpid(pids[i], &status, 0), ==, pids[i]);
        g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        g_assert_true(g_file_get_contents(out, &text, NULL, NULL));
        g_assert_true(g_str_has_prefix(text, "{\n"));
        if (!first)
            first = g_steal_pointer(&text);
        else
            g_assert_cmpstr(text, ==, first);
    }
    g_assert_cmpuint(probes(w), ==, 1);
    assert_only_entries(w);
}

static void
test_concurrent(void)
{
    g_autoptr(World) w = world_new();

    run_concurrent(w, NULL);
}

/* The same with a corrupt entry in the way: it is replaced once. */
static void
test_concurrent_corrupt(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *counter = g_strconcat(w->binary, ".probes", NULL);
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;

    g_free(run_cli(0, "qemu-probe", "--digest", "--emulator", w->binary, "--cache-dir", w->cache, NULL));
    path = entry_path(w);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    text[strlen(text) / 2] = '\0';
    put_file(path, text);
    g_assert_cmpint(truncate(counter, 0), ==, 0);
    run_concurrent(w, "truncated; ignoring it");
}

/* A binary that fails to probe: the error every time, nothing stored. */
static void
test_probe_failure(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *bad = g_build_filename(w->dir, "prefix", "bin", "fake-qemu-exit", NULL);
    VcQemuCacheOptions opts = { .cache_dir = w->cache, .timeout_ms = 5000,
                                .warnings = w->warnings, .root = w->root };

    copy_binary(bad);
    for (int i = 0; i < 2; i++) {
        g_autoptr(GError) err = NULL;
        gboolean hit = TRUE;

        g_assert_null(vc_qemu_digest_for_binary(bad, &opts, &hit, &err));
        g_assert_false(hit);
        g_assert_error(err, VC_QEMU_ERROR, VC_QEMU_ERROR_PROCESS);
        g_assert_true(g_str_has_prefix(err->message, bad));
    }
    g_assert_cmpuint(w->warnings->len, ==, 0);
    g_assert_cmpuint(count_entries(w), ==, 0);
}

static char *
run_cli(int want_status, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *out = NULL, *err_text = NULL;
    g_autoptr(GError) err = NULL;
    const char *arg;
    va_list ap;
    int status;

    g_ptr_array_add(argv, (char *)virtcaps);
    va_start(ap, want_status);
    while ((arg = va_arg(ap, const char *)))
        g_ptr_array_add(argv, (char *)arg);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err_text, &status, &err));
    g_assert_no_error(err);
    g_test_message("stdout: %s\nstderr: %s", out, err_text);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, want_status);
    return g_strconcat(out, err_text, NULL);
}

static void
assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        g_error("\"%s\" lacks \"%s\"", text, part);
}

/* The CLI has no --root: its entries are keyed on this host. */
static void
test_cli(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *canon = realpath(w->binary, NULL);
    g_autofree char *show = NULL, *stale = NULL, *cleared = NULL, *empty = NULL, *out = NULL;
    g_autofree char *header = g_strdup_printf("%s: 0 entries", w->cache);

    g_free(run_cli(0, "qemu-probe", "--digest", "--emulator", w->binary, "--cache-dir", w->cache, NULL));
    show = run_cli(0, "cache", "show", "--cache-dir", w->cache, NULL);
    assert_contains(show, ": 1 entry\n");
    assert_contains(show, canon);
    assert_contains(show, "[kvm:tcg]: valid,");
    assert_contains(show, "QEMU 7.2.0 (fake)");
    change_mtime(w);
    stale = run_cli(0, "cache", "show", "--cache-dir", w->cache, NULL);
    assert_contains(stale, "[kvm:tcg]: stale,");
    cleared = run_cli(0, "cache", "clear", "--cache-dir", w->cache, NULL);
    assert_contains(cleared, ": removed 1 entry");
    empty = run_cli(0, "cache", "show", "--cache-dir", w->cache, NULL);
    assert_contains(empty, header);
    /* --no-cache: probes every time and writes nothing. */
    out = run_cli(0, "qemu-probe", "--digest", "--emulator", w->binary, "--cache-dir", w->cache,
                  "--no-cache", NULL);
    g_assert_cmpuint(probes(w), ==, 2);
    g_free(run_cli(0, "qemu-probe", "--digest", "--emulator", w->binary, "--no-cache", "--cache-dir",
                   w->cache, NULL));
    g_assert_cmpuint(probes(w), ==, 3);
    g_free(empty);
    empty = run_cli(0, "cache", "show", "--cache-dir", w->cache, NULL);
    assert_contains(empty, header);
}

/* The CLI prints a cache warning as one line and still answers. */
static void
test_cli_warning(void)
{
    g_autoptr(World) w = world_new();
    g_autofree char *real = g_build_filename(w->dir, "real-cache", NULL);
    g_autofree char *out = NULL, *want = NULL;

    g_assert_cmpint(mkdir(real, 0700), ==, 0);
    g_assert_cmpint(symlink(real, w->cache), ==, 0);
    out = run_cli(0, "qemu-probe", "--digest", "--emulator", w->binary, "--cache-dir", w->cache, NULL);
    want = g_strdup_printf("virtcaps: warning: %s: is a symbolic link; not using the cache\n",
                           w->cache);
    assert_contains(out, want);
    assert_contains(out, "\"query-target\"");
}

/* One test per case of a table whose rows start with their name. */
static void
add_cases(const char *prefix, const void *cases, gsize n, gsize size, GTestDataFunc test)
{
    for (gsize i = 0; i < n; i++) {
        const void *c = (const char *)cases + i * size;
        g_autofree char *path = g_strdup_printf("%s/%s", prefix, *(const char *const *)c);

        g_test_add_data_func(path, c, test);
    }
}

#define ADD_CASES(prefix, cases, test) \
    add_cases(prefix, cases, G_N_ELEMENTS(cases), sizeof(cases[0]), test)

int
main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    if (argc != 3) {
        fprintf(stderr, "usage: test-qemu-cache FAKE_QEMU VIRTCAPS\n");
        return 2;
    }
    fake_src = g_canonicalize_filename(argv[1], NULL);
    virtcaps = argv[2];
    workdir = g_dir_make_tmp("virtcaps-cache-XXXXXX", NULL);
    g_assert_nonnull(workdir);
    g_test_add_func("/cache/hit-miss", test_hit_miss);
    g_test_add_func("/cache/derived", test_derived);
    ADD_CASES("/cache/key", key_cases, test_key);
    g_test_add_func("/cache/key/module-touched", test_module_touched);
    g_test_add_func("/cache/key/kvm-access", test_kvm_access);
    g_test_add_func("/cache/memo/key", test_memo_key);
    g_test_add_func("/cache/memo/after-probe", test_memo_after_probe);
    g_test_add_func("/cache/accel-entries", test_accel_entries);
    g_test_add_func("/cache/format-bump", test_format_bump);
    ADD_CASES("/cache/bad", bad_cases, test_bad_file);
    g_test_add_func("/cache/listing/remembered", test_listing_remembered);
    ADD_CASES("/cache/listing", listing_cases, test_listing_change);
    g_test_add_func("/cache/listing/fresh", test_listing_fresh);
    g_test_add_func("/cache/listing/real-clock", test_listing_real_clock);
    ADD_CASES("/cache/listing/bad", bad_cases, test_listing_bad);
    g_test_add_func("/cache/listing/no-cache", test_listing_no_cache);
    g_test_add_func("/cache/dir/symlink", test_dir_symlink);
    g_test_add_func("/cache/dir/group-writable", test_dir_group_writable);
    g_test_add_func("/cache/dir/foreign", test_dir_foreign);
    g_test_add_func("/cache/dir/read-only", test_dir_read_only);
    g_test_add_func("/cache/dir/full-disk", test_full_disk);
    g_test_add_func("/cache/concurrent", test_concurrent);
    g_test_add_func("/cache/concurrent-corrupt", test_concurrent_corrupt);
    g_test_add_func("/cache/probe-failure", test_probe_failure);
    g_test_add_func("/cache/cli/show-clear-no-cache", test_cli);
    g_test_add_func("/cache/cli/warning", test_cli_warning);
    rc = g_test_run();
    remove_tree(workdir);
    g_free(workdir);
    g_free(fake_src);
    return rc;
}
