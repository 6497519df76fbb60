#ifndef VC_FORMAT_UNITS_H
#define VC_FORMAT_UNITS_H

#include <glib.h>

/* A size in the largest binary unit that divides it exactly (libvirt's
 * virFormatIntPretty, up to PiB): 16777216 bytes is 16 MiB, 1536 bytes is
 * 1536 B. */
typedef struct {
    guint64 value;
    const char *unit;
} VcPrettySize;

VcPrettySize vc_pretty_size_bytes(guint64 bytes);

#endif
