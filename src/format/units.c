#include "format/units.h"

/* libvirt stops at PiB. */
static const char *const binary_units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };

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
