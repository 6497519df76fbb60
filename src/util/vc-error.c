#include "util/vc-error.h"

#include <stdarg.h>

#include "virtcaps.h"

gboolean
vc_fail_parse(GError **error, const char *source, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: %s", source, msg);
    return FALSE;
}
