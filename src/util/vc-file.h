/*
 * Reading host files through a root prefix.  Every probe reads /sys, /proc,
 * /dev and /etc through a VcHost so a recorded tree can stand in for the
 * running machine, and so every problem is reported with the file's name.
 */
#ifndef VC_UTIL_FILE_H
#define VC_UTIL_FILE_H

#include <glib.h>

#include "util/vc-bitmap.h"

typedef struct {
    char *root;              /* "" for the running host */
    GPtrArray *warnings;     /* borrowed, may be NULL */
    char *record_dir;        /* when set, every file read is copied here */
} VcHost;

/* sysfs and procfs values are small; /proc/cpuinfo of a big host is not. */
#define VC_FILE_MAX_SMALL (64 * 1024)
#define VC_FILE_MAX_LARGE (32 * 1024 * 1024)

void vc_host_init(VcHost *host, const char *root, GPtrArray *warnings);
void vc_host_clear(VcHost *host);

/* Copy every file and directory entry the probes read into dir, so that the
 * copy replays the same answers under --root (the fixture recorder). */
void vc_host_set_record_dir(VcHost *host, const char *dir);
/* Record a value that did not come from a file (an ioctl's answer) as the
 * file at path, which the probe reads back under a root. */
void vc_host_record_value(const VcHost *host, const char *path, const char *text);

/* The real path of a host path ("/sys/...") under the root. */
char *vc_host_path(const VcHost *host, const char *path);

/* Record a warning (one line, naming the file). */
void vc_host_warn(const VcHost *host, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

gboolean vc_host_exists(const VcHost *host, const char *path);

/* Read a whole file of at most max bytes.  Returns NULL when it does not
 * exist (no warning) or cannot be read (a warning naming it). */
char *vc_host_read(const VcHost *host, const char *path, gsize max);

/* Read a file holding one unsigned (decimal, or 0x-prefixed hex) number.
 * FALSE when missing (silently) or malformed (with a warning). */
gboolean vc_host_read_u64(const VcHost *host, const char *path, guint64 *value);
gboolean vc_host_read_uint(const VcHost *host, const char *path, guint *value);
/* Same, for a signed number such as a die_id of -1. */
gboolean vc_host_read_int(const VcHost *host, const char *path, gint *value);

/* Read a CPU list ("0-3,8") or a hex mask file; NULL when missing/bad. */
VcBitmap *vc_host_read_list(const VcHost *host, const char *path);
VcBitmap *vc_host_read_mask(const VcHost *host, const char *path);

/* Names in a directory that are prefix followed by a decimal number, as the
 * numbers, sorted ascending.  Empty when the directory does not exist. */
GArray *vc_host_list_numbered(const VcHost *host, const char *dir,
                              const char *prefix);

/* All names in a directory, sorted; empty when it does not exist. */
GPtrArray *vc_host_list_names(const VcHost *host, const char *dir);

/* Strict number parsing shared by the readers above. */
gboolean vc_parse_u64(const char *text, guint64 *value);

#endif
