/*
 * policy-cpu.c - the <cpu> element (virQEMUCapsFillDomainCPUCaps).
 *
 * host-passthrough and maximum are decided from facts alone; host-model
 * (cpu-host-model.c) and custom (cpu-custom.c) follow libvirt's CPU driver
 * for the architecture (cpu-drivers.c).
 */
#include <string.h>

#include "domcaps/cpu-policy.h"

#define FLAG(e) VC_QEMU_FLAG_##e

/* s390 machines on which KVM accepts no CPU model but "host". */
static const char *const s390_host_passthrough_only[] = {
    "s390-ccw-virtio-2.4", "s390-ccw-virtio-2.5", "s390-ccw-virtio-2.6", "s390-ccw-virtio-2.7", NULL,
};

static gboolean
is_accelerated(const char *virttype)
{
    return strcmp(virttype, "qemu") != 0;
}

/* virQEMUCapsIsCPUModeSupported's rule for every mode but host-passthrough. */
static gboolean
models_allowed(const VcPolicyCtx *ctx)
{
    return !(vc_arch_is_s390(ctx->arch) && strcmp(ctx->virttype, "kvm") == 0 && ctx->machine &&
             g_strv_contains(s390_host_passthrough_only, ctx->machine));
}

static void
set_migratable(VcDomEnum *e, gboolean on)
{
    e->report = TRUE;
    if (on)
        vc_dom_enum_set(e, VC_VOCAB_TRISTATE_SWITCH, "on");
    vc_dom_enum_set(e, VC_VOCAB_TRISTATE_SWITCH, "off");
}

gboolean
vc_policy_fill_cpu(const VcPolicyCtx *ctx, VcDomCpu *cpu, GError **error)
{
    const VcCpuDriver *drv = vc_cpu_driver_for(ctx->arch);

    if (is_accelerated(ctx->virttype) && vc_arch_is_native(ctx->host->arch, ctx->arch)) {
        cpu->host_passthrough = TRUE;
        set_migratable(&cpu->host_passthrough_migratable, ctx->flags.set[FLAG(CPU_MIGRATABLE)]);
    }
    if (!models_allowed(ctx))
        return TRUE;
    if (ctx->flags.set[FLAG(CPU_MAX)]) {
        cpu->maximum = TRUE;
        set_migratable(&cpu->maximum_migratable, TRUE);
    }
    return vc_cpu_fill_host_model(ctx, drv, cpu, error) && vc_cpu_fill_custom(ctx, drv, cpu, error);
}
