/* See cpuid-check.h. */
#include "fuzz.h"
#include "cpuid-check.h"

#include <string.h>

#include "cpu/x86-decode.h"

typedef VcCpuidData *(*ParseFunc)(const char *text, gsize len, const char *source,
                                  GError **error);
typedef char *(*FormatFunc)(const VcCpuidData *data);

static void
check_writer(const VcCpuidData *data, FormatFunc format, ParseFunc parse, const char *what)
{
    g_autofree char *text = format(data);
    g_autofree char *again_text = NULL;
    g_autoptr(VcCpuidData) again = NULL;
    g_autoptr(GError) error = NULL;

    if (!(again = parse(text, strlen(text), what, &error)))
        vc_fuzz_fail(what, error->message);
    again_text = format(again);
    if (g_strcmp0(text, again_text) != 0)
        vc_fuzz_fail(what, "round trip is not stable");
}

/* Loaded once: it is the project's data file, not fuzz input. */
static const VcX86FeatureDb *
feature_db(void)
{
    static VcX86FeatureDb *db;
    g_autoptr(GError) error = NULL;

    if (!db && !(db = vc_x86_feature_db_load_default(&error)))
        vc_fuzz_fail("feature database", error->message);
    return db;
}

void
vc_fuzz_check_cpuid(const VcCpuidData *data)
{
    g_autoptr(VcX86Decoded) decoded = NULL;

    check_writer(data, vc_cpuid_format_json, vc_cpuid_parse_json, "JSON dump");
    check_writer(data, vc_cpuid_format_libvirt_xml, vc_cpuid_parse_libvirt_xml,
                 "libvirt XML dump");
    if (!(decoded = vc_x86_decode(feature_db(), data)))
        vc_fuzz_fail("decoder", "no result");
}
