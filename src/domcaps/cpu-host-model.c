/*
 * cpu-host-model.c - the host-model CPU mode (virQEMUCapsInitHostCPUModel):
 * the CPU a host-model guest gets, from QEMU's host CPU expansion where
 * libvirt's driver reads one (s390, x86), else from the host CPU of the
 * host facts (ppc64, riscv64, loongarch64; x86 without an expansion).
 */
#include <string.h>

#include "domcaps/cpu-policy.h"
#include "qemu/probe.h"

/* Features libvirt never passes to QEMU (virQEMUCapsCPUFilterFeatures). */
static const char *const x86_filtered_features[] = {
    "cmt", "mbm_total", "mbm_local", "osxsave", "ospke", NULL,
};

/* virCPUDefCopyModelFilter of the host CPU, features required. */
static VcDomCpuHostModel *
from_host_cpu(const VcPolicyCtx *ctx, const VcCpuDriver *drv)
{
    const VcHostFactsCpu *hc = ctx->host->cpu;
    VcDomCpuHostModel *hm;

    if (!hc)
        return NULL;
    hm = vc_dom_cpu_host_model_new(hc->model, hc->vendor, FALSE);
    for (guint i = 0; hc->features && i < hc->features->len; i++) {
        const char *name = g_ptr_array_index(hc->features, i);

        if (drv->host != VC_CPU_HOST_X86 || !g_strv_contains(x86_filtered_features, name))
            vc_dom_cpu_host_model_add_feature(hm, name, FALSE);
    }
    return hm;
}

json_object *
vc_cpu_host_expansion(const VcPolicyCtx *ctx, const char *type, const char *props)
{
    g_autofree char *key = g_strdup_printf("query-cpu-model-expansion:%s:%s%s%s", type,
                                           strcmp(ctx->virttype, "qemu") != 0 ? "host" : "max",
                                           props ? ":" : "", props ? props : "");
    json_object *ret = ctx->session < 0 ? NULL
        : vc_qemu_facts_return(ctx->facts, (guint)ctx->session, key);

    return json_object_object_get(ret, "model");
}

/* virQEMUCapsInitCPUModelS390: the expansion's model and boolean
 * properties, in QEMU's order. */
static VcDomCpuHostModel *
from_s390_expansion(const VcPolicyCtx *ctx)
{
    json_object *model = vc_cpu_host_expansion(ctx, "static", NULL);
    json_object *name = json_object_object_get(model, "name");
    json_object *props = json_object_object_get(model, "props");
    VcDomCpuHostModel *hm;

    if (!json_object_is_type(name, json_type_string) || !json_object_is_type(props, json_type_object))
        return NULL;
    hm = vc_dom_cpu_host_model_new(json_object_get_string(name), NULL, TRUE);
    json_object_object_foreach(props, prop, value) {
        if (json_object_is_type(value, json_type_boolean))
            vc_dom_cpu_host_model_add_feature(hm, prop, !json_object_get_boolean(value));
    }
    return hm;
}

/* virQEMUCapsInitCPUModel and its fallback to the host CPU; NULL without
 * an error when there is no host-model CPU. */
static VcDomCpuHostModel *
host_model_for(const VcPolicyCtx *ctx, const VcCpuDriver *drv, GError **error)
{
    VcDomCpuHostModel *hm = NULL;

    switch (drv->host) {
    case VC_CPU_HOST_NONE:
        return NULL;
    case VC_CPU_HOST_S390:
        return from_s390_expansion(ctx);
    case VC_CPU_HOST_X86:
        /* without QEMU's expansion libvirt falls back to the host CPU */
        if (!vc_cpu_x86_host_model(ctx, &hm, error) || hm)
            return hm;
        break;
    case VC_CPU_HOST_FACTS:
        break;
    }
    return from_host_cpu(ctx, drv);
}

gboolean
vc_cpu_fill_host_model(const VcPolicyCtx *ctx, const VcCpuDriver *drv, VcDomCpu *cpu, GError **error)
{
    GError *err = NULL;

    cpu->host_model = NULL;
    /* without a CPU driver libvirt cannot name the host CPU either */
    if (!drv || !vc_arch_is_native(ctx->host->arch, ctx->arch))
        return TRUE;
    if (!(cpu->host_model = host_model_for(ctx, drv, &err))) {
        if (err)
            g_propagate_error(error, err);
        return err == NULL;
    }
    /* virHostCPUGetPhysAddrSize, for accelerated guests only */
    if (strcmp(ctx->virttype, "qemu") != 0)
        cpu->host_model->maxphysaddr_limit = ctx->host->phys_addr_bits;
    return TRUE;
}
