/*
 * Build-time generator of the compiled x86 CPU database (src/cpu/x86-compiled.h):
 *
 *   cpu-data-compile FEATURES.json MODELS.json OUT
 *
 * loads the JSON with virtcaps' own loaders (so the compiled file holds
 * exactly what they accept) and writes OUT atomically.  One line on stderr
 * and exit status 1 on any error.
 */
#include <stdio.h>

#include "virtcaps.h"
#include "cpu/x86-compiled.h"

/* Built from the loader sources alone, not the whole library, which is
 * where this error domain normally lives. */
G_DEFINE_QUARK(virtcaps-error-quark, virtcaps_error)

static gboolean
hash_file(const char *path, guint64 *hash, GError **error)
{
    g_autofree char *text = NULL;
    gsize len;

    if (!g_file_get_contents(path, &text, &len, error))
        return FALSE;
    *hash = vc_x86_source_hash(text, len);
    return TRUE;
}

static gboolean
compile(const char *features, const char *models, const char *out, GError **error)
{
    g_autoptr(VcX86FeatureDb) fdb = NULL;
    g_autoptr(VcX86ModelDb) mdb = NULL;
    g_autoptr(GBytes) bytes = NULL;
    guint64 hashes[VC_X86_N_SOURCES];

    /* the identity of exactly the files compiled (checked at run time) */
    if (!hash_file(features, &hashes[VC_X86_SOURCE_FEATURES], error) ||
        !hash_file(models, &hashes[VC_X86_SOURCE_MODELS], error) ||
        !(fdb = vc_x86_feature_db_load(features, error)) ||
        !(mdb = vc_x86_model_db_load(fdb, models, error)))
        return FALSE;
    bytes = vc_x86_compiled_build(fdb, mdb, hashes);
    return g_file_set_contents(out, g_bytes_get_data(bytes, NULL),
                               (gssize)g_bytes_get_size(bytes), error);
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;

    if (argc != 4) {
        fprintf(stderr, "usage: %s FEATURES.json MODELS.json OUT\n", argv[0]);
        return 2;
    }
    if (!compile(argv[1], argv[2], argv[3], &err)) {
        fprintf(stderr, "%s: %s\n", argv[0], err->message);
        return 1;
    }
    return 0;
}
