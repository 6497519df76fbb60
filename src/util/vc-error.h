/*
 * One-line parse errors naming their source, shared by every reader of a
 * data or host file.
 */
#ifndef VC_UTIL_ERROR_H
#define VC_UTIL_ERROR_H

#include <glib.h>

/* Set error to "SOURCE: message" (VIRTCAPS_ERROR_PARSE) and return FALSE,
 * so that a reader can write `return vc_fail_parse(error, path, ...);`. */
gboolean vc_fail_parse(GError **error, const char *source, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

#endif
