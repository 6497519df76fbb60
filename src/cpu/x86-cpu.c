/*
 * CPU definitions and the x86 computations on them: host decoding with
 * libvirt's model choice (x86Decode, x86DecodeUseCandidate), expansion and
 * difference.
 */
#include <string.h>

#include "virtcaps.h"
#include "cpu/x86-cpu.h"
#include "cpu/x86-decode.h"
#include "util/vc-xml.h"

static const char *const policy_names[] = {
    "force", "require", "optional", "disable", "forbid",
};

const char *
vc_cpu_feature_policy_name(VcCpuFeaturePolicy policy)
{
    return (gsize)policy < G_N_ELEMENTS(policy_names) ? policy_names[policy] : "?";
}

static void
feature_free(gpointer p)
{
    VcCpuFeature *f = p;

    g_free(f->name);
    g_free(f);
}

VcCpuDef *
vc_cpu_def_new(void)
{
    VcCpuDef *def = g_new0(VcCpuDef, 1);

    def->features = g_ptr_array_new_with_free_func(feature_free);
    return def;
}

void
vc_cpu_def_free(VcCpuDef *def)
{
    if (!def)
        return;
    g_free(def->arch);
    g_free(def->model);
    g_free(def->vendor);
    g_ptr_array_unref(def->features);
    g_free(def);
}

void
vc_cpu_def_add_feature(VcCpuDef *def, const char *name, VcCpuFeaturePolicy policy)
{
    VcCpuFeature *f = g_new0(VcCpuFeature, 1);

    f->name = g_strdup(name);
    f->policy = policy;
    g_ptr_array_add(def->features, f);
}

/* ---- XML ---- */

static gboolean G_GNUC_PRINTF(3, 4)
xml_fail(GError **error, const char *source, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: %s", source, msg);
    return FALSE;
}

static char *
text(const VcXmlNode *n)
{
    return g_strstrip(g_strdup(n->content));
}

static gboolean
parse_uint_prop(const VcXmlNode *n, const char *name, guint *out, const char *source,
                GError **error)
{
    const char *v = vc_xml_node_attr(n, name);
    guint64 x;

    if (!v || !g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT, &x, NULL))
        return xml_fail(error, source, "<signature> needs a decimal '%s'", name);
    *out = (guint)x;
    return TRUE;
}

static gboolean
parse_feature(VcCpuDef *def, const VcXmlNode *n, const char *source, GError **error)
{
    const char *name = vc_xml_node_attr(n, "name");
    const char *policy = vc_xml_node_attr(n, "policy");
    VcCpuFeaturePolicy p = VC_CPU_FEATURE_REQUIRE;

    if (!name || !*name)
        return xml_fail(error, source, "<feature> without a name");
    if (policy) {
        gsize i;
        for (i = 0; i < G_N_ELEMENTS(policy_names); i++)
            if (strcmp(policy, policy_names[i]) == 0)
                break;
        if (i == G_N_ELEMENTS(policy_names))
            return xml_fail(error, source, "feature '%s': unknown policy '%s'", name, policy);
        p = (VcCpuFeaturePolicy)i;
    }
    vc_cpu_def_add_feature(def, name, p);
    return TRUE;
}

static gboolean
parse_child(VcCpuDef *def, const VcXmlNode *c, const char *source, GError **error)
{
    const char *n = c->name;

    if (strcmp(n, "arch") == 0)
        g_free(def->arch), def->arch = text(c);
    else if (strcmp(n, "model") == 0)
        g_free(def->model), def->model = text(c);
    else if (strcmp(n, "vendor") == 0)
        g_free(def->vendor), def->vendor = text(c);
    else if (strcmp(n, "feature") == 0)
        return parse_feature(def, c, source, error);
    else if (strcmp(n, "signature") == 0) {
        def->has_signature = TRUE;
        return parse_uint_prop(c, "family", &def->family, source, error) &&
               parse_uint_prop(c, "model", &def->model_number, source, error) &&
               parse_uint_prop(c, "stepping", &def->stepping, source, error);
    }
    return TRUE;
}

/* The first <cpu> element, depth first: the document may be a whole
 * capabilities or domain XML. */
static const VcXmlNode *
find_cpu(const VcXmlNode *n)
{
    if (strcmp(n->name, "cpu") == 0)
        return n;
    for (guint i = 0; i < n->children->len; i++) {
        const VcXmlNode *found = find_cpu(n->children->pdata[i]);

        if (found)
            return found;
    }
    return NULL;
}

VcCpuDef *
vc_cpu_def_parse_xml(const char *xml, gsize len, const char *source, GError **error)
{
    g_autoptr(VcCpuDef) def = NULL;
    g_autoptr(VcXmlNode) root = vc_xml_read(xml, len, source, error);
    const VcXmlNode *cpu;

    if (!root)
        return NULL;
    if (!(cpu = find_cpu(root))) {
        xml_fail(error, source, "no <cpu> element");
        return NULL;
    }
    def = vc_cpu_def_new();
    for (guint i = 0; i < cpu->children->len; i++)
        if (!parse_child(def, cpu->children->pdata[i], source, error))
            return NULL;
    return g_steal_pointer(&def);
}

/* ---- expansion and difference ---- */

gboolean
vc_x86_cpu_expand(const VcX86ModelDb *db, const VcCpuDef *def,
                  VcX86FeatureSet *out, GError **error)
{
    memset(out, 0, sizeof(*out));
    if (def->model) {
        const VcX86Model *m = vc_x86_model_db_find(db, def->model);
        if (!m) {
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                        "unknown CPU model '%s'", def->model);
            return FALSE;
        }
        *out = m->features;
    }
    for (guint i = 0; i < def->features->len; i++) {
        const VcCpuFeature *cf = g_ptr_array_index(def->features, i);
        const VcX86Feature *f = vc_x86_feature_db_find(db->features, cf->name);

        if (!f) {
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                        "unknown CPU feature '%s'", cf->name);
            return FALSE;
        }
        if (cf->policy == VC_CPU_FEATURE_FORCE || cf->policy == VC_CPU_FEATURE_REQUIRE)
            vc_x86_set_add(out, f);
        else if (cf->policy == VC_CPU_FEATURE_DISABLE || cf->policy == VC_CPU_FEATURE_FORBID)
            vc_x86_set_remove(out, f);
    }
    return TRUE;
}

VcX86CpuDiff *
vc_x86_cpu_diff(const VcX86ModelDb *db, const VcCpuDef *a, const VcCpuDef *b,
                GError **error)
{
    VcX86FeatureSet sa, sb, d;
    VcX86CpuDiff *diff;

    if (!vc_x86_cpu_expand(db, a, &sa, error) || !vc_x86_cpu_expand(db, b, &sb, error))
        return NULL;
    diff = g_new0(VcX86CpuDiff, 1);
    vc_x86_set_minus(&d, &sa, &sb);
    diff->only_a = vc_x86_set_list(&d, db->features);
    vc_x86_set_minus(&d, &sb, &sa);
    diff->only_b = vc_x86_set_list(&d, db->features);
    return diff;
}

void
vc_x86_cpu_diff_free(VcX86CpuDiff *diff)
{
    if (!diff)
        return;
    g_ptr_array_unref(diff->only_a);
    g_ptr_array_unref(diff->only_b);
    g_free(diff);
}

/* ---- host decoding ---- */

typedef struct {
    const VcX86Model *model;
    VcX86FeatureSet added;    /* host features beyond the model */
    guint nadded;
} Candidate;

/* libvirt's x86DecodeUseCandidate for a host CPU: a model matching the host's
 * signature beats one that does not; otherwise fewer added features win, and
 * of equals the one tried first (the newer) stays. */
static gboolean
better(const Candidate *cand, const Candidate *cur, const VcX86Decoded *d)
{
    if (!cur->model)
        return TRUE;
    if (d->signature) {
        gboolean cur_sig = vc_x86_model_signature_matches(cur->model, d->family,
                                                          d->model, d->stepping);
        gboolean cand_sig = vc_x86_model_signature_matches(cand->model, d->family,
                                                           d->model, d->stepping);
        if (cur_sig != cand_sig)
            return cand_sig;
    }
    return cand->nadded < cur->nadded;
}

/* A model can name the host when it is meant to, its vendor is not another
 * one, and the host has all its features (a host CPU lists no disabled ones). */
static gboolean
try_model(const VcX86Model *m, const VcX86Decoded *d, const VcX86FeatureSet *host,
          Candidate *cand)
{
    VcX86FeatureSet missing;

    if (!m->decode_host || (d->vendor && m->vendor && d->vendor != m->vendor))
        return FALSE;
    vc_x86_set_minus(&missing, &m->features, host);
    if (!vc_x86_set_is_empty(&missing))
        return FALSE;
    cand->model = m;
    vc_x86_set_minus(&cand->added, host, &m->features);
    cand->nadded = vc_x86_set_count(&cand->added);
    return TRUE;
}

static VcCpuDef *
host_def(const VcX86ModelDb *db, const VcX86Decoded *d, const Candidate *best)
{
    VcCpuDef *def = vc_cpu_def_new();
    g_autoptr(GPtrArray) added = vc_x86_set_list(&best->added, db->features);

    def->arch = g_strdup("x86_64");
    def->model = g_strdup(best->model->name);
    def->vendor = d->vendor ? g_strdup(d->vendor->name) : NULL;
    def->has_signature = d->has_signature;
    def->family = d->family;
    def->model_number = d->model;
    def->stepping = d->stepping;
    for (guint i = 0; i < added->len; i++)
        vc_cpu_def_add_feature(def, ((const VcX86Feature *)g_ptr_array_index(added, i))->name,
                               VC_CPU_FEATURE_REQUIRE);
    return def;
}

VcCpuDef *
vc_x86_cpu_decode_host(const VcX86ModelDb *db, const VcCpuidData *data, GError **error)
{
    g_autoptr(VcX86Decoded) d = vc_x86_decode(db->features, data);
    VcX86FeatureSet host = { { 0 } };
    Candidate best = { 0 }, cand;

    for (guint i = 0; i < d->features->len; i++)
        vc_x86_set_add(&host, g_ptr_array_index(d->features, i));
    /* newest models first, as libvirt walks its map */
    for (guint i = db->models->len; i-- > 0;) {
        if (try_model(g_ptr_array_index(db->models, i), d, &host, &cand) &&
            better(&cand, &best, d))
            best = cand;
    }
    if (!best.model) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "no CPU model fits the host CPU (vendor %s)",
                    d->vendor ? d->vendor->name : d->vendor_string);
        return NULL;
    }
    return host_def(db, d, &best);
}
