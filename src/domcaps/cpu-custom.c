/*
 * cpu-custom.c - the custom CPU mode: QEMU's CPU models for the virt type's
 * accelerator (query-cpu-definitions) but "host", restricted to the models
 * of libvirt's CPU driver where it has a list, with QEMU's usability,
 * deprecation, blockers and alias-of and the driver's vendor
 * (virQEMUCapsGetCPUModels, virQEMUCapsCPUDefsToModels).
 */
#include <stdlib.h>
#include <string.h>

#include "domcaps/cpu-policy.h"
#include "qemu/probe.h"

/* The list's spelling of name: exact, or any case for drivers that fold
 * QEMU's lower-case names (ppc64); NULL when the list lacks it. */
static const char *
list_name(const VcCpuDriver *drv, const GPtrArray *models, const char *name)
{
    for (guint i = 0; i < models->len; i++) {
        const VcCpuListModel *m = g_ptr_array_index(models, i);

        if (drv->fold_case ? g_ascii_strcasecmp(m->name, name) == 0 : strcmp(m->name, name) == 0)
            return m->name;
    }
    return NULL;
}

/* qemuMonitorJSONGetCPUDefinitions: usable only when QEMU says which
 * features are missing. */
static const char *
usable(json_object *def)
{
    json_object *missing = json_object_object_get(def, "unavailable-features");

    if (!json_object_is_type(missing, json_type_array))
        return "unknown";
    return json_object_array_length(missing) ? "no" : "yes";
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* libvirt's spelling of a blocker: only the x86 driver has a feature
 * database that knows QEMU's names; the others keep QEMU's. */
static gboolean
blocker_name(const VcCpuDriver *drv, const char *qemu_name, const char **name, GError **error)
{
    if (drv->list != VC_CPU_LIST_X86) {
        *name = qemu_name;
        return TRUE;
    }
    return vc_cpu_x86_feature_name(qemu_name, name, error);
}

/* QEMU's unavailable features in libvirt's spelling, sorted by name as
 * libvirt 10.9+ prints them (QEMU lists them in its own order); NULL in
 * *out when there are none. */
static gboolean
blockers(const VcCpuDriver *drv, json_object *def, GStrv *out, GError **error)
{
    json_object *missing = json_object_object_get(def, "unavailable-features");
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_auto(GStrv) names = NULL;

    *out = NULL;
    if (!json_object_is_type(missing, json_type_array) || !json_object_array_length(missing))
        return TRUE;
    for (size_t i = 0; i < json_object_array_length(missing); i++) {
        json_object *feature = json_object_array_get_idx(missing, i);
        const char *name;

        if (!json_object_is_type(feature, json_type_string))
            continue;
        if (!blocker_name(drv, json_object_get_string(feature), &name, error))
            return FALSE;
        g_strv_builder_add(b, name);
    }
    names = g_strv_builder_end(b);
    qsort(names, g_strv_length(names), sizeof(*names), compare_names);
    if (names[0])
        *out = g_steal_pointer(&names);
    return TRUE;
}

/* QEMU's alias-of (QEMU 4.1+): the versioned model an alias stands for. */
static char *
canonical(json_object *def)
{
    json_object *alias_of = json_object_object_get(def, "alias-of");

    return json_object_is_type(alias_of, json_type_string) ? g_strdup(json_object_get_string(alias_of)) : NULL;
}

static VcDomCpuModel *
model_from_def(const VcCpuDriver *drv, const char *name, json_object *def, const char *vendor,
               GError **error)
{
    g_autofree VcDomCpuModel *m = g_new0(VcDomCpuModel, 1);
    json_object *deprecated = json_object_object_get(def, "deprecated");

    if (!blockers(drv, def, &m->blockers, error))
        return NULL;
    m->name = g_strdup(name);
    m->usable = g_strdup(usable(def));
    m->deprecated = json_object_is_type(deprecated, json_type_boolean) &&
        json_object_get_boolean(deprecated);
    m->vendor = g_strdup(vendor);
    m->canonical = canonical(def);
    return g_steal_pointer(&m);
}

/* The QEMU name as libvirt keeps it, or NULL when custom mode leaves it out. */
static const char *
allowed_name(const VcCpuDriver *drv, const GPtrArray *models, const char *name)
{
    if (drv->list != VC_CPU_LIST_ANY)
        name = models ? list_name(drv, models, name) : NULL;
    return name && strcmp(name, "host") != 0 ? name : NULL;
}

gboolean
vc_cpu_fill_custom(const VcPolicyCtx *ctx, const VcCpuDriver *drv, VcDomCpu *cpu, GError **error)
{
    json_object *defs = ctx->session < 0 ? NULL
        : vc_qemu_facts_return(ctx->facts, (guint)ctx->session, "query-cpu-definitions");
    const GPtrArray *models = NULL;
    GError *err = NULL;

    cpu->custom = NULL;
    /* no CPU driver, or no models for this accelerator: unsupported */
    if (!drv || !json_object_is_type(defs, json_type_array) || !json_object_array_length(defs))
        return TRUE;
    if (drv->list != VC_CPU_LIST_ANY && !(models = vc_cpu_driver_models(drv, &err)) && err) {
        g_propagate_error(error, err);
        return FALSE;
    }
    cpu->custom = g_ptr_array_new();
    for (size_t i = 0; i < json_object_array_length(defs); i++) {
        json_object *def = json_object_array_get_idx(defs, i);
        const char *name = json_object_get_string(json_object_object_get(def, "name"));
        const char *vendor;
        VcDomCpuModel *m;

        if (!name || !(name = allowed_name(drv, models, name)))
            continue;
        if (!vc_cpu_driver_vendor(drv, models, name, &vendor, error) ||
            !(m = model_from_def(drv, name, def, vendor, error)))
            return FALSE;
        g_ptr_array_add(cpu->custom, m);
    }
    return TRUE;
}
