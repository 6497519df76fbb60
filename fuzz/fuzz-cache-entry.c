/*
 * The QEMU facts cache reader, through the real lookup: the input becomes
 * the entry file of a binary in a private cache directory, then
 * vc_qemu_digest_for_binary runs.  The binary is not a program, and TMPDIR
 * names no directory, so every refused entry ends in a probe that fails
 * before it forks (a fork costs more than the rest of the lookup): no
 * answer but a cached one is possible.  The first byte picks what the rest
 * is:
 *
 *   0  the whole file, as is
 *   1  the payload: the harness prepends a valid header (size, CRC), so
 *      the GVariant reading is reached
 *   2  the digest: the harness wraps it with the current key and a valid
 *      header, so the digest reader and everything after it is reached
 *   3  a guest summary (policy/guests.h), written as the value derived
 *      from the digest (vc_qemu_derived_for_binary) under the current key
 *      beside a valid digest: a summary of the right shape is used, any
 *      other is refused and derived again from the digest; either way the
 *      <guest> built from it must format as well-formed XML
 *
 * Checks: in modes 0 and 1 the entry is never trusted (its key cannot
 * name this process's temporary binary); in mode 2 it is used exactly when
 * it is a digest, else refused with one warning naming the file; a used
 * digest must build domain capabilities without harm.
 */
#include "fuzz.h"
#include "domcaps-check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "qemu/cache.h"
#include "qemu/digest.h"
#include "policy/guests.h"

/* src/qemu/cache.c's layout (docs/cache.md); setup() checks that a
 * harness-made entry of the fixed digest is a hit, so drift is caught. */
typedef struct {
    char magic[8];
    guint32 format;
    guint32 crc;
    guint64 size;
} EntryHeader;

#define ENTRY_TYPE "(ay" VC_QEMU_DIGEST_TYPE ")"
#define ACCEL "kvm:tcg"

typedef struct {
    char *binary;
    char *entry;       /* the entry file's path */
    char *guest;       /* the derived guest summary's path */
    char *key;         /* the current key's text */
    GBytes *good;      /* a valid entry file of the current key */
    VcQemuCacheOptions opts;
} Setup;

static char *
entry_path(const char *cache, const char *canon, const char *suffix, const char *prefix)
{
    g_autofree char *id = g_strconcat(canon, "\n", ACCEL, NULL);
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, id, -1);
    g_autofree char *name = g_strdup_printf("%s%.32s%s", prefix, sum, suffix);

    return g_build_filename(cache, name, NULL);
}

static GBytes *
with_header(const void *payload, gsize len)
{
    EntryHeader h = { .format = VC_QEMU_CACHE_FORMAT, .size = len };
    char *buf = g_malloc(sizeof(h) + len);

    memcpy(h.magic, "VIRTCAPS", 8);
    h.crc = (guint32)crc32_z(0, payload, len);
    memcpy(buf, &h, sizeof(h));
    if (len)
        memcpy(buf + sizeof(h), payload, len);
    return g_bytes_new_take(buf, sizeof(h) + len);
}

/* A blob file of cache.c: (key, value bytes) with the header. */
static GBytes *
wrap_blob(const char *key, const void *data, gsize len)
{
    g_autoptr(GVariant) payload = g_variant_ref_sink(g_variant_new(
        "(@ay@ay)", g_variant_new_bytestring(key),
        g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, data, len, 1)));

    return with_header(g_variant_get_data(payload), g_variant_get_size(payload));
}

/* (key, digest) around digest bytes that may be anything: GVariant keeps
 * a child's serialised bytes as they are. */
static GBytes *
wrap_digest(const char *key, const void *data, gsize len)
{
    g_autoptr(GBytes) raw = g_bytes_new(data, len);
    GVariant *digest = g_variant_new_from_bytes(G_VARIANT_TYPE(VC_QEMU_DIGEST_TYPE), raw, FALSE);
    g_autoptr(GVariant) payload = g_variant_ref_sink(
        g_variant_new("(@ay@" VC_QEMU_DIGEST_TYPE ")", g_variant_new_bytestring(key), digest));
    g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes(payload);
    gsize size;
    const void *p = g_bytes_get_data(bytes, &size);

    return with_header(p, size);
}

static void
write_entry(const char *path, GBytes *bytes)
{
    gsize len;
    const char *p = g_bytes_get_data(bytes, &len);
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);

    vc_fuzz_put_file(dir, base, p ? p : "", len);
}

static void
check_warnings(const GPtrArray *warnings)
{
    for (guint i = 0; i < warnings->len; i++) {
        const char *w = g_ptr_array_index(warnings, i);

        if (strchr(w, '\n') || !g_utf8_validate(w, -1, NULL))
            vc_fuzz_fail("a cache warning is not one line of UTF-8", w);
    }
}

/* The lookup; *warned: a warning names the entry file. */
static json_object *
lookup(const Setup *s, gboolean *hit, gboolean *warned)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    VcQemuCacheOptions opts = s->opts;
    json_object *digest;

    opts.warnings = warnings;
    digest = vc_qemu_digest_for_binary(s->binary, &opts, hit, &error);
    check_warnings(warnings);
    *warned = FALSE;
    for (guint i = 0; i < warnings->len; i++)
        *warned |= g_str_has_prefix(g_ptr_array_index(warnings, i), s->entry);
    if (!digest && (*hit || !error))
        vc_fuzz_fail("cache lookup", "no digest, yet no probe error");
    if (digest && !*hit)
        vc_fuzz_fail("cache lookup", "a probe of a non-program succeeded");
    return digest;
}

static void
use_digest(json_object *digest)
{
    g_autoptr(VcHostFacts) host = vc_fuzz_host_facts();
    g_autoptr(GPtrArray) no_firmware = g_ptr_array_new();

    if (!vc_qemu_is_digest(digest))
        vc_fuzz_fail("cache lookup", "a hit that is not a digest");
    vc_qemu_digest_thaw_all(digest);
    vc_fuzz_check_domcaps(digest, host, no_firmware);
}

static void
make_world(Setup *s)
{
    const char *tmp = vc_fuzz_tmpdir();
    g_autofree char *cache = g_build_filename(tmp, "cache", NULL);
    g_autoptr(VcJson) key = NULL;
    char *canon;

    /* A text file: exec fails at once with ENOEXEC, no process runs. */
    vc_fuzz_put_file(tmp, "prefix/bin/qemu-system-x86_64", "not a program\n", 14);
    s->binary = g_build_filename(tmp, "prefix/bin/qemu-system-x86_64", NULL);
    if (chmod(s->binary, 0755) != 0 || g_mkdir_with_parents(cache, 0700) != 0)
        vc_fuzz_fail(tmp, "cannot set up the cache world");
    vc_fuzz_put_file(tmp, "root/proc/sys/kernel/osrelease", "6.1.0-fuzz\n", 11);
    if (!(canon = realpath(s->binary, NULL)))
        vc_fuzz_fail(s->binary, "no canonical path");
    s->opts.cache_dir = g_steal_pointer(&cache);
    s->opts.timeout_ms = 1000;
    s->opts.root = g_build_filename(tmp, "root", NULL);
    s->opts.version = "fuzz";
    s->entry = entry_path(s->opts.cache_dir, canon, ".digest", "");
    s->guest = entry_path(s->opts.cache_dir, canon, ".blob", "guest-");
    key = vc_qemu_cache_key(canon, &s->opts);
    s->key = g_strdup(json_object_to_json_string_ext(key, JSON_C_TO_STRING_PLAIN |
                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
    free(canon);
}

/* The probe's socket directory cannot be made: it fails before forking. */
static void
no_tmpdir(void)
{
    g_autofree char *none = g_build_filename(vc_fuzz_tmpdir(), "no-such-dir", NULL);

    g_setenv("TMPDIR", none, TRUE);
    if (strcmp(g_get_tmp_dir(), none) != 0)
        vc_fuzz_fail("cache harness", "g_get_tmp_dir() was read before the harness set TMPDIR");
}

static const Setup *
setup(void)
{
    static Setup s;
    g_autoptr(GVariant) good = NULL;
    g_autoptr(GBytes) bytes = NULL;
    json_object *digest;
    gboolean hit, warned;

    if (s.binary)
        return &s;
    vc_fuzz_quiet_logs();
    make_world(&s);
    no_tmpdir();
    /* The harness knows the file name, key and layout: prove it. */
    good = g_variant_ref_sink(vc_qemu_digest_serialize(vc_fuzz_x86_digest()));
    bytes = wrap_digest(s.key, g_variant_get_data(good), g_variant_get_size(good));
    s.good = g_bytes_ref(bytes);
    write_entry(s.entry, bytes);
    if (!(digest = lookup(&s, &hit, &warned)) || !hit)
        vc_fuzz_fail("cache harness", "a valid entry made by the harness is not a hit: "
                     "fuzz-cache-entry.c is out of date with src/qemu/cache.c");
    json_object_put(digest);
    return &s;
}

/* Mode 3: the summary beside a valid digest, then the guest it gives. */
static void
use_guest_summary(const Setup *s, const void *body, gsize len)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GBytes) blob = wrap_blob(s->key, body, len);
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) summary = NULL;
    g_autoptr(VcHostCaps) caps = vc_host_caps_new();
    g_autofree char *xml = NULL;
    VcQemuCacheOptions opts = s->opts;

    write_entry(s->entry, s->good);
    write_entry(s->guest, blob);
    opts.warnings = warnings;
    summary = vc_qemu_derived_for_binary(s->binary, &opts, "guest",
                                         G_VARIANT_TYPE(VC_GUEST_SUMMARY_TYPE),
                                         vc_guest_summary_new, &error);
    check_warnings(warnings);
    if (!summary || !g_variant_is_of_type(summary, G_VARIANT_TYPE(VC_GUEST_SUMMARY_TYPE)))
        vc_fuzz_fail("guest summary", error ? error->message : "no summary beside a valid digest");
    caps->cpu.arch = g_strdup("x86_64");
    g_ptr_array_add(caps->guests, vc_guest_from_summary("x86_64", s->binary, summary));
    xml = vc_host_caps_format_xml(caps);
    vc_fuzz_check_xml("guest from a summary", xml);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const Setup *s = setup();
    g_autoptr(GBytes) bytes = NULL;
    json_object *digest;
    gboolean hit, warned;
    int mode = size ? data[0] % 4 : 0;
    const uint8_t *body = size ? data + 1 : data;
    gsize len = size ? size - 1 : 0;

    if (mode == 3) {
        use_guest_summary(s, body, len);
        return 0;
    }
    if (mode == 0)
        bytes = g_bytes_new(body, len);
    else if (mode == 1)
        bytes = with_header(body, len);
    else
        bytes = wrap_digest(s->key, body, len);
    write_entry(s->entry, bytes);
    digest = lookup(s, &hit, &warned);
    if (hit && mode != 2)
        vc_fuzz_fail("cache lookup", "trusted an entry whose key is not the current one");
    if (mode == 2 && !hit && !warned)
        vc_fuzz_fail("cache lookup", "refused an entry of the current key without a warning");
    if (digest)
        use_digest(digest);
    json_object_put(digest);
    return 0;
}
