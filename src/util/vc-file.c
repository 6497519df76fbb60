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
    host->record_dir = NULL;
}

void
vc_host_set_record_dir(VcHost *host, const char *dir)
{
    g_free(host->record_dir);
    host->record_dir = g_strdup(dir);
}

/* Recording is best effort: a fixture that misses a file shows up as a
 * difference when it is replayed, so failures here only warn. */
static void
record_write(const VcHost *host, const char *path, const char *data, gsize len)
{
    g_autofree char *dst = NULL;
    g_autofree char *dir = NULL;
    g_autoptr(GError) err = NULL;

    if (!host->record_dir)
        return;
    dst = g_strconcat(host->record_dir, path, NULL);
    dir = g_path_get_dirname(dst);
    if (g_mkdir_with_parents(dir, 0755) < 0 ||
        !g_file_set_contents(dst, data, (gssize)len, &err))
        vc_host_warn(host, "cannot record %s into %s", path, host->record_dir);
}

void
vc_host_record_value(const VcHost *host, const char *path, const char *text)
{
    record_write(host, path, text, strlen(text));
}

/* Record a directory entry: directories are created, symlinks copied as
 * links (sysfs links cpuN <-> nodeN), so that listings replay. */
static void
record_entry(const VcHost *host, const char *path)
{
    g_autofree char *real = NULL;
    g_autofree char *dst = NULL;
    g_autofree char *parent = NULL;
    g_autofree char *target = NULL;

    if (!host->record_dir)
        return;
    real = vc_host_path(host, path);
    dst = g_strconcat(host->record_dir, path, NULL);
    parent = g_path_get_dirname(dst);
    g_mkdir_with_parents(parent, 0755);
    if ((target = g_file_read_link(real, NULL))) {
        if (!g_file_test(dst, G_FILE_TEST_EXISTS) && symlink(target, dst) < 0)
            vc_host_warn(host, "cannot record link %s", path);
    } else if (g_file_test(real, G_FILE_TEST_IS_DIR)) {
        g_mkdir_with_parents(dst, 0755);
    } else if (g_file_test(real, G_FILE_TEST_IS_REGULAR) &&
               !g_file_test(dst, G_FILE_TEST_EXISTS)) {
        g_free(vc_host_read(host, path, VC_FILE_MAX_LARGE));
    }
}

void
vc_host_clear(VcHost *host)
{
    g_clear_pointer(&host->root, g_free);
    g_clear_pointer(&host->record_dir, g_free);
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
    /* File contents quoted in a warning must not break it into lines. */
    for (char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    /* Several probes read the same file; one warning is enough. */
    if (host->warnings &&
        !g_ptr_array_find_with_equal_func(host->warnings, line, g_str_equal, NULL))
        g_ptr_array_add(host->warnings, line);
    else
        g_free(line);
}

gboolean
vc_host_exists(const VcHost *host, const char *path)
{
    g_autofree char *real = vc_host_path(host, path);

    if (access(real, F_OK) != 0)
        return FALSE;
    record_entry(host, path);
    return TRUE;
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
    record_write(host, path, buf->str, buf->len);
    if (memchr(buf->str, '\0', buf->len)) {
        vc_host_warn(host, "ignoring %s: contains a NUL byte", path);
        return NULL;
    }
    /* Host text ends up in XML and JSON, which must be UTF-8: invalid
     * bytes become U+FFFD, with a warning, rather than a broken document. */
    if (!g_utf8_validate(buf->str, (gssize)buf->len, NULL)) {
        vc_host_warn(host, "%s is not valid UTF-8; invalid bytes replaced", path);
        return g_utf8_make_valid(buf->str, (gssize)buf->len);
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
    if (!(b = parse(g_strstrip(text), &err)))
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
compare_names(const char **a, const char **b)
{
    return strcmp(*a, *b);
}

static gint
compare_uint(gconstpointer a, gconstpointer b)
{
    guint x = *(const guint *)a, y = *(const guint *)b;
    return x < y ? -1 : x > y;
}

static GPtrArray *
list_names(const VcHost *host, const char *dir, gboolean record)
{
    g_autofree char *real = vc_host_path(host, dir);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(real, 0, NULL);
    const char *name;

    if (!d)
        return names;
    while ((name = g_dir_read_name(d))) {
        if (record) {
            g_autofree char *path = g_strconcat(dir, "/", name, NULL);
            record_entry(host, path);
        }
        g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, (GCompareFunc)compare_names);
    return names;
}

GPtrArray *
vc_host_list_names(const VcHost *host, const char *dir)
{
    return list_names(host, dir, TRUE);
}

GArray *
vc_host_list_numbered(const VcHost *host, const char *dir, const char *prefix)
{
    g_autoptr(GPtrArray) names = list_names(host, dir, FALSE);
    GArray *numbers = g_array_new(FALSE, FALSE, sizeof(guint));
    gsize plen = strlen(prefix);

    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        guint64 n;
        if (strncmp(name, prefix, plen) != 0 || !g_ascii_isdigit(name[plen]))
            continue;
        if (!g_ascii_string_to_unsigned(name + plen, 10, 0, VC_BITMAP_MAX_MEMBER, &n, NULL))
            continue;
        guint v = (guint)n;
        g_autofree char *path = g_strconcat(dir, "/", name, NULL);
        record_entry(host, path);
        g_array_append_val(numbers, v);
    }
    g_array_sort(numbers, compare_uint);
    return numbers;
}
