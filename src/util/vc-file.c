#include "util/vc-file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

void
vc_host_init(VcHost *host, const char *root, GPtrArray *warnings)
{
    g_autofree char *trimmed = g_strdup(root ? root : "");
    gsize len = strlen(trimmed);

    /* "/" and "dir/" both mean the same prefix without the slash. */
    while (len > 0 && trimmed[len - 1] == '/')
        trimmed[--len] = '\0';
    host->root = g_steal_pointer(&trimmed);
    host->warnings = warnings;
}

void
vc_host_clear(VcHost *host)
{
    g_clear_pointer(&host->root, g_free);
}

char *
vc_host_path(const VcHost *host, const char *path)
{
    return g_strconcat(host->root, path, NULL);
}

void
vc_host_warn(const VcHost *host, const char *fmt, ...)
{
    va_list ap;
    char *line;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (host->warnings)
        g_ptr_array_add(host->warnings, line);
    else
        g_free(line);
}

gboolean
vc_host_exists(const VcHost *host, const char *path)
{
    g_autofree char *real = vc_host_path(host, path);
    return access(real, F_OK) == 0;
}

/* sysfs reports st_size 4096 for every attribute, so read until EOF rather
 * than trusting the size, but never past max bytes. */
char *
vc_host_read(const VcHost *host, const char *path, gsize max)
{
    g_autofree char *real = vc_host_path(host, path);
    g_autoptr(GString) buf = NULL;
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    if (fd < 0) {
        if (errno != ENOENT && errno != ENOTDIR)
            vc_host_warn(host, "cannot read %s: %s", path, g_strerror(errno));
        return NULL;
    }
    buf = g_string_sized_new(256);
    for (;;) {
        char chunk[4096];
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vc_host_warn(host, "cannot read %s: %s", path, g_strerror(errno));
            close(fd);
            return NULL;
        }
        if (n == 0)
            break;
        if (buf->len + (gsize)n > max) {
            vc_host_warn(host, "ignoring %s: larger than %" G_GSIZE_FORMAT " bytes",
                         path, max);
            close(fd);
            return NULL;
        }
        g_string_append_len(buf, chunk, n);
    }
    close(fd);
    if (memchr(buf->str, '\0', buf->len)) {
        vc_host_warn(host, "ignoring %s: contains a NUL byte", path);
        return NULL;
    }
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

gboolean
vc_parse_u64(const char *text, guint64 *value)
{
    g_autofree char *s = g_strstrip(g_strdup(text));
    guint base = 10;
    const char *digits = s;
    guint64 v;

    if (g_str_has_prefix(s, "0x") || g_str_has_prefix(s, "0X")) {
        base = 16;
        digits = s + 2;
    }
    if (!*digits || !g_ascii_isxdigit(*digits))
        return FALSE;
    if (!g_ascii_string_to_unsigned(digits, base, 0, G_MAXUINT64, &v, NULL))
        return FALSE;
    *value = v;
    return TRUE;
}

gboolean
vc_host_read_u64(const VcHost *host, const char *path, guint64 *value)
{
    g_autofree char *text = vc_host_read(host, path, VC_FILE_MAX_SMALL);

    if (!text)
        return FALSE;
    if (!vc_parse_u64(text, value)) {
        vc_host_warn(host, "ignoring %s: '%.32s' is not a number", path,
                     g_strstrip(text));
        return FALSE;
    }
    return TRUE;
}

gboolean
vc_host_read_uint(const VcHost *host, const char *path, guint *value)
{
    guint64 v;

    if (!vc_host_read_u64(host, path, &v))
        return FALSE;
    if (v > G_MAXUINT) {
        vc_host_warn(host, "ignoring %s: %" G_GUINT64_FORMAT " is out of range", path, v);
        return FALSE;
    }
    *value = (guint)v;
    return TRUE;
}

gboolean
vc_host_read_int(const VcHost *host, const char *path, gint *value)
{
    g_autofree char *text = vc_host_read(host, path, VC_FILE_MAX_SMALL);
    gint64 v;

    if (!text)
        return FALSE;
    g_strstrip(text);
    if (!g_ascii_string_to_signed(text, 10, G_MININT, G_MAXINT, &v, NULL)) {
        vc_host_warn(host, "ignoring %s: '%.32s' is not a number", path, text);
        return FALSE;
    }
    *value = (gint)v;
    return TRUE;
}

static VcBitmap *
read_set(const VcHost *host, const char *path,
         VcBitmap *(*parse)(const char *, GError **))
{
    g_autofree char *text = vc_host_read(host, path, VC_FILE_MAX_SMALL);
    g_autoptr(GError) err = NULL;
    VcBitmap *b;

    if (!text)
        return NULL;
    if (!(b = parse(text, &err)))
        vc_host_warn(host, "ignoring %s: %s", path, err->message);
    return b;
}

VcBitmap *
vc_host_read_list(const VcHost *host, const char *path)
{
    return read_set(host, path, vc_bitmap_parse);
}

VcBitmap *
vc_host_read_mask(const VcHost *host, const char *path)
{
    return read_set(host, path, vc_bitmap_parse_mask);
}

static gint
compare_uint(gconstpointer a, gconstpointer b)
{
    guint x = *(const guint *)a, y = *(const guint *)b;
    return x < y ? -1 : x > y;
}

GArray *
vc_host_list_numbered(const VcHost *host, const char *dir, const char *prefix)
{
    g_autofree char *real = vc_host_path(host, dir);
    GArray *numbers = g_array_new(FALSE, FALSE, sizeof(guint));
    g_autoptr(GDir) d = g_dir_open(real, 0, NULL);
    const char *name;
    gsize plen = strlen(prefix);

    if (!d)
        return numbers;
    while ((name = g_dir_read_name(d))) {
        guint64 n;
        if (strncmp(name, prefix, plen) != 0 || !g_ascii_isdigit(name[plen]))
            continue;
        if (!g_ascii_string_to_unsigned(name + plen, 10, 0, VC_BITMAP_MAX_MEMBER, &n, NULL))
            continue;
        guint v = (guint)n;
        g_array_append_val(numbers, v);
    }
    g_array_sort(numbers, compare_uint);
    return numbers;
}
