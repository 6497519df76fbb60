/*
 * policy.h - libvirt's rules (virQEMUCapsFillDomainCaps and its helpers in
 * src/qemu/qemu_capabilities.c, libvirt 10.7) from probed facts to the
 * domain capabilities model.  No files, no sockets: facts in, model out.
 */
#ifndef VC_DOMCAPS_POLICY_H
#define VC_DOMCAPS_POLICY_H

#include <json-c/json.h>

#include "domcaps/domcaps.h"
#include "domcaps/flags.h"
#include "domcaps/hostfacts.h"

G_BEGIN_DECLS

typedef struct {
    const char *emulator;    /* the path reported in <path> */
    const char *arch;        /* NULL: the emulator's */
    const char *machine;     /* NULL: the default machine of the emulator */
    const char *virttype;    /* kvm, qemu or hvf; NULL: the best accelerator */
} VcDomCapsRequest;

/* One machine type of one accelerator, as libvirt keeps it. */
typedef struct {
    const char *name;
    const char *alias;
    guint max_cpus;
    gboolean is_default;
} VcMachine;

/* What the policy functions read. */
typedef struct {
    json_object *facts;
    const VcHostFacts *host;
    const GPtrArray *firmwares;   /* VcFirmware * */
    VcQemuFlags flags;
    const char *arch;             /* the emulator's, libvirt's name */
    const char *virttype;
    const char *machine;          /* canonical */
    GArray *machines;             /* VcMachine of virttype's accelerator */
    gint session;                 /* the facts session probed with virttype's accelerator; -1: none */
} VcPolicyCtx;

/* The domain capabilities of the emulator described by facts, a digest
 * (qemu/digest.h: flags precomputed, replies as in the facts).  Errors
 * (unknown virt type or machine, unusable facts) are one line naming
 * source. */
VcDomCaps *vc_dom_caps_build(json_object *facts, const VcHostFacts *host,
                             const GPtrArray *firmwares, const VcDomCapsRequest *req,
                             const char *source, GError **error);

/* policy-features.c: gic, sev, sgx, hyperv, launchSecurity. */
void vc_policy_fill_platform_features(const VcPolicyCtx *ctx, VcDomCaps *caps);

/* policy-cpu.c: the <cpu> element; errors name a data file. */
gboolean vc_policy_fill_cpu(const VcPolicyCtx *ctx, VcDomCpu *cpu, GError **error);

/* Machine families of libvirt's qemu_domain.c (qemuDomainMachineIs*). */
gboolean vc_machine_is_i440fx(const char *machine, const char *arch);
gboolean vc_machine_is_q35(const char *machine, const char *arch);
gboolean vc_machine_is_xenfv(const char *machine, const char *arch);
gboolean vc_machine_is_pseries(const char *machine, const char *arch);
gboolean vc_machine_is_arm_virt(const char *machine, const char *arch);
gboolean vc_machine_has_builtin_ide(const char *machine, const char *arch);
/* libvirt's virQEMUCapsGuestIsNative. */
gboolean vc_arch_is_native(const char *host, const char *guest);
gboolean vc_arch_is_s390(const char *arch);

G_END_DECLS

#endif /* VC_DOMCAPS_POLICY_H */
