/*
 * The compiled CPU database (src/cpu/x86-compiled.h) against its source of
 * truth, the JSON: the build's file holds exactly what the JSON loaders
 * read, is what the generator writes today (so it is up to date), and a
 * stale, damaged or foreign file is one error naming it, never a crash.
 *
 *   test-compiled COMPILED-FILE DATA-CPU-DIR
 */
#include <string.h>
#include <glib/gstdio.h>

#include "virtcaps.h"
#include "cpu/x86-compiled.h"

static const char *compiled_path;    /* the build's x86-cpu-data.bin */
static const char *json_dir;         /* data/cpu */

static char *
json_path(VcX86Source s)
{
    return g_build_filename(json_dir, vc_x86_source_names[s], NULL);
}

static void
load_json(VcX86FeatureDb **fdb, VcX86ModelDb **mdb)
{
    g_autofree char *features = json_path(VC_X86_SOURCE_FEATURES);
    g_autofree char *models = json_path(VC_X86_SOURCE_MODELS);
    g_autoptr(GError) err = NULL;

    *fdb = vc_x86_feature_db_load(features, &err);
    g_assert_no_error(err);
    *mdb = vc_x86_model_db_load(*fdb, models, &err);
    g_assert_no_error(err);
}

static void
assert_strv_equal(GStrv a, GStrv b)
{
    g_assert_cmpuint(a ? g_strv_length(a) : 0, ==, b ? g_strv_length(b) : 0);
    for (gsize i = 0; a && a[i]; i++)
        g_assert_cmpstr(a[i], ==, b[i]);
}

static void
assert_feature_equal(const VcX86FeatureDb *cdb, const VcX86Feature *a,
                     const VcX86Feature *b)
{
    g_assert_cmpstr(a->name, ==, b->name);
    g_assert_cmpuint(a->index, ==, b->index);
    g_assert_cmpint(a->kind, ==, b->kind);
    g_assert_cmpuint(a->leaf, ==, b->leaf);
    g_assert_cmpuint(a->subleaf, ==, b->subleaf);
    g_assert_cmpint(a->reg, ==, b->reg);
    g_assert_cmpuint(a->msr, ==, b->msr);
    g_assert_cmpuint(a->bit, ==, b->bit);
    g_assert_cmpint(a->migratable, ==, b->migratable);
    g_assert_cmpint(a->not_in_libvirt, ==, b->not_in_libvirt);
    assert_strv_equal(a->qemu_aliases, b->qemu_aliases);
    assert_strv_equal(a->linux_aliases, b->linux_aliases);
    /* every spelling finds the same feature */
    g_assert_true(vc_x86_feature_db_find(cdb, a->name) == b);
    for (gsize i = 0; a->qemu_aliases && a->qemu_aliases[i]; i++)
        g_assert_true(vc_x86_feature_db_find(cdb, a->qemu_aliases[i]) == b);
    for (gsize i = 0; a->linux_aliases && a->linux_aliases[i]; i++)
        g_assert_true(vc_x86_feature_db_find(cdb, a->linux_aliases[i]) == b);
}

static void
assert_features_equal(const VcX86FeatureDb *a, const VcX86FeatureDb *b)
{
    g_assert_cmpuint(a->features->len, ==, b->features->len);
    for (guint i = 0; i < a->features->len; i++)
        assert_feature_equal(b, g_ptr_array_index(a->features, i),
                             g_ptr_array_index(b->features, i));
    g_assert_cmpuint(a->vendors->len, ==, b->vendors->len);
    for (guint i = 0; i < a->vendors->len; i++) {
        const VcX86Vendor *va = g_ptr_array_index(a->vendors, i);
        const VcX86Vendor *vb = g_ptr_array_index(b->vendors, i);

        g_assert_cmpstr(va->name, ==, vb->name);
        g_assert_cmpmem(va->string, 13, vb->string, 13);
    }
    g_assert_cmpuint(a->filters->len, ==, b->filters->len);
    for (guint i = 0; i < a->filters->len; i++) {
        const VcX86Filter *fa = g_ptr_array_index(a->filters, i);
        const VcX86Filter *fb = g_ptr_array_index(b->filters, i);

        g_assert_cmpstr(fa->vendor, ==, fb->vendor);
        g_assert_cmpuint(fa->family, ==, fb->family);
        g_assert_cmpuint(fa->model, ==, fb->model);
        g_assert_cmpuint(fa->stepping_below, ==, fb->stepping_below);
        g_assert_cmpuint(fa->drop->len, ==, fb->drop->len);
        for (guint d = 0; d < fa->drop->len; d++)
            g_assert_cmpuint(((VcX86Feature *)fa->drop->pdata[d])->index, ==,
                             ((VcX86Feature *)fb->drop->pdata[d])->index);
    }
}

static void
assert_model_equal(const VcX86ModelDb *cdb, const VcX86Model *a, const VcX86Model *b)
{
    g_assert_cmpstr(a->name, ==, b->name);
    g_assert_cmpstr(a->vendor ? a->vendor->name : NULL, ==,
                    b->vendor ? b->vendor->name : NULL);
    g_assert_cmpint(a->decode_host, ==, b->decode_host);
    g_assert_cmpint(a->decode_guest, ==, b->decode_guest);
    g_assert_cmpmem(&a->features, sizeof(a->features), &b->features, sizeof(b->features));
    g_assert_cmpmem(a->signatures->data, a->signatures->len * sizeof(VcX86Signature),
                    b->signatures->data, b->signatures->len * sizeof(VcX86Signature));
    g_assert_true(vc_x86_model_db_find(cdb, a->name) == b);
}

/* The build's compiled file holds exactly what the JSON loaders read. */
static void
test_agrees_with_json(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcX86FeatureDb) jf = NULL;
    g_autoptr(VcX86ModelDb) jm = NULL;
    g_autoptr(VcX86FeatureDb) cf = vc_x86_compiled_load(compiled_path, &err);
    g_autoptr(VcX86ModelDb) cm = NULL;

    g_assert_no_error(err);
    cm = vc_x86_compiled_models(cf, &err);
    g_assert_no_error(err);
    load_json(&jf, &jm);
    assert_features_equal(jf, cf);
    g_assert_cmpuint(jm->models->len, ==, cm->models->len);
    for (guint i = 0; i < jm->models->len; i++)
        assert_model_equal(cm, g_ptr_array_index(jm->models, i),
                           g_ptr_array_index(cm->models, i));
    g_assert_null(vc_x86_feature_db_find(cf, "no-such-feature"));
    g_assert_null(vc_x86_model_db_find(cm, "no-such-model"));
    for (int s = 0; s < VC_X86_N_SOURCES; s++) {
        g_autofree char *json = json_path((VcX86Source)s);

        g_assert_true(vc_x86_compiled_check_source(cf, (VcX86Source)s, json, &err));
        g_assert_no_error(err);
    }
}

static GBytes *
build_from_json(void)
{
    g_autoptr(VcX86FeatureDb) fdb = NULL;
    g_autoptr(VcX86ModelDb) mdb = NULL;
    guint64 hashes[VC_X86_N_SOURCES];

    load_json(&fdb, &mdb);
    for (int s = 0; s < VC_X86_N_SOURCES; s++) {
        g_autofree char *path = json_path((VcX86Source)s);
        g_autofree char *text = NULL;
        gsize len;

        g_assert_true(g_file_get_contents(path, &text, &len, NULL));
        hashes[s] = vc_x86_source_hash(text, len);
    }
    return vc_x86_compiled_build(fdb, mdb, hashes);
}

/* The generator's output is a function of the JSON alone, and the build's
 * file is today's. */
static void
test_deterministic(void)
{
    g_autoptr(GBytes) a = build_from_json();
    g_autoptr(GBytes) b = build_from_json();
    g_autofree char *built = NULL;
    gsize len;

    g_assert_true(g_bytes_equal(a, b));
    g_assert_true(g_file_get_contents(compiled_path, &built, &len, NULL));
    g_assert_cmpmem(built, len, g_bytes_get_data(a, NULL), g_bytes_get_size(a));
}

/* ---- the default lookup (VIRTCAPS_DATA_DIR) ---- */

typedef struct {
    char *dir;          /* VIRTCAPS_DATA_DIR */
    char *cpu;          /* dir/cpu */
} DataDir;

static void
data_dir_init(DataDir *d, gboolean with_json, gboolean with_compiled)
{
    d->dir = g_dir_make_tmp("vc-compiled-XXXXXX", NULL);
    d->cpu = g_build_filename(d->dir, "cpu", NULL);
    g_assert_cmpint(g_mkdir(d->cpu, 0700), ==, 0);
    for (int s = 0; with_json && s < VC_X86_N_SOURCES; s++) {
        g_autofree char *from = json_path((VcX86Source)s);
        g_autofree char *to = g_build_filename(d->cpu, vc_x86_source_names[s], NULL);
        g_autofree char *text = NULL;
        gsize len;

        g_assert_true(g_file_get_contents(from, &text, &len, NULL));
        g_assert_true(g_file_set_contents(to, text, (gssize)len, NULL));
    }
    if (with_compiled) {
        g_autofree char *text = NULL;
        g_autofree char *to = g_build_filename(d->cpu, VC_X86_COMPILED_NAME, NULL);
        gsize len;

        g_assert_true(g_file_get_contents(compiled_path, &text, &len, NULL));
        g_assert_true(g_file_set_contents(to, text, (gssize)len, NULL));
    }
    g_setenv("VIRTCAPS_DATA_DIR", d->dir, TRUE);
}

static void
data_dir_clear(DataDir *d)
{
    const char *names[] = { vc_x86_source_names[0], vc_x86_source_names[1],
                            VC_X86_COMPILED_NAME };

    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(d->cpu, names[i], NULL);
        g_unlink(path);
    }
    g_rmdir(d->cpu);
    g_rmdir(d->dir);
    g_free(d->cpu);
    g_free(d->dir);
    g_unsetenv("VIRTCAPS_DATA_DIR");
}

/* The default databases, and whether they came from the compiled file. */
static gboolean
load_default(gboolean *compiled, GError **error)
{
    g_autoptr(VcX86FeatureDb) fdb = vc_x86_feature_db_load_default(error);
    g_autoptr(VcX86ModelDb) mdb = NULL;

    if (!fdb || !(mdb = vc_x86_model_db_load_default(fdb, error)))
        return FALSE;
    *compiled = fdb->compiled != NULL;
    g_assert_nonnull(vc_x86_model_db_find(mdb, "Skylake-Client"));
    return TRUE;
}

static void
test_default_lookup(void)
{
    static const struct {
        gboolean json, compiled;
    } cases[] = { { TRUE, TRUE }, { TRUE, FALSE }, { FALSE, TRUE } };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        gboolean compiled = FALSE;
        DataDir d;

        data_dir_init(&d, cases[i].json, cases[i].compiled);
        g_assert_true(load_default(&compiled, &err));
        g_assert_no_error(err);
        /* the JSON alone is loaded as JSON; a compiled file is used */
        g_assert_cmpint(compiled, ==, cases[i].compiled);
        data_dir_clear(&d);
    }
}

/* A JSON file changed after compiling: the compiled file is refused, with
 * one line naming it and the JSON. */
static void
test_stale(void)
{
    for (int s = 0; s < VC_X86_N_SOURCES; s++) {
        g_autoptr(GError) err = NULL;
        g_autofree char *path = NULL;
        g_autofree char *text = NULL;
        g_autofree char *compiled = NULL;
        gboolean unused;
        gsize len;
        DataDir d;

        data_dir_init(&d, TRUE, TRUE);
        path = g_build_filename(d.cpu, vc_x86_source_names[s], NULL);
        compiled = g_build_filename(d.cpu, VC_X86_COMPILED_NAME, NULL);
        g_assert_true(g_file_get_contents(path, &text, &len, NULL));
        text[len - 2] ^= ' ' ^ '\n';     /* one byte, same size */
        g_assert_true(g_file_set_contents(path, text, (gssize)len, NULL));
        g_assert_false(load_default(&unused, &err));
        g_assert_nonnull(err);
        g_assert_true(g_str_has_prefix(err->message, compiled));
        g_assert_nonnull(strstr(err->message, path));
        g_assert_null(strchr(err->message, '\n'));
        data_dir_clear(&d);
    }
}

/* ---- damaged files ---- */

static char *damage_dir;

/* Where the header keeps the checksum (magic, four 32-bit fields). */
#define CHECKSUM_OFFSET 24

/* Load bytes as a compiled file: a clean error naming it, or a database
 * that answers without crashing (damage the checksum does not catch). */
static void
try_load(const guint8 *data, gsize len)
{
    g_autofree char *path = g_build_filename(damage_dir, "damaged.bin", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(VcX86FeatureDb) fdb = NULL;
    g_autoptr(VcX86ModelDb) mdb = NULL;

    /* no fsync: thousands of cases */
    g_assert_true(g_file_set_contents_full(path, (const char *)data, (gssize)len,
                                           G_FILE_SET_CONTENTS_NONE, 0600, NULL));
    if ((fdb = vc_x86_compiled_load(path, &err)) &&
        (mdb = vc_x86_compiled_models(fdb, &err))) {
        vc_x86_feature_db_find(fdb, "sse2");
        vc_x86_model_db_find(mdb, "qemu64");
        for (guint i = 0; i < mdb->models->len; i++)
            g_ptr_array_unref(vc_x86_set_list(
                &((VcX86Model *)g_ptr_array_index(mdb->models, i))->features, fdb));
        return;
    }
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(err->message, path));
    g_assert_null(strchr(err->message, '\n'));
}

static void
test_damaged(void)
{
    g_autofree char *orig = NULL;
    g_autofree guint8 *buf = NULL;
    static const guint32 values[] = { 0, 1, 0x7fffffff, 0xffffffff };
    gsize len;

    g_assert_true(g_file_get_contents(compiled_path, &orig, &len, NULL));
    buf = g_malloc(len);
    damage_dir = g_dir_make_tmp("vc-compiled-XXXXXX", NULL);
    /* truncated, and one flipped byte (caught by the checksum) */
    for (gsize cut = 0; cut < len; cut += cut < 256 ? 1 : 4093)
        try_load((const guint8 *)orig, cut);
    memcpy(buf, orig, len);
    buf[len / 2] ^= 0x10;
    try_load(buf, len);
    /* words set to extremes with the checksum redone: the header everywhere,
     * the records at a stride */
    for (gsize off = 0; off + 4 <= len; off += off < 512 ? 4 : 52) {
        for (gsize v = 0; v < G_N_ELEMENTS(values); v++) {
            memcpy(buf, orig, len);
            memcpy(buf + off, &values[v], 4);
            if (off < CHECKSUM_OFFSET || off >= CHECKSUM_OFFSET + 8)
                vc_x86_compiled_reseal(buf, len);
            try_load(buf, len);
        }
    }
    {
        g_autofree char *path = g_build_filename(damage_dir, "damaged.bin", NULL);
        g_unlink(path);
    }
    g_rmdir(damage_dir);
    g_free(damage_dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc != 3) {
        g_printerr("usage: %s COMPILED-FILE DATA-CPU-DIR\n", argv[0]);
        return 2;
    }
    compiled_path = argv[1];
    json_dir = argv[2];
    g_unsetenv("VIRTCAPS_DATA_DIR");
    g_test_add_func("/compiled/agrees-with-json", test_agrees_with_json);
    g_test_add_func("/compiled/deterministic", test_deterministic);
    g_test_add_func("/compiled/default-lookup", test_default_lookup);
    g_test_add_func("/compiled/stale", test_stale);
    g_test_add_func("/compiled/damaged", test_damaged);
    return g_test_run();
}
