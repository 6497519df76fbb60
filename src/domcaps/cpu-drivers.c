/*
 * cpu-drivers.c - libvirt's CPU drivers (src/cpu/cpu_*.c, libvirt 10.7) as
 * a table, and the model lists of those that have one, from data/cpu/.
 */
#include <string.h>

#include <json-c/json.h>

#include "util/vc-error.h"
#include "virtcaps.h"
#include "cpu/x86-features.h"
#include "domcaps/cpu-policy.h"

static const char *const x86_arches[] = { "x86_64", "i686", NULL };
static const char *const ppc64_arches[] = { "ppc64", "ppc64le", NULL };
static const char *const s390_arches[] = { "s390", "s390x", NULL };
static const char *const arm_arches[] = { "armv6l", "armv7b", "armv7l", "aarch64", NULL };
static const char *const riscv64_arches[] = { "riscv64", NULL };
static const char *const loongarch_arches[] = { "loongarch64", NULL };

/* virCPUs390GetVendorForModel */
static const VcCpuVendorPrefix s390_vendors[] = { { "z", "IBM" }, { "gen", "IBM" }, { NULL, NULL } };

static const VcCpuDriver drivers[] = {
    { "x86", x86_arches, VC_CPU_LIST_X86, "x86-models-libvirt.json", FALSE, NULL, VC_CPU_HOST_X86 },
    { "ppc64", ppc64_arches, VC_CPU_LIST_FILE, "ppc64-models.json", TRUE, NULL, VC_CPU_HOST_FACTS },
    { "s390", s390_arches, VC_CPU_LIST_ANY, NULL, FALSE, s390_vendors, VC_CPU_HOST_S390 },
    { "arm", arm_arches, VC_CPU_LIST_ANY, NULL, FALSE, NULL, VC_CPU_HOST_NONE },
    { "riscv64", riscv64_arches, VC_CPU_LIST_ANY, NULL, FALSE, NULL, VC_CPU_HOST_FACTS },
    { "loongarch", loongarch_arches, VC_CPU_LIST_ANY, NULL, FALSE, NULL, VC_CPU_HOST_FACTS },
};

const VcCpuDriver *
vc_cpu_driver_for(const char *arch)
{
    for (gsize i = 0; i < G_N_ELEMENTS(drivers); i++)
        if (g_strv_contains(drivers[i].arches, arch))
            return &drivers[i];
    return NULL;
}

static void
list_model_free(gpointer p)
{
    VcCpuListModel *m = p;

    g_free(m->name);
    g_free(m->vendor);
    g_free(m);
}

/* {"models": [{"name": S, "vendor": S or null (optional)}, ...]}; other
 * members are other tools' business. */
static gboolean
parse_models(json_object *root, const char *path, GPtrArray *out, GError **error)
{
    json_object *models = json_object_object_get(root, "models");

    if (!json_object_is_type(models, json_type_array))
        return vc_fail_parse(error, path, "expected a \"models\" array");
    for (size_t i = 0; i < json_object_array_length(models); i++) {
        json_object *m = json_object_array_get_idx(models, i);
        json_object *name = json_object_object_get(m, "name");
        json_object *vendor = json_object_object_get(m, "vendor");
        VcCpuListModel *lm;

        if (!json_object_is_type(name, json_type_string) ||
            !(json_object_is_type(vendor, json_type_string) || json_object_is_type(vendor, json_type_null)))
            return vc_fail_parse(error, path, "models[%zu]: needs a string \"name\", and \"vendor\" a string or null", i);
        lm = g_new0(VcCpuListModel, 1);
        lm->name = g_strdup(json_object_get_string(name));
        lm->vendor = g_strdup(json_object_get_string(vendor));
        g_ptr_array_add(out, lm);
    }
    return TRUE;
}

static GPtrArray *
load_list(const char *file, GError **error)
{
    g_autofree char *path = vc_cpu_data_path(file);
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(list_model_free);
    json_object *root;
    gboolean ok;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s", err->message);
        return NULL;
    }
    if (!(root = json_tokener_parse(text))) {
        vc_fail_parse(error, path, "not valid JSON");
        return NULL;
    }
    ok = parse_models(root, path, out, error);
    json_object_put(root);
    return ok ? g_steal_pointer(&out) : NULL;
}

const GPtrArray *
vc_cpu_driver_models(const VcCpuDriver *drv, GError **error)
{
    /* one list per driver, loaded on first use and kept for the process */
    static GPtrArray *lists[G_N_ELEMENTS(drivers)];
    gsize i = (gsize)(drv - drivers);

    if (drv->list == VC_CPU_LIST_ANY)
        return NULL;
    if (!lists[i])
        lists[i] = load_list(drv->list_file, error);
    return lists[i];
}

gboolean
vc_cpu_driver_vendor(const VcCpuDriver *drv, const GPtrArray *models, const char *name,
                     const char **vendor, GError **error)
{
    GError *err = NULL;

    *vendor = NULL;
    for (const VcCpuVendorPrefix *p = drv->vendor_prefixes; p && p->prefix; p++)
        if (g_str_has_prefix(name, p->prefix)) {
            *vendor = p->vendor;
            return TRUE;
        }
    if (drv->list == VC_CPU_LIST_X86 && (vc_cpu_x86_model_vendor(name, vendor, &err) || err)) {
        if (err)
            g_propagate_error(error, err);
        return err == NULL;
    }
    for (guint i = 0; models && i < models->len; i++) {
        const VcCpuListModel *m = g_ptr_array_index(models, i);

        if (strcmp(m->name, name) == 0)
            *vendor = m->vendor;
    }
    return TRUE;
}
