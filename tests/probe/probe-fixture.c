#include "probe-fixture.h"

#include <glib/gstdio.h>

void
setup(Fixture *f, gconstpointer data)
{
    f->root = g_dir_make_tmp("virtcaps-probe-XXXXXX", NULL);
    g_assert_nonnull(f->root);
    f->warnings = g_ptr_array_new_with_free_func(g_free);
    f->caps = vc_host_caps_new();
}

void
fixture_remove_tree(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *child = g_build_filename(path, name, NULL);
        if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
            fixture_remove_tree(child);
        else
            g_unlink(child);
    }
    g_rmdir(path);
}

void
teardown(Fixture *f, gconstpointer data)
{
    fixture_remove_tree(f->root);
    g_free(f->root);
    g_ptr_array_unref(f->warnings);
    vc_host_caps_free(f->caps);
    g_free(f->xml);
}

void
put(Fixture *f, const char *path, const char *text)
{
    g_autofree char *real = g_build_filename(f->root, path, NULL);
    g_autofree char *dir = g_path_get_dirname(real);

    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(real, text, -1, NULL));
}

void
run_probe(Fixture *f, void (*probe)(const VcHost *, VcHostCaps *))
{
    VcHost host;

    vc_host_init(&host, f->root, f->warnings);
    probe(&host, f->caps);
    vc_host_clear(&host);
    g_free(f->xml);
    f->xml = vc_host_caps_format_xml(f->caps);
    if (g_test_verbose()) {
        g_printerr("%s", f->xml);
        for (guint i = 0; i < f->warnings->len; i++)
            g_printerr("warning: %s\n", (char *)g_ptr_array_index(f->warnings, i));
    }
}

gboolean
warned_about(Fixture *f, const char *fragment)
{
    for (guint i = 0; i < f->warnings->len; i++)
        if (strstr(g_ptr_array_index(f->warnings, i), fragment))
            return TRUE;
    return FALSE;
}
