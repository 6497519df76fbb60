/*
 * The JSON form of the host capabilities: vc_host_caps_parse_json, then the
 * round trip parse -> format -> parse -> format (stable) and the XML
 * formatter on whatever model the reader accepted.
 */
#include "fuzz.h"
#include "caps-roundtrip.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = vc_fuzz_strndup(data, size);
    g_autoptr(VcHostCaps) caps = vc_host_caps_parse_json(text, "fuzz", NULL);

    if (caps)
        vc_fuzz_check_caps_roundtrip(caps);
    return 0;
}
