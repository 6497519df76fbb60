/*
 * The x86 CPU feature database: data/cpu/x86-features.json, loaded at run
 * time (by default from its compiled form, x86-compiled.h, which holds the
 * same data and loads without a JSON parse).  Features keep the file's order, which is libvirt's (CPUID leaf,
 * subleaf, register, bit, then MSR index, bit); the loader rejects a file out
 * of that order so decoded lists come out in libvirt's order by construction.
 */
#ifndef VC_CPU_X86_FEATURES_H
#define VC_CPU_X86_FEATURES_H

#include <glib.h>

#include "cpu/cpuid.h"

typedef enum {
    VC_X86_REG_EAX,
    VC_X86_REG_EBX,
    VC_X86_REG_ECX,
    VC_X86_REG_EDX,
} VcX86Reg;

typedef enum {
    VC_X86_FEATURE_CPUID,
    VC_X86_FEATURE_MSR,
} VcX86FeatureKind;

typedef struct {
    char *name;              /* libvirt's spelling */
    guint index;             /* position in the database (libvirt's order) */
    VcX86FeatureKind kind;
    guint32 leaf;            /* CPUID: eax_in */
    guint32 subleaf;         /* CPUID: ecx_in (0 for leaves without any) */
    VcX86Reg reg;            /* CPUID: output register */
    guint32 msr;             /* MSR: index */
    guint bit;               /* 0-31 (CPUID) or 0-63 (MSR) */
    gboolean migratable;
    gboolean not_in_libvirt; /* newer than libvirt 10.7: left out of host CPUs */
    GStrv qemu_aliases;      /* other spellings; NULL-terminated, may be NULL */
    GStrv linux_aliases;
} VcX86Feature;

typedef struct {
    char *name;              /* libvirt's vendor name, e.g. "AMD" */
    char string[13];         /* CPUID leaf 0 vendor string */
} VcX86Vendor;

/* Features libvirt drops from host data before decoding (x86DataFilterTSX). */
typedef struct {
    char *vendor;
    guint family;
    guint model;
    guint stepping_below;    /* G_MAXUINT: any stepping */
    GPtrArray *drop;         /* const VcX86Feature * */
} VcX86Filter;

struct _VcX86Compiled;

typedef struct {
    GPtrArray *features;     /* VcX86Feature *, libvirt's order */
    GHashTable *by_name;     /* name and aliases -> VcX86Feature *; compiled
                              * databases build it on the first find */
    GPtrArray *vendors;      /* VcX86Vendor * */
    GPtrArray *filters;      /* VcX86Filter * */
    struct _VcX86Compiled *compiled;  /* the compiled file this came from, or NULL */
} VcX86FeatureDb;

/* A set of features of one database, as bits indexed by VcX86Feature.index
 * (set operations on models cost a few word operations). */
#define VC_X86_FEATURES_MAX 1024
typedef struct {
    guint64 w[VC_X86_FEATURES_MAX / 64];
} VcX86FeatureSet;

static inline void
vc_x86_set_add(VcX86FeatureSet *s, const VcX86Feature *f)
{
    s->w[f->index / 64] |= G_GUINT64_CONSTANT(1) << (f->index % 64);
}

static inline void
vc_x86_set_remove(VcX86FeatureSet *s, const VcX86Feature *f)
{
    s->w[f->index / 64] &= ~(G_GUINT64_CONSTANT(1) << (f->index % 64));
}

static inline gboolean
vc_x86_set_has(const VcX86FeatureSet *s, const VcX86Feature *f)
{
    return (s->w[f->index / 64] >> (f->index % 64)) & 1;
}

/* out = a & ~b (out may be a or b) */
void vc_x86_set_minus(VcX86FeatureSet *out, const VcX86FeatureSet *a,
                      const VcX86FeatureSet *b);
guint vc_x86_set_count(const VcX86FeatureSet *s);
gboolean vc_x86_set_is_empty(const VcX86FeatureSet *s);
/* The members as const VcX86Feature *, in the database's order. */
GPtrArray *vc_x86_set_list(const VcX86FeatureSet *s, const VcX86FeatureDb *db);

/* The JSON file (x86-features.json); errors name path. */
VcX86FeatureDb *vc_x86_feature_db_load(const char *path, GError **error);
void vc_x86_feature_db_free(VcX86FeatureDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcX86FeatureDb, vc_x86_feature_db_free)

/* The default database: the compiled file found by vc_cpu_compiled_path()
 * when there is one (checked against the JSON beside it), else
 * x86-features.json found by vc_cpu_data_path(). */
VcX86FeatureDb *vc_x86_feature_db_load_default(GError **error);

/* For the loaders (JSON and compiled): an empty database whose arrays free
 * their elements. */
VcX86FeatureDb *vc_x86_feature_db_new(void);

/* A feature by libvirt name or alias; NULL when unknown. */
const VcX86Feature *vc_x86_feature_db_find(const VcX86FeatureDb *db,
                                           const char *name);
/* The vendor whose CPUID string this is; NULL when libvirt knows none. */
const VcX86Vendor *vc_x86_feature_db_vendor(const VcX86FeatureDb *db,
                                            const char *string);

gboolean vc_x86_feature_in_data(const VcX86Feature *feature,
                                const VcCpuidData *data);

const char *vc_x86_reg_name(VcX86Reg reg);

/* The path of a data file: $VIRTCAPS_DATA_DIR/cpu/NAME when the variable is
 * set, else the source tree's data/cpu/NAME when it exists (uninstalled
 * builds and tests), else the installed DATADIR/virtcaps/cpu/NAME. */
char *vc_cpu_data_path(const char *name);

/* The compiled database (x86-cpu-data.bin) paired with those JSON files:
 * $VIRTCAPS_DATA_DIR/cpu/, else the build directory when the source tree's
 * JSON is used, else the installed one; NULL when that file does not exist
 * (the JSON is loaded instead). */
char *vc_cpu_compiled_path(void);

#endif
