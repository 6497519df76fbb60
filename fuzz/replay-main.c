/*
 * Runs a harness over files instead of libFuzzer: every argument is a file,
 * or a directory whose files (sorted, recursively) are run.  A missing
 * directory is no input, so an empty regressions/ dir passes.  Used by the
 * regression tests in the plain (gcc) build and in CI.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

static guint
run_file(const char *path)
{
    g_autofree char *data = NULL;
    g_autoptr(GError) error = NULL;
    gsize len;

    if (!g_file_get_contents(path, &data, &len, &error)) {
        fprintf(stderr, "%s\n", error->message);
        exit(1);
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    return 1;
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

static guint
run_path(const char *path)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    GDir *dir;
    const char *name;
    guint n = 0;

    if (!g_file_test(path, G_FILE_TEST_IS_DIR))
        return g_file_test(path, G_FILE_TEST_EXISTS) ? run_file(path) : 0;
    if (!(dir = g_dir_open(path, 0, NULL)))
        return 0;
    while ((name = g_dir_read_name(dir)))
        if (name[0] != '.')   /* .gitkeep and friends */
            g_ptr_array_add(names, g_build_filename(path, name, NULL));
    g_dir_close(dir);
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++)
        n += run_path(names->pdata[i]);
    return n;
}

int
main(int argc, char **argv)
{
    guint n = 0;

    for (int i = 1; i < argc; i++)
        n += run_path(argv[i]);
    printf("%u inputs replayed without a failure\n", n);
    return 0;
}
