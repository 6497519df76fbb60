/*
 * Unit tests of the firmware descriptor rules (override by file name,
 * masking by an empty file, order by name, invalid files skipped with a
 * warning naming them, architecture and machine glob matching) on trees
 * built by the test, and of bad input: facts files and transcripts.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "domcaps/firmware.h"
#include "domcaps/hostfacts.h"
#include "qemu/replies.h"

#define DESC(iface, file, arch, machine, feature) \
    "{\"interface-types\": [\"" iface "\"], \"mapping\": {\"device\": \"flash\", " \
    "\"executable\": {\"filename\": \"" file "\", \"format\": \"raw\"}}, " \
    "\"targets\": [{\"architecture\": \"" arch "\", \"machines\": [\"" machine "\"]}], " \
    "\"features\": [" feature "]}"

typedef struct {
    char *root;
    GPtrArray *dirs;
} Tree;

static void
put(Tree *t, const char *dir, const char *name, const char *text)
{
    g_autofree char *d = g_build_filename(t->root, dir, NULL);
    g_autofree char *p = g_build_filename(d, name, NULL);

    g_mkdir_with_parents(d, 0755);
    g_assert_true(g_file_set_contents(p, text, -1, NULL));
}

static void
tree_setup(Tree *t, gconstpointer data)
{
    (void)data;
    t->root = g_dir_make_tmp("vc-fw-XXXXXX", NULL);
    t->dirs = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(t->dirs, g_build_filename(t->root, "usr", NULL));
    g_ptr_array_add(t->dirs, g_build_filename(t->root, "etc", NULL));
    g_ptr_array_add(t->dirs, g_build_filename(t->root, "home", NULL));
}

static void
remove_tree(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(path, name, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR))
            remove_tree(p);
        else
            g_unlink(p);
    }
    g_rmdir(path);
}

static void
tree_teardown(Tree *t, gconstpointer data)
{
    (void)data;
    remove_tree(t->root);
    g_free(t->root);
    g_ptr_array_unref(t->dirs);
}

static const char *
image(const GPtrArray *fws, guint i)
{
    return ((const VcFirmware *)g_ptr_array_index(fws, i))->executable;
}

static void
test_override_mask_order(Tree *t, gconstpointer data)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) fws = NULL;

    (void)data;
    put(t, "usr", "50-b.json", DESC("uefi", "/usr-b", "x86_64", "pc-q35-*", ""));
    put(t, "usr", "60-c.json", DESC("bios", "/usr-c", "x86_64", "pc-*", ""));
    put(t, "usr", "70-masked.json", DESC("bios", "/masked", "x86_64", "*", ""));
    put(t, "etc", "50-b.json", DESC("uefi", "/etc-b", "x86_64", "pc-q35-*", "\"requires-smm\""));
    put(t, "etc", "70-masked.json", "");
    put(t, "home", "10-a.json", DESC("bios", "/home-a", "i386", "pc-i440fx-*", ""));
    put(t, "usr", "README", "not a descriptor");
    fws = vc_firmware_load(t->dirs, warnings);
    g_assert_cmpuint(fws->len, ==, 3);
    g_assert_cmpstr(image(fws, 0), ==, "/home-a");   /* sorted by file name */
    g_assert_cmpstr(image(fws, 1), ==, "/etc-b");    /* /etc overrides /usr/share */
    g_assert_cmpstr(image(fws, 2), ==, "/usr-c");    /* 70-masked.json masked */
    g_assert_true(((VcFirmware *)g_ptr_array_index(fws, 1))->requires_smm);
    g_assert_cmpuint(warnings->len, ==, 0);
}

static void
test_invalid_skipped(Tree *t, gconstpointer data)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) fws = NULL;

    (void)data;
    put(t, "usr", "10-broken.json", "{\"interface-types\": [\"bios\"");
    put(t, "usr", "20-invalid.json", "{\"firmware\": {\"invalid\": true}}");
    put(t, "usr", "30-good.json", DESC("bios", "/good", "x86_64", "pc-*", "\"intel-tdx\""));
    fws = vc_firmware_load(t->dirs, warnings);
    g_assert_cmpuint(fws->len, ==, 1);
    g_assert_cmpstr(image(fws, 0), ==, "/good");
    g_assert_cmpuint(warnings->len, ==, 2);
    g_assert_nonnull(strstr(g_ptr_array_index(warnings, 0), "10-broken.json: invalid firmware descriptor"));
    g_assert_nonnull(strstr(g_ptr_array_index(warnings, 1), "20-invalid.json: invalid firmware descriptor"));
    g_assert_null(strchr(g_ptr_array_index(warnings, 0), '\n'));
}

static void
test_match(void)
{
    g_autoptr(VcFirmware) fw = vc_firmware_parse("x.json", DESC("uefi", "/f", "i386", "pc-q35-*", ""), NULL);
    g_autoptr(VcFirmware) arm = vc_firmware_parse("y.json", DESC("uefi", "/f", "aarch64", "virt-*", ""), NULL);

    g_assert_nonnull(fw);
    g_assert_true(vc_firmware_matches(fw, "i686", "pc-q35-9.1"));   /* i386 is libvirt's i686 */
    g_assert_false(vc_firmware_matches(fw, "x86_64", "pc-q35-9.1"));
    g_assert_false(vc_firmware_matches(fw, "i686", "pc-i440fx-9.1"));
    g_assert_false(vc_firmware_matches(fw, "i686", NULL));
    g_assert_true(vc_firmware_matches(arm, "aarch64", "virt-8.2"));
    g_assert_false(vc_firmware_matches(arm, "aarch64", "virt"));
}

static void
test_facts_errors(void)
{
    g_autoptr(VcHostFacts) f = vc_host_facts_probe();
    g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;

    g_assert_false(vc_host_facts_apply_json(f, "{\"arch\": 3}", "f.json", &e1));
    g_assert_cmpstr(e1->message, ==, "f.json: arch: expected a string");
    g_assert_false(vc_host_facts_apply_json(f, "{\"nope\": 1}", "f.json", &e2));
    g_assert_cmpstr(e2->message, ==, "f.json: unknown member 'nope'");
    g_assert_false(vc_host_facts_apply_json(f, "{\"arch\": ", "f.json", &e3));
    g_assert_true(g_str_has_prefix(e3->message, "f.json: invalid JSON"));
    g_assert_false(vc_host_facts_apply_json(f, "{\"phys_addr_bits\": 65}", "f.json", &e4));
    g_assert_cmpstr(e4->message, ==, "f.json: phys_addr_bits: 65 is out of range");
    g_assert_true(vc_host_facts_apply_json(f, "{\"arch\": \"s390x\", \"tpm_versions\": []}", "f.json", NULL));
    g_assert_cmpstr(f->arch, ==, "s390x");
}

static void
test_garbage_transcript(void)
{
    static const char text[] = "{\"execute\": \"qmp_capabilities\", \"id\": \"libvirt-1\"}\n\n"
                               "this is not JSON\n";
    g_autoptr(GError) err = NULL;
    g_autoptr(VcReplies) r = vc_replies_parse(text, sizeof(text) - 1, "bad.replies", &err);

    g_assert_null(r);
    g_assert_true(g_str_has_prefix(err->message, "bad.replies:"));
    g_assert_null(strchr(err->message, '\n'));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/firmware/override-mask-order", Tree, NULL, tree_setup, test_override_mask_order,
               tree_teardown);
    g_test_add("/firmware/invalid-skipped", Tree, NULL, tree_setup, test_invalid_skipped, tree_teardown);
    g_test_add_func("/firmware/match", test_match);
    g_test_add_func("/hostfacts/errors", test_facts_errors);
    g_test_add_func("/replay/garbage", test_garbage_transcript);
    return g_test_run();
}
