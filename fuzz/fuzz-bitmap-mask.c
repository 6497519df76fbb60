/*
 * sysfs hex masks ("00000000,0000000f"): vc_bitmap_parse_mask.  An accepted
 * mask's set must survive the list form (format, parse).
 */
#include "fuzz.h"

#include "util/vc-bitmap.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = vc_fuzz_strndup(data, size);
    g_autoptr(VcBitmap) set = vc_bitmap_parse_mask(text, NULL);
    g_autoptr(VcBitmap) again = NULL;
    g_autofree char *formatted = NULL;

    if (!set)
        return 0;
    formatted = vc_bitmap_format(set);
    if (!(again = vc_bitmap_parse(formatted, NULL)))
        vc_fuzz_fail("formatted mask does not parse as a list", formatted);
    if (!vc_bitmap_equal(set, again))
        vc_fuzz_fail("mask round trip differs", formatted);
    return 0;
}
