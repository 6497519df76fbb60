/*
 * Glue between the host probe and the CPU decoder (see host-model.h).
 */
#include <string.h>

#include "cpu/host-model.h"
#include "cpu/x86-cpu.h"

#define DUMP "/" VC_CPUID_ROOT_DUMP

/* The CPUID data of the host: the instruction (recorded when recording) or
 * the root's dump; NULL with a warning, or silently when a root has none. */
static VcCpuidData *
acquire(const VcHost *host)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;
    VcCpuidData *data;

    if (host->root[0] == '\0') {
        if (!(data = vc_cpuid_read_host(&err))) {
            vc_host_warn(host, "CPUID: %s", err->message);
            return NULL;
        }
        text = vc_cpuid_format_json(data);
        vc_host_record_value(host, DUMP, text);
        return data;
    }
    if (!(text = vc_host_read(host, DUMP, VC_CPUID_DUMP_MAX)))
        return NULL;
    data = text[0] == '<' ?
           vc_cpuid_parse_libvirt_xml(text, strlen(text), DUMP, &err) :
           vc_cpuid_parse_json(text, strlen(text), DUMP, &err);
    if (!data)
        vc_host_warn(host, "ignoring %s", err->message);
    return data;
}

void
vc_cpu_probe_host_model(const VcHost *host, char **model, GPtrArray *features)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuidData) data = NULL;
    g_autoptr(VcX86FeatureDb) fdb = NULL;
    g_autoptr(VcX86ModelDb) mdb = NULL;
    g_autoptr(VcCpuDef) def = NULL;

    if (g_strcmp0(g_getenv(VC_CPU_NO_MODEL_ENV), "1") == 0 || !(data = acquire(host)))
        return;
    if (!(fdb = vc_x86_feature_db_load_default(&err)) ||
        !(mdb = vc_x86_model_db_load_default(fdb, &err)) ||
        !(def = vc_x86_cpu_decode_host(mdb, data, &err))) {
        vc_host_warn(host, "no CPU model: %s", err->message);
        return;
    }
    *model = g_steal_pointer(&def->model);
    for (guint i = 0; i < def->features->len; i++)
        g_ptr_array_add(features,
                        g_strdup(((VcCpuFeature *)g_ptr_array_index(def->features, i))->name));
}
