/*
 * policy-features.c - the <features> that come from QMP replies rather than
 * flags: GIC versions (query-gic-capabilities), SEV (query-sev-capabilities
 * and the host's SEV ASIDs), SGX (query-sgx-capabilities), Hyper-V (the
 * hv-* properties of the hv-passthrough host CPU expansion) and the launch
 * security types.
 */
#include <string.h>

#include "domcaps/machines.h"
#include "domcaps/policy.h"
#include "qemu/probe.h"

#define FLAG(e) VC_QEMU_FLAG_##e

/* The GIC implementation each virt type needs (virQEMUCapsSupportsGICVersion). */
static const struct {
    const char *virttype;
    const char *implementation;
} gic_implementations[] = {
    { "kvm", "kernel" },
    { "qemu", "emulated" },
};

/* libvirt's launch security types and the flags each needs. */
static const struct {
    const char *sectype;
    VcQemuFlag flag;
    VcQemuFlag flag2;
} launch_security_rules[] = {
    { "s390-pv", FLAG(S390_PV_GUEST), FLAG(CONFIDENTIAL_GUEST) },
};

static json_object *
reply0(const VcPolicyCtx *ctx, const char *key)
{
    return vc_qemu_facts_return(ctx->facts, 0, key);
}

static gint64
int_member(json_object *obj, const char *key)
{
    json_object *v = json_object_object_get(obj, key);

    return json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
}

static gboolean
bool_member(json_object *obj, const char *key)
{
    json_object *v = json_object_object_get(obj, key);

    return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static const char *
gic_implementation(const char *virttype)
{
    for (gsize i = 0; i < G_N_ELEMENTS(gic_implementations); i++)
        if (strcmp(gic_implementations[i].virttype, virttype) == 0)
            return gic_implementations[i].implementation;
    return NULL;
}

static void
fill_gic(const VcPolicyCtx *ctx, VcDomCaps *caps)
{
    VcDomElement *gic = &caps->elements[VC_ELEM_GIC];
    json_object *list = reply0(ctx, "query-gic-capabilities");
    const char *impl = gic_implementation(ctx->virttype);

    gic->supported = VC_TRISTATE_NO;
    if (!vc_machine_is_arm_virt(ctx->machine, ctx->arch) || !impl)
        return;
    for (size_t i = 0; json_object_is_type(list, json_type_array) &&
         i < json_object_array_length(list); i++) {
        json_object *cap = json_object_array_get_idx(list, i);
        g_autofree char *version = g_strdup_printf("%" G_GINT64_FORMAT, int_member(cap, "version"));

        if (!bool_member(cap, impl) || vc_vocab_index(VC_VOCAB_GIC_VERSION, version) < 0)
            continue;
        gic->supported = VC_TRISTATE_YES;
        gic->enums[0].report = TRUE;
        vc_dom_enum_set(&gic->enums[0], VC_VOCAB_GIC_VERSION, version);
    }
}

static void
fill_sev(const VcPolicyCtx *ctx, VcDomCaps *caps)
{
    json_object *sev = reply0(ctx, "query-sev-capabilities");
    json_object *cpu0 = json_object_object_get(sev, "cpu0-id");

    if (!ctx->flags.set[FLAG(SEV_GUEST)] || !sev)
        return;
    caps->sev = g_new0(VcDomSev, 1);
    caps->sev->cbitpos = (guint)int_member(sev, "cbitpos");
    caps->sev->reduced_phys_bits = (guint)int_member(sev, "reduced-phys-bits");
    caps->sev->max_guests = ctx->host->sev_max_guests;
    caps->sev->max_es_guests = ctx->host->sev_max_es_guests;
    if (json_object_is_type(cpu0, json_type_string))
        caps->sev->cpu0_id = g_strdup(json_object_get_string(cpu0));
}

static void
fill_sgx(const VcPolicyCtx *ctx, VcDomCaps *caps)
{
    json_object *sgx = reply0(ctx, "query-sgx-capabilities");
    json_object *sections = json_object_object_get(sgx, "sections");

    if (!ctx->flags.set[FLAG(SGX_EPC)] || !sgx)
        return;
    caps->sgx = g_new0(VcDomSgx, 1);
    caps->sgx->flc = bool_member(sgx, "flc");
    caps->sgx->sgx1 = bool_member(sgx, "sgx1");
    caps->sgx->sgx2 = bool_member(sgx, "sgx2");
    caps->sgx->section_size_kib = (guint64)int_member(sgx, "section-size") / 1024;
    caps->sgx->sections = g_array_new(FALSE, FALSE, sizeof(VcDomSgxSection));
    for (size_t i = 0; json_object_is_type(sections, json_type_array) &&
         i < json_object_array_length(sections); i++) {
        json_object *s = json_object_array_get_idx(sections, i);
        VcDomSgxSection sec = { (guint)int_member(s, "node"), (guint64)int_member(s, "size") / 1024 };

        g_array_append_val(caps->sgx->sections, sec);
    }
}

/* hv-NAME -> libvirt's name: as is, or with '-' as '_' (hv-vendor-id). */
static int
hyperv_index(const char *prop)
{
    g_autofree char *underscored = NULL;
    int i;

    if (!g_str_has_prefix(prop, "hv-"))
        return -1;
    if ((i = vc_vocab_index(VC_VOCAB_HYPERV, prop + 3)) >= 0)
        return i;
    underscored = g_strdelimit(g_strdup(prop + 3), "-", '_');
    return vc_vocab_index(VC_VOCAB_HYPERV, underscored);
}

/* A property counts when true, positive or a string (libvirt's
 * virQEMUCapsProbeHypervCapabilities). */
static gboolean
hyperv_prop_enabled(json_object *v)
{
    return (json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v)) ||
        (json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0) ||
        json_object_is_type(v, json_type_string);
}

static void
fill_hyperv(const VcPolicyCtx *ctx, VcDomCaps *caps)
{
    json_object *ret = reply0(ctx, "query-cpu-model-expansion:full:host:migratable=false,hv-passthrough=true");
    json_object *props = json_object_object_get(json_object_object_get(ret, "model"), "props");
    VcDomElement *hv = &caps->elements[VC_ELEM_HYPERV];

    if (!json_object_is_type(props, json_type_object))
        return;
    json_object_object_foreach(props, name, value) {
        int i = hyperv_index(name);

        if (i >= 0 && hyperv_prop_enabled(value))
            hv->enums[0].values |= G_GUINT64_CONSTANT(1) << i;
    }
    /* no hv-* enabled: an older QEMU that did not expand them */
    if (hv->enums[0].values) {
        hv->supported = VC_TRISTATE_YES;
        hv->enums[0].report = TRUE;
    }
}

static void
fill_launch_security(const VcPolicyCtx *ctx, VcDomCaps *caps)
{
    VcDomElement *ls = &caps->elements[VC_ELEM_LAUNCH_SECURITY];

    if (caps->sev)
        vc_dom_enum_set(&ls->enums[0], VC_VOCAB_LAUNCH_SECURITY, "sev");
    for (gsize i = 0; i < G_N_ELEMENTS(launch_security_rules); i++)
        if (ctx->flags.set[launch_security_rules[i].flag] && ctx->flags.set[launch_security_rules[i].flag2])
            vc_dom_enum_set(&ls->enums[0], VC_VOCAB_LAUNCH_SECURITY, launch_security_rules[i].sectype);
    ls->supported = ls->enums[0].values ? VC_TRISTATE_YES : VC_TRISTATE_NO;
    ls->enums[0].report = ls->enums[0].values != 0;
}

void
vc_policy_fill_platform_features(const VcPolicyCtx *ctx, VcDomCaps *caps)
{
    fill_gic(ctx, caps);
    fill_sev(ctx, caps);
    fill_sgx(ctx, caps);
    fill_hyperv(ctx, caps);
    fill_launch_security(ctx, caps);
}
