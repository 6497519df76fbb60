/*
 * probe.c - libvirt's QMP capability queries as tables (see probe.h).
 *
 * The tables follow libvirt's src/qemu/qemu_capabilities.c
 * (virQEMUCapsInitQMPMonitor, virQEMUCapsDeviceProps, virQEMUCapsObjectProps,
 * virQEMUCapsMachineProps, virQEMUCapsProbeQMPHostCPU); a condition "QOM type
 * T exists" stands for libvirt's capability flag that qom-list-types sets
 * from T.  Replaying every transcript of libvirt's test suite consumes each
 * recorded command exactly once (tests/qemu), which checks the tables.
 */
#include <string.h>

#include "qemu/probe.h"
#include "qemu/digest.h"

typedef enum {
    ARCH_ANY,
    ARCH_OTHER,
    ARCH_X86,
    ARCH_ARM,
} ArchFamily;

typedef struct {
    VcQemuSource *src;
    VcQemuSession *sess;
    json_object *replies;   /* the current session's, borrowed from the facts */
    json_object *first;     /* the first session's */
    gboolean tcg_session;
    GHashTable *commands;   /* commands in query-qmp-schema; NULL: unknown, send all */
    GHashTable *types;      /* types in qom-list-types; NULL: unknown, none */
} ProbeCtx;

typedef struct ProbeStep ProbeStep;
struct ProbeStep {
    const char *execute;
    gboolean (*run)(ProbeCtx *ctx, const ProbeStep *step, GError **error);
    const char *if_type;    /* only if this QOM type exists */
    gboolean required;      /* an error reply fails the probe */
};

/* QEMU's target names to the families whose CPU probing differs. */
static const struct {
    const char *arch;
    ArchFamily family;
} arch_families[] = {
    { "x86_64", ARCH_X86 },
    { "i386", ARCH_X86 },
    { "aarch64", ARCH_ARM },
    { "arm", ARCH_ARM },
};

/* device-list-properties, in libvirt's order; a device is queried when one
 * of its types exists (NULL: always). */
static const char *const virtio_net_types[] = { "virtio-net-pci", "virtio-net-ccw",
                                                "virtio-net-device", NULL };
static const char *const virtio_scsi_types[] = { "virtio-scsi-pci", "virtio-scsi-ccw",
                                                 "virtio-scsi-device", NULL };
static const char *const virtio_gpu_types[] = { "virtio-gpu-pci", "virtio-gpu-device", NULL };
#define ONE_TYPE(t) ((const char *const[]){ t, NULL })

static const struct {
    const char *type;
    const char *const *if_any;
} device_props[] = {
    { "virtio-blk-pci", NULL },
    { "virtio-net-pci", virtio_net_types },
    { "virtio-scsi-pci", virtio_scsi_types },
    { "virtio-blk-ccw", ONE_TYPE("virtio-blk-ccw") },
    { "virtio-net-ccw", virtio_net_types },
    { "virtio-scsi-ccw", virtio_scsi_types },
    { "vfio-pci", ONE_TYPE("vfio-pci") },
    { "scsi-hd", NULL },
    { "ide-hd", NULL },
    { "PIIX4_PM", NULL },
    { "usb-redir", ONE_TYPE("usb-redir") },
    { "usb-storage", ONE_TYPE("usb-storage") },
    { "kvm-pit", NULL },
    { "VGA", ONE_TYPE("VGA") },
    { "vmware-svga", ONE_TYPE("vmware-svga") },
    { "qxl", ONE_TYPE("qxl") },
    { "virtio-gpu-pci", virtio_gpu_types },
    { "virtio-gpu-device", virtio_gpu_types },
    { "ICH9-LPC", NULL },
    { "virtio-balloon-pci", NULL },
    { "virtio-balloon-ccw", NULL },
    { "virtio-balloon-device", NULL },
    { "intel-iommu", ONE_TYPE("intel-iommu") },
    { "spapr-pci-host-bridge", ONE_TYPE("spapr-pci-host-bridge") },
    { "virtio-gpu-ccw", ONE_TYPE("virtio-gpu-ccw") },
    { "mch", ONE_TYPE("mch") },
    { "nvdimm", ONE_TYPE("nvdimm") },
    { "pcie-root-port", ONE_TYPE("pcie-root-port") },
    { "usb-host", NULL },
    { "vhost-user-fs-device", ONE_TYPE("vhost-user-fs-device") },
    { "virtio-mem-pci", ONE_TYPE("virtio-mem-pci") },
    { "virtio-iommu-pci", ONE_TYPE("virtio-iommu-pci") },
};

/* qom-list-properties of object types, queried when the type exists
 * (NULL: always). */
static const struct {
    const char *type;
    const char *if_type;
} object_props[] = {
    { "memory-backend-file", NULL },
    { "memory-backend-memfd", "memory-backend-memfd" },
    { "max-x86_64-cpu", "max-x86_64-cpu" },
    { "max-arm-cpu", "max-arm-cpu" },
};

/* qom-list-properties of machine types: the machine (or alias) named here
 * resolved through query-machines to "CANONICAL-machine"; an abstract type
 * is not in query-machines and is asked for by name. */
static const struct {
    const char *machine;
    ArchFamily only;
    gboolean abstract;
} machine_props[] = {
    { "pseries", ARCH_ANY, FALSE },
    { "virt", ARCH_ANY, FALSE },
    { "none", ARCH_ANY, FALSE },
    { "generic-pc", ARCH_X86, TRUE },
};

/* How the host CPU model ("host", or "max" in the TCG session) is expanded. */
static const struct {
    ArchFamily family;
    const char *expansion;     /* query-cpu-model-expansion type */
    const char *max_cpu_type;  /* its "migratable" property allows migratable=false */
    gboolean hyperv;           /* full expansion with hv-passthrough, accelerated only */
} host_cpu_rules[] = {
    { ARCH_X86, "static", "max-x86_64-cpu", TRUE },
    { ARCH_ARM, "full", "max-arm-cpu", TRUE },
    { ARCH_OTHER, "static", NULL, FALSE },
};

static const char *
member_string(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static json_object *
reply_return(json_object *reply)
{
    json_object *ret = NULL;

    if (!json_object_is_type(reply, json_type_object) ||
        !json_object_object_get_ex(reply, "return", &ret))
        return NULL;
    return ret;
}

/* The names of the array elements {"name": ...} (optionally only those whose
 * member "meta-type" is meta_type) as a set; NULL if not an array. */
static GHashTable *
name_set(json_object *array, const char *meta_type)
{
    GHashTable *set;

    if (!json_object_is_type(array, json_type_array))
        return NULL;
    set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t i = 0; i < json_object_array_length(array); i++) {
        json_object *el = json_object_array_get_idx(array, i);
        const char *name = member_string(el, "name");

        if (name && (!meta_type || g_strcmp0(member_string(el, "meta-type"), meta_type) == 0))
            g_hash_table_add(set, g_strdup(name));
    }
    return set;
}

static gboolean
has_type(const ProbeCtx *ctx, const char *type)
{
    return ctx->types && g_hash_table_contains(ctx->types, type);
}

static gboolean
has_any_type(const ProbeCtx *ctx, const char *const *types)
{
    if (!types)
        return TRUE;
    for (; *types; types++)
        if (has_type(ctx, *types))
            return TRUE;
    return FALSE;
}

static json_object *
first_return(const ProbeCtx *ctx, const char *key)
{
    return reply_return(json_object_object_get(ctx->first, key));
}

static ArchFamily
arch_family(const ProbeCtx *ctx)
{
    const char *arch = member_string(first_return(ctx, "query-target"), "arch");

    for (gsize i = 0; arch && i < G_N_ELEMENTS(arch_families); i++)
        if (strcmp(arch, arch_families[i].arch) == 0)
            return arch_families[i].family;
    return ARCH_OTHER;
}

/* Run one command and store its reply under its key. */
static gboolean
run_query(ProbeCtx *ctx, const char *execute, json_object *args, gboolean required, GError **error)
{
    g_autofree char *key = vc_qemu_fact_key(execute, args);
    json_object *reply = NULL;

    if (!vc_qemu_session_run(ctx->sess, execute, args, &reply, error))
        return FALSE;
    if (required && !reply_return(reply)) {
        g_set_error(error, VC_QEMU_ERROR, VC_QEMU_ERROR_COMMAND, "%s: %s: %s: %s",
                    vc_qemu_source_name(ctx->src), execute, vc_qmp_error_class(reply),
                    vc_qmp_error_desc(reply));
        json_object_put(reply);
        return FALSE;
    }
    json_object_object_add(ctx->replies, key, reply);
    return TRUE;
}

static gboolean
run_typename_query(ProbeCtx *ctx, const char *execute, const char *type, GError **error)
{
    g_autoptr(VcJson) args = json_object_new_object();

    json_object_object_add(args, "typename", json_object_new_string(type));
    return run_query(ctx, execute, args, FALSE, error);
}

static gboolean
step_plain(ProbeCtx *ctx, const ProbeStep *step, GError **error)
{
    return run_query(ctx, step->execute, NULL, step->required, error);
}

/* The schema decides which later commands are sent at all. */
static gboolean
step_schema(ProbeCtx *ctx, const ProbeStep *step, GError **error)
{
    if (!step_plain(ctx, step, error))
        return FALSE;
    ctx->commands = name_set(first_return(ctx, step->execute), "command");
    return TRUE;
}

static gboolean
step_types(ProbeCtx *ctx, const ProbeStep *step, GError **error)
{
    if (!step_plain(ctx, step, error))
        return FALSE;
    ctx->types = name_set(first_return(ctx, step->execute), NULL);
    return TRUE;
}

static gboolean
step_devices(ProbeCtx *ctx, const ProbeStep *step, GError **error)
{
    for (gsize i = 0; i < G_N_ELEMENTS(device_props); i++)
        if (has_any_type(ctx, device_props[i].if_any) &&
            !run_typename_query(ctx, step->execute, device_props[i].type, error))
            return FALSE;
    return TRUE;
}

static gboolean
step_objects(ProbeCtx *ctx, const ProbeStep *step, GError **error)
{
    for (gsize i = 0; i < G_N_ELEMENTS(object_props); i++)
        if ((!object_props[i].if_type || has_type(ctx, object_props[i].if_type)) &&
            !run_typename_query(ctx, step->execute, object_props[i].type, error))
            return FALSE;
    return TRUE;
}

/* The canonical name of a machine named name or aliased as name. */
static const char *
canonical_machine(const ProbeCtx *ctx, const char *name)
{
    json_object *machines = first_return(ctx, "query-machines");

    if (!json_object_is_type(machines, json_type_array))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(machines); i++) {
        json_object *m = json_object_array_get_idx(machines, i);

        if (g_strcmp0(member_string(m, "name"), name) == 0 ||
            g_strcmp0(member_string(m, "alias"), name) == 0)
            return member_string(m, "name");
    }
    return NULL;
}

static gboolean
step_machine_props(ProbeCtx *ctx, const ProbeStep *step, GError **error)
{
    ArchFamily family = arch_family(ctx);

    for (gsize i = 0; i < G_N_ELEMENTS(machine_props); i++) {
        const char *name = machine_props[i].abstract
            ? machine_props[i].machine : canonical_machine(ctx, machine_props[i].machine);
        g_autofree char *type = NULL;

        if (!name || (machine_props[i].only != ARCH_ANY && machine_props[i].only != family))
            continue;
        type = g_strconcat(name, "-machine", NULL);
        if (!run_typename_query(ctx, step->execute, type, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
has_property(json_object *props, const char *name)
{
    if (!json_object_is_type(props, json_type_array))
        return FALSE;
    for (size_t i = 0; i < json_object_array_length(props); i++)
        if (g_strcmp0(member_string(json_object_array_get_idx(props, i), "name"), name) == 0)
            return TRUE;
    return FALSE;
}

/* query-cpu-model-expansion of model; with props when hyperv/!migratable. */
static gboolean
expand_model(ProbeCtx *ctx, const char *execute, const char *type, const char *model,
             gboolean non_migratable, gboolean hyperv, GError **error)
{
    g_autoptr(VcJson) args = json_object_new_object();
    json_object *m = json_object_new_object();

    json_object_object_add(args, "type", json_object_new_string(type));
    json_object_object_add(m, "name", json_object_new_string(model));
    if (non_migratable || hyperv) {
        json_object *props = json_object_new_object();

        json_object_object_add(props, "migratable", json_object_new_boolean(FALSE));
        if (hyperv)
            json_object_object_add(props, "hv-passthrough", json_object_new_boolean(TRUE));
        json_object_object_add(m, "props", props);
    }
    json_object_object_add(args, "model", m);
    return run_query(ctx, execute, args, FALSE, error);
}

/* The first session's qom-list-properties of type lists property name. */
static gboolean
type_has_property(const ProbeCtx *ctx, const char *type, const char *name)
{
    g_autofree char *key = NULL;

    if (!type)
        return FALSE;
    key = g_strconcat("qom-list-properties:", type, NULL);
    return has_property(first_return(ctx, key), name);
}

static gboolean
step_host_cpu(ProbeCtx *ctx, const ProbeStep *step, GError **error)
{
    ArchFamily family = arch_family(ctx);
    const char *model = ctx->tcg_session ? "max" : "host";
    gsize r = 0;

    while (r + 1 < G_N_ELEMENTS(host_cpu_rules) && host_cpu_rules[r].family != family)
        r++;
    if (!expand_model(ctx, step->execute, host_cpu_rules[r].expansion, model, FALSE, FALSE, error))
        return FALSE;
    if (type_has_property(ctx, host_cpu_rules[r].max_cpu_type, "migratable") &&
        !expand_model(ctx, step->execute, host_cpu_rules[r].expansion, model, TRUE, FALSE, error))
        return FALSE;
    if (host_cpu_rules[r].hyperv && !ctx->tcg_session &&
        !expand_model(ctx, step->execute, "full", model, TRUE, TRUE, error))
        return FALSE;
    return TRUE;
}

/* virQEMUCapsInitQMPMonitor, in its order. */
static const ProbeStep first_session_steps[] = {
    { "query-version", step_plain, NULL, TRUE },
    { "query-target", step_plain, NULL, TRUE },
    { "query-qmp-schema", step_schema, NULL, FALSE },
    { "query-kvm", step_plain, NULL, FALSE },
    { "qom-list-types", step_types, NULL, FALSE },
    { "device-list-properties", step_devices, NULL, FALSE },
    { "qom-list-properties", step_objects, NULL, FALSE },
    { "query-machines", step_plain, NULL, FALSE },
    { "qom-list-properties", step_machine_props, NULL, FALSE },
    { "query-cpu-definitions", step_plain, NULL, FALSE },
    { "query-tpm-models", step_plain, NULL, FALSE },
    { "query-tpm-types", step_plain, NULL, FALSE },
    { "query-command-line-options", step_plain, NULL, FALSE },
    { "query-migrate-capabilities", step_plain, NULL, FALSE },
    { "query-gic-capabilities", step_plain, NULL, FALSE },
    { "query-sev-capabilities", step_plain, "sev-guest", FALSE },
    { "query-sgx-capabilities", step_plain, "sgx-epc", FALSE },
    { "query-cpu-model-expansion", step_host_cpu, NULL, FALSE },
};

/* virQEMUCapsInitQMPSingleAccel for TCG after an accelerated session. */
static const ProbeStep tcg_session_steps[] = {
    { "query-cpu-definitions", step_plain, NULL, FALSE },
    { "query-cpu-model-expansion", step_host_cpu, NULL, FALSE },
    { "query-machines", step_plain, NULL, FALSE },
};

static gboolean
run_steps(ProbeCtx *ctx, const ProbeStep *steps, gsize n, GError **error)
{
    for (gsize i = 0; i < n; i++) {
        if (ctx->commands && !g_hash_table_contains(ctx->commands, steps[i].execute))
            continue;
        if (steps[i].if_type && !has_type(ctx, steps[i].if_type))
            continue;
        if (!steps[i].run(ctx, &steps[i], error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
run_session(ProbeCtx *ctx, json_object *facts, const char *accel, const ProbeStep *steps,
            gsize n, GError **error)
{
    g_autoptr(VcQemuSession) sess = vc_qemu_session_open(ctx->src, accel, error);
    json_object *session;

    if (!sess)
        return FALSE;
    session = json_object_new_object();
    json_object_object_add(session, "accel", json_object_new_string(accel));
    ctx->replies = json_object_new_object();
    json_object_object_add(session, "replies", ctx->replies);
    json_object_array_add(json_object_object_get(facts, "sessions"), session);
    if (!ctx->first)
        ctx->first = ctx->replies;
    ctx->sess = sess;
    return run_steps(ctx, steps, n, error);
}

/* libvirt re-probes with TCG when the first session was accelerated. */
static gboolean
wants_tcg_session(const ProbeCtx *ctx, const char *accel)
{
    json_object *kvm = first_return(ctx, "query-kvm");
    json_object *enabled = NULL;
    gboolean accelerated = g_str_has_prefix(accel, "hvf") ||
        (json_object_object_get_ex(kvm, "enabled", &enabled) &&
         json_object_is_type(enabled, json_type_boolean) && json_object_get_boolean(enabled));

    return accelerated && has_type(ctx, "tcg-accel");
}

json_object *
vc_qemu_probe(VcQemuSource *src, const VcQemuProbeOptions *opts, GError **error)
{
    const char *accel = opts && opts->accel ? opts->accel : "kvm:tcg";
    g_autoptr(VcJson) facts = json_object_new_object();
    ProbeCtx ctx = { .src = src };
    gboolean ok;

    json_object_object_add(facts, "format", json_object_new_int(VC_QEMU_FACTS_FORMAT));
    json_object_object_add(facts, "sessions", json_object_new_array());
    ok = run_session(&ctx, facts, accel, first_session_steps,
                     G_N_ELEMENTS(first_session_steps), error);
    if (ok && wants_tcg_session(&ctx, accel)) {
        ctx.tcg_session = TRUE;
        ok = run_session(&ctx, facts, "tcg", tcg_session_steps, G_N_ELEMENTS(tcg_session_steps),
                         error);
    }
    g_clear_pointer(&ctx.commands, g_hash_table_unref);
    g_clear_pointer(&ctx.types, g_hash_table_unref);
    return ok ? g_steal_pointer(&facts) : NULL;
}

/* "K=V,..." of the expansion's model props, values as JSON. */
static void
append_props(GString *key, json_object *props)
{
    gboolean first = TRUE;

    if (!json_object_is_type(props, json_type_object))
        return;
    json_object_object_foreach(props, name, value) {
        g_string_append_printf(key, "%s%s=%s", first ? ":" : ",", name,
                               json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN));
        first = FALSE;
    }
}

static gboolean
is_expansion(json_object *args, const char **type, json_object **model)
{
    json_object *props = NULL;

    *type = member_string(args, "type");
    *model = json_object_object_get(args, "model");
    if (!*type || json_object_object_length(args) != 2 || !member_string(*model, "name"))
        return FALSE;
    json_object_object_get_ex(*model, "props", &props);
    return json_object_object_length(*model) == (props ? 2 : 1) &&
        (!props || json_object_is_type(props, json_type_object));
}

char *
vc_qemu_fact_key(const char *execute, json_object *args)
{
    GString *key = g_string_new(execute);
    const char *type = NULL;
    json_object *model = NULL;

    if (!json_object_is_type(args, json_type_object) || json_object_object_length(args) == 0)
        return g_string_free(key, FALSE);
    if (json_object_object_length(args) == 1 && member_string(args, "typename")) {
        g_string_append_printf(key, ":%s", member_string(args, "typename"));
    } else if (is_expansion(args, &type, &model)) {
        g_string_append_printf(key, ":%s:%s", type, member_string(model, "name"));
        append_props(key, json_object_object_get(model, "props"));
    } else {
        g_autofree char *canon = vc_json_canonical(args);

        g_string_append_printf(key, ":%s", canon);
    }
    return g_string_free(key, FALSE);
}

guint
vc_qemu_facts_n_sessions(json_object *facts)
{
    json_object *sessions = json_object_object_get(facts, "sessions");

    return json_object_is_type(sessions, json_type_array)
        ? (guint)json_object_array_length(sessions) : 0;
}

json_object *
vc_qemu_facts_reply(json_object *facts, guint session, const char *key)
{
    json_object *sessions = json_object_object_get(facts, "sessions");
    json_object *s, *replies, *reply;

    if (session >= vc_qemu_facts_n_sessions(facts))
        return NULL;
    s = json_object_array_get_idx(sessions, session);
    replies = json_object_object_get(s, "replies");
    reply = json_object_object_get(replies, key);
    /* A reply is an object; a string is a digest's reply not parsed yet. */
    if (json_object_is_type(reply, json_type_string))
        return vc_qemu_digest_thaw(replies, key, reply);
    return reply;
}

json_object *
vc_qemu_facts_return(json_object *facts, guint session, const char *key)
{
    return reply_return(vc_qemu_facts_reply(facts, session, key));
}
