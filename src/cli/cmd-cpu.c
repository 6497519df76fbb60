/*
 * virtcaps cpuid [--root DIR] [--dump FILE | --libvirt-xml FILE] [--record FILE]
 * virtcaps cpuid --kvm [--root DIR] [--record FILE]
 *
 * A debugging tool for the CPU decoder: reads CPUID data (the instruction,
 * a dump under --root, or a dump file in either format), optionally records
 * it as a virtcaps JSON dump ("-" for stdout), and prints the vendor, the
 * signature, the host CPU model libvirt would name with the features beyond
 * it (as in `virtcaps capabilities`), and all features present, one per
 * line, in libvirt's order.  --kvm does the same for KVM's supported CPUID
 * (/dev/kvm, or DIR/.virtcaps/kvm-cpuid.json) and then lists how it differs
 * from the host's CPUID.
 */
#include <stdio.h>
#include <string.h>

#include "virtcaps.h"
#include "cli/cmd-cpu.h"
#include "cpu/cpuid.h"
#include "cpu/kvm-cpuid.h"
#include "cpu/x86-cpu.h"
#include "cpu/x86-decode.h"

typedef struct {
    char *root;
    char *dump;
    char *libvirt_xml;
    char *record;
    gboolean kvm;
} CpuidOptions;

static void
cpuid_options_clear(CpuidOptions *o)
{
    g_free(o->root);
    g_free(o->dump);
    g_free(o->libvirt_xml);
    g_free(o->record);
}

static gboolean
parse_cpuid_options(int *argc, char ***argv, CpuidOptions *o, GError **error)
{
    GOptionEntry entries[] = {
        { "root", 'r', 0, G_OPTION_ARG_FILENAME, &o->root,
          "Use the dump DIR/" VC_CPUID_ROOT_DUMP " instead of the CPU", "DIR" },
        { "dump", 0, 0, G_OPTION_ARG_FILENAME, &o->dump,
          "Read CPUID data from FILE (virtcaps JSON or libvirt XML)", "FILE" },
        { "libvirt-xml", 0, 0, G_OPTION_ARG_FILENAME, &o->libvirt_xml,
          "Read libvirt's x86_64-cpuid-*.xml format from FILE", "FILE" },
        { "record", 0, 0, G_OPTION_ARG_FILENAME, &o->record,
          "Write the CPUID data as a virtcaps JSON dump to FILE (- for stdout)", "FILE" },
        { "kvm", 0, 0, G_OPTION_ARG_NONE, &o->kvm,
          "KVM's supported CPUID (/dev/kvm, or DIR/" VC_KVM_CPUID_ROOT_DUMP ")", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- decode the host CPUID");

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, argc, argv, error))
        return FALSE;
    if (*argc > 1) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "unexpected argument '%s'", (*argv)[1]);
        return FALSE;
    }
    if (!!o->dump + !!o->libvirt_xml + !!o->root > 1) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--root, --dump and --libvirt-xml exclude each other");
        return FALSE;
    }
    if (o->kvm && (o->dump || o->libvirt_xml)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--kvm reads /dev/kvm or a --root tree, not --dump or --libvirt-xml");
        return FALSE;
    }
    return TRUE;
}

static VcCpuidData *
load_libvirt_xml(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize len;

    if (!g_file_get_contents(path, &text, &len, error))
        return NULL;
    return vc_cpuid_parse_libvirt_xml(text, len, path, error);
}

static VcCpuidData *
acquire(const CpuidOptions *o, GError **error)
{
    if (o->kvm)
        return vc_kvm_cpuid_acquire(o->root, error);
    if (o->dump)
        return vc_cpuid_load_file(o->dump, error);
    if (o->libvirt_xml)
        return load_libvirt_xml(o->libvirt_xml, error);
    return vc_cpuid_acquire(o->root, error);
}

static gboolean
record(const VcCpuidData *data, const char *path, GError **error)
{
    g_autofree char *text = NULL;

    if (strcmp(path, "-") != 0)
        return vc_cpuid_write_json(data, path, error);
    text = vc_cpuid_format_json(data);
    fputs(text, stdout);
    return TRUE;
}

/* "model: NAME (+N: a b c)", or why there is none. */
static void
format_model(GString *out, const VcX86FeatureDb *db, const VcCpuidData *data)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcX86ModelDb) mdb = vc_x86_model_db_load_default(db, &err);
    g_autoptr(VcCpuDef) def = mdb ? vc_x86_cpu_decode_host(mdb, data, &err) : NULL;

    if (!def) {
        g_string_append_printf(out, "model: none (%s)\n", err->message);
        return;
    }
    g_string_append_printf(out, "model: %s (+%u:", def->model, def->features->len);
    for (guint i = 0; i < def->features->len; i++)
        g_string_append_printf(out, " %s",
                               ((const VcCpuFeature *)g_ptr_array_index(def->features, i))->name);
    g_string_append(out, ")\n");
}

static char *
format_decoded(const VcX86Decoded *d, const VcX86FeatureDb *db, const VcCpuidData *data)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out, "vendor: %s (%s)\n",
                           d->vendor ? d->vendor->name : "unknown",
                           d->vendor_string);
    if (d->has_signature)
        g_string_append_printf(out, "signature: family=%u model=%u stepping=%u (0x%08x)\n",
                               d->family, d->model, d->stepping, d->signature);
    format_model(out, db, data);
    g_string_append_printf(out, "features: %u\n", d->features->len);
    for (guint i = 0; i < d->features->len; i++)
        g_string_append_printf(out, "%s\n",
                               ((const VcX86Feature *)g_ptr_array_index(d->features, i))->name);
    return g_string_free(out, FALSE);
}

/* "TITLE: N" and the names of features in a but not in b. */
static void
format_missing(GString *out, const char *title, const VcX86Decoded *a, const VcX86Decoded *b)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();

    for (guint i = 0; i < a->features->len; i++) {
        const VcX86Feature *f = g_ptr_array_index(a->features, i);
        if (!vc_x86_decoded_has(b, f->name))
            g_ptr_array_add(names, f->name);
    }
    g_string_append_printf(out, "%s: %u\n", title, names->len);
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(out, "%s\n", (const char *)g_ptr_array_index(names, i));
}

/* What KVM cannot offer of the host CPU, and what it offers beyond it
 * (features it emulates, such as x2apic or tsc-deadline). */
static void
format_kvm_diff(GString *out, const VcX86FeatureDb *db, const VcX86Decoded *kvm,
                const char *root)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuidData) host = vc_cpuid_acquire(root, &err);
    g_autoptr(VcX86Decoded) decoded = NULL;

    if (!host) {
        g_string_append_printf(out, "host CPUID: unavailable (%s)\n", err->message);
        return;
    }
    decoded = vc_x86_decode(db, host);
    format_missing(out, "host features KVM lacks", decoded, kvm);
    format_missing(out, "KVM features the host lacks", kvm, decoded);
}

int
vc_cmd_cpuid(int argc, char **argv)
{
    CpuidOptions o = { 0 };
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuidData) data = NULL;
    g_autoptr(VcX86FeatureDb) db = NULL;
    g_autoptr(VcX86Decoded) decoded = NULL;
    g_autofree char *out = NULL;
    int rc = 1;

    if (!parse_cpuid_options(&argc, &argv, &o, &err) ||
        !(db = vc_x86_feature_db_load_default(&err)) ||
        !(data = acquire(&o, &err)))
        goto out;
    if (o.record) {
        rc = record(data, o.record, &err) ? 0 : 1;
        goto out;
    }
    decoded = vc_x86_decode(db, data);
    out = format_decoded(decoded, db, data);
    if (o.kvm) {
        GString *s = g_string_new(g_steal_pointer(&out));
        format_kvm_diff(s, db, decoded, o.root);
        out = g_string_free(s, FALSE);
    }
    rc = fputs(out, stdout) < 0 || fflush(stdout) != 0;
 out:
    if (err)
        fprintf(stderr, "virtcaps: %s\n", err->message);
    cpuid_options_clear(&o);
    return rc;
}
