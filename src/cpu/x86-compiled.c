/*
 * The compiled x86 CPU database (see x86-compiled.h).
 *
 * Layout, all integers in the byte order of the machine that built it (the
 * header says which; a file of the other order is refused):
 *   Header, then sections at 8-byte aligned offsets, each an array of the
 *   fixed-size records below (strings: NUL-terminated names, referred to by
 *   byte offset).  Every offset, index and count is checked before use, so
 *   a damaged file is an error naming it, never a crash.
 * Bump FORMAT_VERSION on any change of the records.
 */
#include <string.h>

#include "virtcaps.h"
#include "cpu/x86-compiled.h"

#define MAGIC "VCX86DB"          /* 8 bytes with the NUL */
#define FORMAT_VERSION 1
#define BYTE_ORDER_MARK 0x01020304u

const char *const vc_x86_source_names[VC_X86_N_SOURCES] = {
    "x86-features.json", "x86-models.json",
};

typedef enum {
    SEC_STRINGS,        /* char (count: bytes) */
    SEC_FEATURES,       /* BinFeature */
    SEC_ALIASES,        /* guint32 string offsets */
    SEC_VENDORS,        /* BinVendor */
    SEC_FILTERS,        /* BinFilter */
    SEC_DROPS,          /* guint32 feature indexes */
    SEC_MODELS,         /* BinModel */
    SEC_SIGNATURES,     /* BinSignature */
    N_SECTIONS,
} SectionId;

typedef struct {
    guint32 offset;
    guint32 count;
} Section;

typedef struct {
    char magic[8];
    guint32 version;
    guint32 byte_order;
    guint32 size;                       /* of the whole file */
    guint32 features_max;               /* VC_X86_FEATURES_MAX: model bitset width */
    guint64 checksum;                   /* vc_x86_source_hash() of what follows */
    guint64 source_hash[VC_X86_N_SOURCES];  /* of each JSON file compiled */
    Section sections[N_SECTIONS];
} Header;

enum { FEATURE_MSR = 1, FEATURE_MIGRATABLE = 2, FEATURE_NOT_IN_LIBVIRT = 4 };

typedef struct {
    guint32 name;
    guint32 aliases;                    /* first of n_qemu + n_linux in SEC_ALIASES */
    guint32 n_qemu;
    guint32 n_linux;
    guint32 flags;
    guint32 leaf;
    guint32 subleaf;
    guint32 reg;
    guint32 msr;
    guint32 bit;
} BinFeature;

typedef struct {
    guint32 name;
    char string[12];
} BinVendor;

typedef struct {
    guint32 vendor;                     /* string */
    guint32 family;
    guint32 model;
    guint32 stepping_below;
    guint32 drops;                      /* first of n_drops in SEC_DROPS */
    guint32 n_drops;
} BinFilter;

enum { MODEL_DECODE_HOST = 1, MODEL_DECODE_GUEST = 2 };

typedef struct {
    guint32 name;
    guint32 vendor;                     /* index + 1; 0: none */
    guint32 signatures;                 /* first of n_signatures */
    guint32 n_signatures;
    guint32 flags;
    guint32 pad;
    guint64 features[VC_X86_FEATURES_MAX / 64];
} BinModel;

typedef struct {
    guint32 family;
    guint32 model;
    guint32 steppings;
} BinSignature;

G_STATIC_ASSERT(sizeof(Header) % 8 == 0);
G_STATIC_ASSERT(sizeof(BinModel) % 8 == 0);
G_STATIC_ASSERT(sizeof(VcX86FeatureSet) == sizeof(((BinModel *)0)->features));

static const struct {
    const char *name;
    gsize size;
} sections[N_SECTIONS] = {
    [SEC_STRINGS] = { "strings", 1 },
    [SEC_FEATURES] = { "features", sizeof(BinFeature) },
    [SEC_ALIASES] = { "aliases", sizeof(guint32) },
    [SEC_VENDORS] = { "vendors", sizeof(BinVendor) },
    [SEC_FILTERS] = { "filters", sizeof(BinFilter) },
    [SEC_DROPS] = { "drops", sizeof(guint32) },
    [SEC_MODELS] = { "models", sizeof(BinModel) },
    [SEC_SIGNATURES] = { "signatures", sizeof(BinSignature) },
};

struct _VcX86Compiled {
    GMappedFile *file;
    char *path;
    VcX86Feature *features;             /* all of them, names borrowed from file */
    char **aliases;                     /* the features' alias vectors */
    const Header *header;
    const void *data[N_SECTIONS];
    guint32 count[N_SECTIONS];
};

#define HASH_PRIME G_GUINT64_CONSTANT(0x100000001b3)

/* One step: a bijection of the state for a given word. */
static inline guint64
hash_step(guint64 h, guint64 w)
{
    h = (h ^ w) * HASH_PRIME;
    return h ^ (h >> 29);
}

/* Four independent lanes of 8-byte words (the multiplies overlap instead of
 * waiting on each other), folded into one at the end.  Every step is a
 * bijection of its lane and the fold is one in each lane, so a change
 * within one 8-byte word always changes the result.  About one instruction
 * per byte: checking the JSON on every run is cheap. */
guint64
vc_x86_source_hash(const void *data, gsize len)
{
    const guint8 *p = data;
    guint64 lane[4] = { G_GUINT64_CONSTANT(0x9e3779b97f4a7c15) ^ len, 1, 2, 3 };
    guint64 w, h;
    gsize i = 0;

    for (; i + 32 <= len; i += 32) {
        for (int l = 0; l < 4; l++) {
            memcpy(&w, p + i + 8 * l, 8);   /* a fixed size: one load */
            lane[l] = hash_step(lane[l], w);
        }
    }
    for (; i < len; i += 8) {
        w = 0;
        memcpy(&w, p + i, MIN(8, len - i));
        lane[0] = hash_step(lane[0], w);
    }
    h = lane[0];
    for (int l = 1; l < 4; l++)
        h = hash_step(h, lane[l]);
    return h;
}

/* ---- building ---- */

typedef struct {
    GByteArray *sec[N_SECTIONS];
    GHashTable *strings;                /* string -> offset + 1 */
} Builder;

static void
put(Builder *b, SectionId id, const void *rec)
{
    g_byte_array_append(b->sec[id], rec, (guint)sections[id].size);
}

static guint32
count_of(const Builder *b, SectionId id)
{
    return b->sec[id]->len / (guint)sections[id].size;
}

static guint32
string(Builder *b, const char *s)
{
    guint32 off = GPOINTER_TO_UINT(g_hash_table_lookup(b->strings, s));

    if (off)
        return off - 1;
    off = b->sec[SEC_STRINGS]->len;
    g_byte_array_append(b->sec[SEC_STRINGS], (const guint8 *)s, (guint)strlen(s) + 1);
    g_hash_table_insert(b->strings, (gpointer)s, GUINT_TO_POINTER(off + 1));
    return off;
}

static guint32
put_aliases(Builder *b, GStrv names)
{
    guint32 n = 0;

    for (; names && names[n]; n++) {
        guint32 off = string(b, names[n]);
        put(b, SEC_ALIASES, &off);
    }
    return n;
}

static void
build_feature(Builder *b, const VcX86Feature *f)
{
    BinFeature r = {
        .name = string(b, f->name),
        .aliases = count_of(b, SEC_ALIASES),
        .flags = (f->kind == VC_X86_FEATURE_MSR ? FEATURE_MSR : 0) |
                 (f->migratable ? FEATURE_MIGRATABLE : 0) |
                 (f->not_in_libvirt ? FEATURE_NOT_IN_LIBVIRT : 0),
        .leaf = f->leaf, .subleaf = f->subleaf, .reg = f->reg,
        .msr = f->msr, .bit = f->bit,
    };

    r.n_qemu = put_aliases(b, f->qemu_aliases);
    r.n_linux = put_aliases(b, f->linux_aliases);
    put(b, SEC_FEATURES, &r);
}

static void
build_filter(Builder *b, const VcX86Filter *f)
{
    BinFilter r = {
        .vendor = string(b, f->vendor), .family = f->family, .model = f->model,
        .stepping_below = f->stepping_below, .drops = count_of(b, SEC_DROPS),
        .n_drops = f->drop->len,
    };

    for (guint i = 0; i < f->drop->len; i++) {
        guint32 index = ((const VcX86Feature *)g_ptr_array_index(f->drop, i))->index;
        put(b, SEC_DROPS, &index);
    }
    put(b, SEC_FILTERS, &r);
}

static void
build_model(Builder *b, const VcX86FeatureDb *fdb, const VcX86Model *m)
{
    BinModel r;
    guint vendor = 0;

    memset(&r, 0, sizeof(r));
    if (m->vendor && g_ptr_array_find(fdb->vendors, m->vendor, &vendor))
        vendor++;
    r.name = string(b, m->name);
    r.vendor = vendor;
    r.signatures = count_of(b, SEC_SIGNATURES);
    r.n_signatures = m->signatures->len;
    r.flags = (m->decode_host ? MODEL_DECODE_HOST : 0) |
              (m->decode_guest ? MODEL_DECODE_GUEST : 0);
    memcpy(r.features, m->features.w, sizeof(r.features));
    for (guint i = 0; i < m->signatures->len; i++) {
        const VcX86Signature *s = &g_array_index(m->signatures, VcX86Signature, i);
        BinSignature sig = { s->family, s->model, s->steppings };
        put(b, SEC_SIGNATURES, &sig);
    }
    put(b, SEC_MODELS, &r);
}

static void
build_sections(Builder *b, const VcX86FeatureDb *fdb, const VcX86ModelDb *mdb)
{
    for (guint i = 0; i < fdb->features->len; i++)
        build_feature(b, g_ptr_array_index(fdb->features, i));
    for (guint i = 0; i < fdb->vendors->len; i++) {
        const VcX86Vendor *v = g_ptr_array_index(fdb->vendors, i);
        BinVendor r = { .name = string(b, v->name) };

        memcpy(r.string, v->string, sizeof(r.string));
        put(b, SEC_VENDORS, &r);
    }
    for (guint i = 0; i < fdb->filters->len; i++)
        build_filter(b, g_ptr_array_index(fdb->filters, i));
    for (guint i = 0; i < mdb->models->len; i++)
        build_model(b, fdb, g_ptr_array_index(mdb->models, i));
}

GBytes *
vc_x86_compiled_build(const VcX86FeatureDb *fdb, const VcX86ModelDb *mdb,
                      const guint64 hashes[VC_X86_N_SOURCES])
{
    Builder b = { .strings = g_hash_table_new(g_str_hash, g_str_equal) };
    GByteArray *out = g_byte_array_new();
    Header h;

    memset(&h, 0, sizeof(h));
    for (int i = 0; i < N_SECTIONS; i++)
        b.sec[i] = g_byte_array_new();
    build_sections(&b, fdb, mdb);
    g_byte_array_set_size(out, sizeof(Header));
    for (int i = 0; i < N_SECTIONS; i++) {
        static const guint8 zeros[8];

        g_byte_array_append(out, zeros, (8 - out->len % 8) % 8);
        h.sections[i].offset = out->len;
        h.sections[i].count = count_of(&b, (SectionId)i);
        g_byte_array_append(out, b.sec[i]->data, b.sec[i]->len);
        g_byte_array_unref(b.sec[i]);
    }
    memcpy(h.magic, MAGIC, sizeof(h.magic));
    h.version = FORMAT_VERSION;
    h.byte_order = BYTE_ORDER_MARK;
    h.size = out->len;
    h.features_max = VC_X86_FEATURES_MAX;
    memcpy(h.source_hash, hashes, sizeof(h.source_hash));
    memcpy(out->data, &h, sizeof(h));
    vc_x86_compiled_reseal(out->data, out->len);
    g_hash_table_unref(b.strings);
    return g_byte_array_free_to_bytes(out);
}

void
vc_x86_compiled_reseal(guint8 *data, gsize len)
{
    guint64 sum;

    if (len < sizeof(Header))
        return;
    sum = vc_x86_source_hash(data + sizeof(Header), len - sizeof(Header));
    memcpy(data + G_STRUCT_OFFSET(Header, checksum), &sum, sizeof(sum));
}

/* ---- loading ---- */

void
vc_x86_compiled_free(VcX86Compiled *c)
{
    if (!c)
        return;
    if (c->file)
        g_mapped_file_unref(c->file);
    g_free(c->features);
    g_free(c->aliases);
    g_free(c->path);
    g_free(c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcX86Compiled, vc_x86_compiled_free)

static gboolean G_GNUC_PRINTF(3, 4)
bad(GError **error, const VcX86Compiled *c, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: %s", c->path, msg);
    return FALSE;
}

static gboolean
check_header(const VcX86Compiled *c, gsize size, GError **error)
{
    const Header *h = c->header;

    if (size < sizeof(Header) || memcmp(h->magic, MAGIC, sizeof(h->magic)) != 0)
        return bad(error, c, "not a compiled virtcaps CPU database");
    if (h->byte_order != BYTE_ORDER_MARK)
        return bad(error, c, "compiled for another byte order (rebuild)");
    if (h->version != FORMAT_VERSION || h->features_max != VC_X86_FEATURES_MAX)
        return bad(error, c, "format %u/%u, this virtcaps reads %u/%u (rebuild)",
                   h->version, h->features_max, FORMAT_VERSION, VC_X86_FEATURES_MAX);
    if (h->size != size)
        return bad(error, c, "%" G_GSIZE_FORMAT " bytes, its header says %u (truncated?)",
                   size, h->size);
    /* Damage is refused here; what passes is what the generator wrote, so
     * the JSON loader's checks (order, unique names) need not run again
     * (and a crafted file that fools them only gets wrong answers: every
     * bound is still checked below). */
    if (vc_x86_source_hash((const char *)h + sizeof(Header), size - sizeof(Header)) !=
        h->checksum)
        return bad(error, c, "damaged (checksum mismatch)");
    return TRUE;
}

static gboolean
check_sections(VcX86Compiled *c, GError **error)
{
    const char *base = (const char *)c->header;

    for (int i = 0; i < N_SECTIONS; i++) {
        const Section *s = &c->header->sections[i];

        if (s->offset % 8 || s->offset < sizeof(Header) ||
            s->offset + (guint64)s->count * sections[i].size > c->header->size)
            return bad(error, c, "section %s out of bounds", sections[i].name);
        c->data[i] = base + s->offset;
        c->count[i] = s->count;
    }
    /* A NUL at the end makes every in-range string offset a C string. */
    if (!c->count[SEC_STRINGS] ||
        ((const char *)c->data[SEC_STRINGS])[c->count[SEC_STRINGS] - 1] != '\0')
        return bad(error, c, "strings not terminated");
    return TRUE;
}

static VcX86Compiled *
compiled_open(const char *path, GError **error)
{
    g_autoptr(VcX86Compiled) c = g_new0(VcX86Compiled, 1);
    g_autoptr(GError) err = NULL;

    c->path = g_strdup(path);
    if (!(c->file = g_mapped_file_new(path, FALSE, &err))) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s", err->message);
        return NULL;
    }
    /* Mappings are page aligned, so the records are aligned too. */
    c->header = (const Header *)g_mapped_file_get_contents(c->file);
    if (!check_header(c, g_mapped_file_get_length(c->file), error) ||
        !check_sections(c, error))
        return NULL;
    return g_steal_pointer(&c);
}

/* A string by offset; NULL when out of range or empty. */
static const char *
str(const VcX86Compiled *c, guint32 off)
{
    const char *s = (const char *)c->data[SEC_STRINGS] + off;

    return off < c->count[SEC_STRINGS] && *s ? s : NULL;
}

/* count records of section id from first, or NULL when out of range. */
static const void *
range(const VcX86Compiled *c, SectionId id, guint32 first, guint32 count)
{
    if ((guint64)first + count > c->count[id])
        return NULL;
    return (const char *)c->data[id] + (gsize)first * sections[id].size;
}

/* Where the next alias vector goes in VcX86Compiled.aliases. */
typedef struct {
    char **next;
    char **end;
} AliasSlots;

/* n alias names as a NULL-terminated vector from slots; NULL for none and
 * on a bad offset or too many (records may not share aliases). */
static GStrv
load_aliases(const VcX86Compiled *c, const guint32 *offs, guint32 n, AliasSlots *slots)
{
    GStrv v = slots->next;

    if (!n || (gsize)(slots->end - slots->next) < (gsize)n + 1)
        return NULL;
    for (guint32 i = 0; i < n; i++)
        if (!(v[i] = (char *)str(c, offs[i])))
            return NULL;
    slots->next += n + 1;
    return v;
}

static gboolean
load_feature(VcX86Compiled *c, guint32 idx, AliasSlots *slots, GError **error)
{
    const BinFeature *r = (const BinFeature *)c->data[SEC_FEATURES] + idx;
    const guint32 *aliases = range(c, SEC_ALIASES, r->aliases, r->n_qemu + r->n_linux);
    gboolean msr = r->flags & FEATURE_MSR;
    VcX86Feature *f = &c->features[idx];

    if (!str(c, r->name) || !aliases || r->n_qemu > c->count[SEC_ALIASES] ||
        r->n_linux > c->count[SEC_ALIASES] || r->reg > VC_X86_REG_EDX ||
        r->bit > (msr ? 63u : 31u))
        return bad(error, c, "features[%u]: bad record", idx);
    f->name = (char *)str(c, r->name);
    f->index = idx;
    f->kind = msr ? VC_X86_FEATURE_MSR : VC_X86_FEATURE_CPUID;
    f->leaf = r->leaf;
    f->subleaf = r->subleaf;
    f->reg = (VcX86Reg)r->reg;
    f->msr = r->msr;
    f->bit = r->bit;
    f->migratable = (r->flags & FEATURE_MIGRATABLE) != 0;
    f->not_in_libvirt = (r->flags & FEATURE_NOT_IN_LIBVIRT) != 0;
    f->qemu_aliases = load_aliases(c, aliases, r->n_qemu, slots);
    f->linux_aliases = load_aliases(c, aliases + r->n_qemu, r->n_linux, slots);
    if ((r->n_qemu && !f->qemu_aliases) || (r->n_linux && !f->linux_aliases))
        return bad(error, c, "features[%u]: bad alias", idx);
    return TRUE;
}

/* All features in one allocation, names pointing into the mapping: loading
 * costs no allocation per feature (the database owns c, so they live as
 * long as it). */
static gboolean
load_features(VcX86FeatureDb *db, VcX86Compiled *c, GError **error)
{
    guint32 n = c->count[SEC_FEATURES];
    gsize n_slots = (gsize)c->count[SEC_ALIASES] + 2 * (gsize)n;
    AliasSlots slots;

    if (n > VC_X86_FEATURES_MAX)
        return bad(error, c, "more than %d features", VC_X86_FEATURES_MAX);
    c->features = g_new0(VcX86Feature, n);
    /* each alias once, plus a NULL after each feature's two lists */
    c->aliases = g_new0(char *, n_slots);
    slots = (AliasSlots){ c->aliases, c->aliases + n_slots };
    g_ptr_array_set_free_func(db->features, NULL);
    g_ptr_array_set_size(db->features, (gint)n);
    for (guint32 i = 0; i < n; i++) {
        if (!load_feature(c, i, &slots, error))
            return FALSE;
        db->features->pdata[i] = &c->features[i];
    }
    return TRUE;
}

static gboolean
load_vendors(VcX86FeatureDb *db, const VcX86Compiled *c, GError **error)
{
    const BinVendor *recs = c->data[SEC_VENDORS];

    for (guint32 i = 0; i < c->count[SEC_VENDORS]; i++) {
        VcX86Vendor *v;

        if (!str(c, recs[i].name))
            return bad(error, c, "vendors[%u]: bad record", i);
        v = g_new0(VcX86Vendor, 1);
        v->name = g_strdup(str(c, recs[i].name));
        memcpy(v->string, recs[i].string, 12);
        g_ptr_array_add(db->vendors, v);
    }
    return TRUE;
}

static gboolean
load_filters(VcX86FeatureDb *db, const VcX86Compiled *c, GError **error)
{
    const BinFilter *recs = c->data[SEC_FILTERS];

    for (guint32 i = 0; i < c->count[SEC_FILTERS]; i++) {
        const BinFilter *r = &recs[i];
        const guint32 *drops = range(c, SEC_DROPS, r->drops, r->n_drops);
        VcX86Filter *f;

        if (!str(c, r->vendor) || !drops)
            return bad(error, c, "filters[%u]: bad record", i);
        f = g_new0(VcX86Filter, 1);
        f->drop = g_ptr_array_new();
        g_ptr_array_add(db->filters, f);
        f->vendor = g_strdup(str(c, r->vendor));
        f->family = r->family;
        f->model = r->model;
        f->stepping_below = r->stepping_below;
        for (guint32 d = 0; d < r->n_drops; d++) {
            if (drops[d] >= db->features->len)
                return bad(error, c, "filters[%u]: bad feature index", i);
            g_ptr_array_add(f->drop, g_ptr_array_index(db->features, drops[d]));
        }
    }
    return TRUE;
}

VcX86FeatureDb *
vc_x86_compiled_load(const char *path, GError **error)
{
    g_autoptr(VcX86FeatureDb) db = vc_x86_feature_db_new();

    if (!(db->compiled = compiled_open(path, error)) ||
        !load_features(db, db->compiled, error) ||
        !load_vendors(db, db->compiled, error) ||
        !load_filters(db, db->compiled, error))
        return NULL;
    return g_steal_pointer(&db);
}

gboolean
vc_x86_compiled_check_source(const VcX86FeatureDb *fdb, VcX86Source source,
                             const char *json_path, GError **error)
{
    const VcX86Compiled *c = fdb->compiled;
    g_autoptr(GError) err = NULL;
    g_autoptr(GMappedFile) json = NULL;
    guint64 hash;

    g_return_val_if_fail(c, FALSE);
    /* Mapped rather than read: the page cache's pages are mapped a batch per
     * fault instead of copied into fresh heap pages, a third of the cost. */
    if (!(json = g_mapped_file_new(json_path, FALSE, &err))) {
        if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return TRUE;
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s", err->message);
        return FALSE;
    }
    hash = vc_x86_source_hash(g_mapped_file_get_contents(json),
                              g_mapped_file_get_length(json));
    if (hash != c->header->source_hash[source])
        return bad(error, c, "compiled from another %s than %s (rebuild, or remove "
                   "it to use the JSON)", vc_x86_source_names[source], json_path);
    return TRUE;
}

/* ---- models ---- */

static gboolean
load_signatures(VcX86Model *m, const VcX86Compiled *c, const BinModel *r)
{
    const BinSignature *sigs = range(c, SEC_SIGNATURES, r->signatures, r->n_signatures);

    if (!sigs)      /* before sizing anything by the count */
        return FALSE;
    m->signatures = g_array_sized_new(FALSE, FALSE, sizeof(VcX86Signature), r->n_signatures);
    for (guint32 i = 0; i < r->n_signatures; i++) {
        VcX86Signature s = { sigs[i].family, sigs[i].model, sigs[i].steppings };
        g_array_append_val(m->signatures, s);
    }
    return TRUE;
}

/* No bit beyond the last feature: every member is a real feature. */
static gboolean
features_in_range(const guint64 *w, guint n_features)
{
    guint first = n_features / 64;

    if (n_features % 64 && w[first] >> (n_features % 64))
        return FALSE;
    for (guint i = first + (n_features % 64 ? 1 : 0); i < VC_X86_FEATURES_MAX / 64; i++)
        if (w[i])
            return FALSE;
    return TRUE;
}

static gboolean
load_model(const VcX86FeatureDb *fdb, const VcX86Compiled *c, VcX86Model *m,
           guint32 idx, GError **error)
{
    const BinModel *r = (const BinModel *)c->data[SEC_MODELS] + idx;

    m->name = (char *)str(c, r->name);
    if (!m->name || r->vendor > fdb->vendors->len || !load_signatures(m, c, r) ||
        !features_in_range(r->features, fdb->features->len))
        return bad(error, c, "models[%u]: bad record", idx);
    m->vendor = r->vendor ? g_ptr_array_index(fdb->vendors, r->vendor - 1) : NULL;
    m->decode_host = (r->flags & MODEL_DECODE_HOST) != 0;
    m->decode_guest = (r->flags & MODEL_DECODE_GUEST) != 0;
    memcpy(m->features.w, r->features, sizeof(m->features.w));
    return TRUE;
}

/* A model of a block: the name is borrowed from the mapping. */
static void
block_model_clear(gpointer p)
{
    VcX86Model *m = p;

    if (m && m->signatures)
        g_array_unref(m->signatures);
}

/* All models in one allocation (VcX86ModelDb.block), names pointing into
 * the mapping, which fdb keeps as long as the models may be used. */
VcX86ModelDb *
vc_x86_compiled_models(const VcX86FeatureDb *fdb, GError **error)
{
    const VcX86Compiled *c = fdb->compiled;
    g_autoptr(VcX86ModelDb) db = vc_x86_model_db_new(fdb);
    guint32 n;

    g_return_val_if_fail(c, NULL);
    if (!(n = c->count[SEC_MODELS])) {
        bad(error, c, "no models");
        return NULL;
    }
    db->block = g_new0(VcX86Model, n);
    g_ptr_array_set_free_func(db->models, block_model_clear);
    for (guint32 i = 0; i < n; i++) {
        g_ptr_array_add(db->models, &db->block[i]);
        if (!load_model(fdb, c, &db->block[i], i, error))
            return NULL;
    }
    return g_steal_pointer(&db);
}
