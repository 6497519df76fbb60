/*
 * cpu-x86.c - libvirt's x86 host-model CPU for domain capabilities
 * (virQEMUCapsInitCPUModelX86, virQEMUCapsGetCPUModelX86Data and x86Decode
 * for a guest CPU, libvirt 10.7): QEMU's static expansion of the host (or,
 * for TCG, "max") CPU becomes CPU data, which is named by the closest model
 * of the x86 model database that QEMU also defines, plus the features to
 * require and to disable.
 */
#include <string.h>

#include "cpu/x86-models.h"
#include "domcaps/cpu-policy.h"
#include "qemu/probe.h"

typedef struct {
    VcX86FeatureDb *features;
    VcX86ModelDb *models;
} X86Dbs;

/* The databases, loaded on first use and kept for the process. */
static const X86Dbs *
x86_dbs(GError **error)
{
    static X86Dbs dbs;

    if (!dbs.features && !(dbs.features = vc_x86_feature_db_load_default(error)))
        return NULL;
    if (!dbs.models && !(dbs.models = vc_x86_model_db_load_default(dbs.features, error)))
        return NULL;
    return &dbs;
}

gboolean
vc_cpu_x86_model_vendor(const char *name, const char **vendor, GError **error)
{
    const X86Dbs *dbs = x86_dbs(error);
    const VcX86Model *m = dbs ? vc_x86_model_db_find(dbs->models, name) : NULL;

    *vendor = m && m->vendor ? m->vendor->name : NULL;
    return m != NULL;
}

gboolean
vc_cpu_x86_feature_name(const char *qemu_name, const char **name, GError **error)
{
    const X86Dbs *dbs = x86_dbs(error);
    const VcX86Feature *f = dbs ? vc_x86_feature_db_find(dbs->features, qemu_name) : NULL;

    if (!dbs)
        return FALSE;
    *name = f ? f->name : qemu_name;
    return TRUE;
}

/* What libvirt's virCPUx86Data holds of an expansion. */
typedef struct {
    VcX86FeatureSet set;
    const VcX86Vendor *vendor;
    guint family;
    guint model;
    guint stepping;
} CpuData;

static gboolean
prop_true(json_object *props, const char *name)
{
    json_object *v = json_object_object_get(props, name);

    return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static guint
prop_uint(json_object *props, const char *name)
{
    json_object *v = json_object_object_get(props, name);

    return json_object_is_type(v, json_type_int) ? (guint)json_object_get_int64(v) : 0;
}

/* virQEMUCapsGetCPUModelX86Data with migratable=false: a property counts
 * when true in the migratable expansion or, failing that, in the
 * non-migratable one; names libvirt 10.7 does not know are ignored. */
static void
add_features(const VcX86FeatureDb *fdb, json_object *props, json_object *nonmig, CpuData *d)
{
    json_object_object_foreach(props, name, value) {
        const VcX86Feature *f;

        if (!json_object_is_type(value, json_type_boolean) ||
            !(json_object_get_boolean(value) || prop_true(nonmig, name)) ||
            !(f = vc_x86_feature_db_find(fdb, name)) || f->not_in_libvirt)
            continue;
        vc_x86_set_add(&d->set, f);
    }
}

/* x86DataFilterTSX: the feature database's filters (Intel parts with
 * broken TSX). */
static void
filter_features(const VcX86FeatureDb *fdb, CpuData *d)
{
    for (guint i = 0; d->vendor && i < fdb->filters->len; i++) {
        const VcX86Filter *f = g_ptr_array_index(fdb->filters, i);

        if (strcmp(f->vendor, d->vendor->name) != 0 || f->family != d->family ||
            f->model != d->model || d->stepping >= f->stepping_below)
            continue;
        for (guint j = 0; j < f->drop->len; j++)
            vc_x86_set_remove(&d->set, g_ptr_array_index(f->drop, j));
    }
}

static gboolean
cpu_data(const VcPolicyCtx *ctx, const VcX86FeatureDb *fdb, CpuData *d)
{
    json_object *model = vc_cpu_host_expansion(ctx, "static", NULL);
    json_object *nonmig = vc_cpu_host_expansion(ctx, "static", "migratable=false");
    json_object *props = json_object_object_get(model, "props");
    json_object *vendor = json_object_object_get(props, "vendor");

    if (!json_object_is_type(props, json_type_object))
        return FALSE;
    memset(d, 0, sizeof(*d));
    add_features(fdb, props, json_object_object_get(nonmig, "props"), d);
    if (json_object_is_type(vendor, json_type_string))
        d->vendor = vc_x86_feature_db_vendor(fdb, json_object_get_string(vendor));
    d->family = prop_uint(props, "family");
    d->model = prop_uint(props, "model");
    d->stepping = prop_uint(props, "stepping");
    filter_features(fdb, d);
    return TRUE;
}

/* One candidate model (x86DataToCPU): the data's features beyond it are
 * required, its features the data lacks and QEMU's blockers for it that
 * are not required are disabled. */
typedef struct {
    const VcX86Model *model;
    VcX86FeatureSet require;
    VcX86FeatureSet disable;
    guint score;        /* virCPUx86CompareCandidateFeatureList's, see below */
    guint penalty;      /* its disabled part */
} Candidate;

#define BASE_PENALTY 2

/* virCPUx86CompareCandidateFeatureList for a guest CPU: each disabled
 * feature costs BASE_PENALTY, +1 for each one before it.  libvirt's loop
 * runs to the count of enabled features while it decrements that count,
 * so with the disabled features listed last only the first half of them
 * (rounded up) is penalised and the rest count as enabled; its choices
 * (e.g. EPYC over Opteron_G3 for QEMU 7.2's TCG) depend on that. */
static void
candidate_score(Candidate *c, guint nrequire, guint ndisable)
{
    guint counted = (ndisable + 1) / 2;

    c->penalty = counted * BASE_PENALTY + counted * (counted + 1) / 2 - counted;
    c->score = nrequire + ndisable - counted + c->penalty;
}

static void
candidate_init(Candidate *c, const VcX86FeatureDb *fdb, const VcX86Model *m, const CpuData *d,
               json_object *blockers)
{
    c->model = m;
    vc_x86_set_minus(&c->require, &d->set, &m->features);
    vc_x86_set_minus(&c->disable, &m->features, &d->set);
    for (size_t i = 0; json_object_is_type(blockers, json_type_array) &&
         i < json_object_array_length(blockers); i++) {
        const VcX86Feature *f = vc_x86_feature_db_find(
            fdb, json_object_get_string(json_object_array_get_idx(blockers, i)));

        if (f && !vc_x86_set_has(&c->require, f))
            vc_x86_set_add(&c->disable, f);
    }
    candidate_score(c, vc_x86_set_count(&c->require), vc_x86_set_count(&c->disable));
}

static gboolean
signature_matches(const Candidate *c, const CpuData *d)
{
    return vc_x86_model_signature_matches(c->model, d->family, d->model, d->stepping);
}

/* x86DecodeUseCandidate for a guest CPU without a preferred model: a
 * matching signature wins, else a lower score, else on a tie a lower
 * penalty. */
static gboolean
better(const Candidate *cand, const Candidate *cur, const CpuData *d)
{
    if (!cur->model)
        return TRUE;
    if ((d->family || d->model || d->stepping) && signature_matches(cur, d) != signature_matches(cand, d))
        return signature_matches(cand, d);
    return cand->score < cur->score || (cand->score == cur->score && cand->penalty < cur->penalty);
}

/* QEMU's definition of name in defs (query-cpu-definitions), or NULL. */
static json_object *
qemu_def(json_object *defs, const char *name)
{
    for (size_t i = 0; json_object_is_type(defs, json_type_array) && i < json_object_array_length(defs); i++) {
        json_object *def = json_object_array_get_idx(defs, i);

        if (g_strcmp0(json_object_get_string(json_object_object_get(def, "name")), name) == 0)
            return def;
    }
    return NULL;
}

/* x86Decode's walk: newest model first, only models QEMU defines, of the
 * data's vendor or none, meant to name guest CPUs. */
static gboolean
best_candidate(const X86Dbs *dbs, const CpuData *d, json_object *defs, Candidate *best)
{
    memset(best, 0, sizeof(*best));
    for (guint i = dbs->models->models->len; i-- > 0;) {
        const VcX86Model *m = g_ptr_array_index(dbs->models->models, i);
        json_object *def = qemu_def(defs, m->name);
        Candidate cand;

        if (!def || (d->vendor && m->vendor && d->vendor != m->vendor) || !m->decode_guest)
            continue;
        candidate_init(&cand, dbs->features, m, d, json_object_object_get(def, "unavailable-features"));
        if (better(&cand, best, d))
            *best = cand;
    }
    return best->model != NULL;
}

/* virCPUx86FeatureFilterDropMSR: QEMU without unavailable-features
 * (QEMU_CAPS_CPU_UNAVAILABLE_FEATURES, a flag of the digest: max-x86_64-cpu's
 * QOM properties are no longer parsed on every run) cannot check MSR
 * features. */
static gboolean
qemu_checks_msr_features(const VcPolicyCtx *ctx)
{
    return ctx->flags.set[VC_QEMU_FLAG_CPU_UNAVAILABLE_FEATURES];
}

static void
add_set(VcDomCpuHostModel *hm, const VcX86FeatureDb *fdb, const VcX86FeatureSet *set, gboolean disable,
        gboolean drop_msr)
{
    g_autoptr(GPtrArray) list = vc_x86_set_list(set, fdb);

    for (guint i = 0; i < list->len; i++) {
        const VcX86Feature *f = g_ptr_array_index(list, i);

        if (!drop_msr || f->kind != VC_X86_FEATURE_MSR)
            vc_dom_cpu_host_model_add_feature(hm, f->name, disable);
    }
}

gboolean
vc_cpu_x86_host_model(const VcPolicyCtx *ctx, VcDomCpuHostModel **hm, GError **error)
{
    const X86Dbs *dbs;
    json_object *defs;
    gboolean drop_msr;
    CpuData d;
    Candidate best;

    *hm = NULL;
    if (!vc_cpu_host_expansion(ctx, "static", NULL))
        return TRUE;
    if (!(dbs = x86_dbs(error)))
        return FALSE;
    defs = vc_qemu_facts_return(ctx->facts, (guint)ctx->session, "query-cpu-definitions");
    /* "Cannot find suitable CPU model": libvirt reports no host-model */
    if (!cpu_data(ctx, dbs->features, &d) || !best_candidate(dbs, &d, defs, &best))
        return TRUE;
    drop_msr = !qemu_checks_msr_features(ctx);
    /* x86Decode's features: required ones, then disabled ones, each in the
     * feature database's (libvirt's) order */
    *hm = vc_dom_cpu_host_model_new(best.model->name, d.vendor ? d.vendor->name : NULL, TRUE);
    add_set(*hm, dbs->features, &best.require, FALSE, drop_msr);
    add_set(*hm, dbs->features, &best.disable, TRUE, drop_msr);
    return TRUE;
}
