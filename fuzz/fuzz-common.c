/* Shared helpers of the fuzz harnesses; see fuzz.h. */
#include "fuzz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

static char *fuzz_tmpdir;

static void
remove_tree(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    const char *name;

    if (dir) {
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);

            if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
                !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
                remove_tree(child);
            else
                g_unlink(child);
        }
        g_dir_close(dir);
    }
    g_rmdir(path);
}

static void
remove_tmpdir(void)
{
    remove_tree(fuzz_tmpdir);
    g_clear_pointer(&fuzz_tmpdir, g_free);
}

char *
vc_fuzz_strndup(const uint8_t *data, size_t size)
{
    char *text = g_malloc(size + 1);

    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    return text;
}

const char *
vc_fuzz_tmpdir(void)
{
    if (fuzz_tmpdir)
        return fuzz_tmpdir;
    const char *parent = g_getenv("TMPDIR");

    /* Not g_dir_make_tmp: g_get_tmp_dir() would freeze TMPDIR for good,
     * and the cache harness changes it after this. */
    fuzz_tmpdir = g_build_filename(parent && *parent ? parent : "/tmp", "virtcaps-fuzz-XXXXXX",
                                   NULL);
    if (!g_mkdtemp_full(fuzz_tmpdir, 0700))
        vc_fuzz_fail("temporary directory", g_strerror(errno));
    atexit(remove_tmpdir);
    return fuzz_tmpdir;
}

/* Not g_file_set_contents: its fsync makes a tree of files cost 100 ms. */
static void
write_file(const char *path, const char *text, gsize len)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
        vc_fuzz_fail(path, g_strerror(errno));
}

void
vc_fuzz_put_file(const char *dir, const char *rel, const char *text, gsize len)
{
    g_autofree char *path = g_build_filename(dir, rel, NULL);
    g_autofree char *parent = g_path_get_dirname(path);

    if (!text) {
        if (g_unlink(path) != 0 && errno != ENOENT)
            vc_fuzz_fail(path, g_strerror(errno));
        return;
    }
    if (g_mkdir_with_parents(parent, 0700) != 0)
        vc_fuzz_fail(parent, g_strerror(errno));
    write_file(path, text, len);
}

void
vc_fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz harness: %s: %s\n", what, detail);
    fflush(stderr);
    abort();
}
