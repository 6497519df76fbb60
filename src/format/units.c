#include "format/units.h"

static const char *const binary_units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };

VcPrettySize
vc_pretty_size_bytes(guint64 bytes)
{
    VcPrettySize s = { bytes, binary_units[0] };

    for (gsize i = 1; i < G_N_ELEMENTS(binary_units); i++) {
        if (s.value == 0 || s.value % 1024)
            break;
        s.value /= 1024;
        s.unit = binary_units[i];
    }
    return s;
}

VcPrettySize
vc_pretty_size_kib(guint64 kib)
{
    /* Stay in KiB and up: a KiB figure is never printed in bytes. */
    VcPrettySize s = { kib, binary_units[1] };

    for (gsize i = 2; i < G_N_ELEMENTS(binary_units); i++) {
        if (s.value == 0 || s.value % 1024)
            break;
        s.value /= 1024;
        s.unit = binary_units[i];
    }
    return s;
}
