/*
 * CPU lists ("0-3,8"): vc_bitmap_parse.  An accepted list must format to a
 * list that parses to the same set and formats the same again.
 */
#include "fuzz.h"

#include "util/vc-bitmap.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = vc_fuzz_strndup(data, size);
    g_autoptr(VcBitmap) set = vc_bitmap_parse(text, NULL);
    g_autoptr(VcBitmap) again = NULL;
    g_autofree char *formatted = NULL;
    g_autofree char *reformatted = NULL;
    guint count;

    if (!set)
        return 0;
    formatted = vc_bitmap_format(set);
    if (!(again = vc_bitmap_parse(formatted, NULL)))
        vc_fuzz_fail("formatted list does not parse", formatted);
    reformatted = vc_bitmap_format(again);
    if (!vc_bitmap_equal(set, again) || g_strcmp0(formatted, reformatted) != 0)
        vc_fuzz_fail("list round trip differs", formatted);
    count = vc_bitmap_count(set);
    if (count && !vc_bitmap_has(set, vc_bitmap_nth(set, count - 1)))
        vc_fuzz_fail("largest member missing", formatted);
    return 0;
}
