/* See caps-roundtrip.h. */
#include "fuzz.h"
#include "caps-roundtrip.h"

void
vc_fuzz_check_caps_roundtrip(const VcHostCaps *caps)
{
    g_autofree char *json = vc_host_caps_format_json(caps);
    g_autofree char *xml = vc_host_caps_format_xml(caps);
    g_autofree char *json2 = NULL;
    g_autoptr(VcHostCaps) again = NULL;
    g_autoptr(GError) error = NULL;

    if (!xml || !*xml)
        vc_fuzz_fail("XML formatter", "empty document");
    if (!(again = vc_host_caps_parse_json(json, "formatted", &error)))
        vc_fuzz_fail("formatted JSON does not parse", error->message);
    json2 = vc_host_caps_format_json(again);
    if (g_strcmp0(json, json2) != 0)
        vc_fuzz_fail("JSON round trip is not stable", json);
}
