/*
 * The compiled x86 CPU database: data/cpu/x86-features.json and
 * x86-models.json as one fixed-layout binary file (x86-cpu-data.bin), built
 * at build time by tools/cpu-data-compile.c with the JSON loaders and
 * installed beside the JSON.  Loading it is a mapping plus a walk over
 * fixed-size records instead of a JSON parse (see docs/cpu.md, "Cost").
 * The JSON stays the source of truth: the file records a hash of both JSON
 * files, and vc_x86_feature_db_load_default() refuses a compiled file whose
 * JSON beside it has changed since.
 */
#ifndef VC_CPU_X86_COMPILED_H
#define VC_CPU_X86_COMPILED_H

#include "cpu/x86-models.h"

#define VC_X86_COMPILED_NAME "x86-cpu-data.bin"

/* The JSON sources a compiled file records, in this order. */
typedef enum {
    VC_X86_SOURCE_FEATURES,     /* x86-features.json */
    VC_X86_SOURCE_MODELS,       /* x86-models.json */
    VC_X86_N_SOURCES,
} VcX86Source;

extern const char *const vc_x86_source_names[VC_X86_N_SOURCES];

/* The identity of a JSON file's bytes recorded in a compiled file. */
guint64 vc_x86_source_hash(const void *data, gsize len);

/* The compiled form of fdb and mdb, loaded from JSON files whose bytes
 * hashed to hashes[VcX86Source]; deterministic (same input, same bytes). */
GBytes *vc_x86_compiled_build(const VcX86FeatureDb *fdb, const VcX86ModelDb *mdb,
                              const guint64 hashes[VC_X86_N_SOURCES]);

/* The feature database of a compiled file; it keeps the file for
 * vc_x86_compiled_models().  Every error names path. */
VcX86FeatureDb *vc_x86_compiled_load(const char *path, GError **error);

/* Does the JSON file json_path (a VcX86Source) have the bytes the compiled
 * file of fdb was built from?  A missing JSON file is no mismatch (the
 * compiled file stands alone); a different one is an error naming both. */
gboolean vc_x86_compiled_check_source(const VcX86FeatureDb *fdb, VcX86Source source,
                                      const char *json_path, GError **error);

/* The model database of the compiled file fdb was loaded from. */
VcX86ModelDb *vc_x86_compiled_models(const VcX86FeatureDb *fdb, GError **error);

/* Recompute the checksum of a compiled file's bytes in place (tests: damage
 * the checksum does not catch must still be refused or harmless). */
void vc_x86_compiled_reseal(guint8 *data, gsize len);

typedef struct _VcX86Compiled VcX86Compiled;
void vc_x86_compiled_free(VcX86Compiled *compiled);

#endif
