/*
 * materialize-tree SRC DST: copy a recorded sysfs tree whose symlinks were
 * flattened into small text files (git with core.symlinks=false stores a
 * link as a file holding its target, as libvirt's test data arrives here).
 *
 * A regular file whose whole content is a relative path that names an
 * existing file or directory (seen from the file's directory) was a link:
 * inside SRC it becomes a real symlink; outside SRC (libvirt's trees share
 * directories between cases) the target is copied in its place.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

static gboolean copy_path(const char *top, const char *src, const char *dst, int depth);

/* The link target if src is a flattened symlink, else NULL. */
static char *
flattened_link_target(const char *src)
{
    g_autofree char *text = NULL;
    gsize len;

    if (!g_file_get_contents(src, &text, &len, NULL) || len == 0 || len > 4096)
        return NULL;
    g_strchomp(text);
    if (strchr(text, '\n') || !(g_str_has_prefix(text, "../") || g_str_has_prefix(text, "./")))
        return NULL;
    g_autofree char *dir = g_path_get_dirname(src);
    g_autofree char *joined = g_build_filename(dir, text, NULL);
    g_autofree char *canon = g_canonicalize_filename(joined, NULL);
    if (!g_file_test(canon, G_FILE_TEST_EXISTS))
        return NULL;
    return g_steal_pointer(&text);
}

static gboolean
copy_file(const char *src, const char *dst)
{
    g_autofree char *data = NULL;
    gsize len;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(src, &data, &len, &err) ||
        !g_file_set_contents(dst, data, len, &err)) {
        fprintf(stderr, "materialize-tree: %s\n", err->message);
        return FALSE;
    }
    return TRUE;
}

static gboolean
copy_dir(const char *top, const char *src, const char *dst, int depth)
{
    g_autoptr(GDir) d = g_dir_open(src, 0, NULL);
    const char *name;

    if (!d || g_mkdir_with_parents(dst, 0755) < 0) {
        fprintf(stderr, "materialize-tree: cannot copy directory %s\n", src);
        return FALSE;
    }
    while ((name = g_dir_read_name(d))) {
        g_autofree char *s = g_build_filename(src, name, NULL);
        g_autofree char *t = g_build_filename(dst, name, NULL);
        if (!copy_path(top, s, t, depth + 1))
            return FALSE;
    }
    return TRUE;
}

/* top: the directory being copied; links inside it stay links.  A link
 * leaving it is copied, and its target becomes the top for what is below. */
static gboolean
copy_path(const char *top, const char *src, const char *dst, int depth)
{
    g_autofree char *target = NULL;

    if (depth > 64) {
        fprintf(stderr, "materialize-tree: %s: too deep (a link cycle?)\n", src);
        return FALSE;
    }
    if (g_file_test(src, G_FILE_TEST_IS_DIR))
        return copy_dir(top, src, dst, depth);
    if (!(target = flattened_link_target(src)))
        return copy_file(src, dst);

    g_autofree char *dir = g_path_get_dirname(src);
    g_autofree char *joined = g_build_filename(dir, target, NULL);
    g_autofree char *canon = g_canonicalize_filename(joined, NULL);
    if (g_str_has_prefix(canon, top)) {
        if (symlink(target, dst) < 0) {
            fprintf(stderr, "materialize-tree: symlink %s: %s\n", dst, g_strerror(errno));
            return FALSE;
        }
        return TRUE;
    }
    g_autofree char *new_top = g_strconcat(canon, "/", NULL);
    return copy_path(new_top, canon, dst, depth + 1);
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: materialize-tree SRC DST\n");
        return 2;
    }
    g_autofree char *canon = g_canonicalize_filename(argv[1], NULL);
    g_autofree char *top = g_strconcat(canon, "/", NULL);
    return copy_path(top, canon, argv[2], 0) ? 0 : 1;
}
