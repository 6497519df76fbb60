/*
 * KVM's supported CPUID (src/cpu/kvm-cpuid.h).  The error paths and the
 * recorded form run everywhere; the live set needs /dev/kvm on x86 and the
 * program exits 77 (skipped) when it cannot be read.  Only facts of every
 * KVM host are asserted (a non-empty set whose leaf 0 has the kernel's
 * vendor_id, and a lossless record); how this host's set differs from its
 * CPUID (../shared/DESIGN.md: no pni, little of leaf 7 under nested PVM) is printed.
 */
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "virtcaps.h"
#include "cpu/kvm-cpuid.h"
#include "cpu/x86-decode.h"

static gboolean kvm_skipped;

static void
test_bad_device(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_null(vc_kvm_cpuid_read("/nonexistent/kvm", &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "/nonexistent/kvm"));
    g_clear_error(&err);
    /* Not KVM: the ioctl fails (ENOTTY) rather than looping on E2BIG. */
    g_assert_null(vc_kvm_cpuid_read("/dev/null", &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "/dev/null"));
}

static char *
write_tree(const char *dump)
{
    g_autoptr(GError) err = NULL;
    char *dir = g_dir_make_tmp("kvm-cpuid-XXXXXX", &err);
    g_autofree char *vc = NULL;
    g_autofree char *path = NULL;

    g_assert_no_error(err);
    vc = g_build_filename(dir, ".virtcaps", NULL);
    g_assert_cmpint(g_mkdir(vc, 0755), ==, 0);
    path = g_build_filename(dir, VC_KVM_CPUID_ROOT_DUMP, NULL);
    if (dump)
        g_assert_true(g_file_set_contents(path, dump, -1, NULL));
    return dir;
}

static void
remove_tree(const char *dir)
{
    g_autofree char *path = g_build_filename(dir, VC_KVM_CPUID_ROOT_DUMP, NULL);
    g_autofree char *vc = g_build_filename(dir, ".virtcaps", NULL);

    g_unlink(path);
    g_rmdir(vc);
    g_rmdir(dir);
}

static void
test_root(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *empty = write_tree(NULL);
    g_autofree char *bad = write_tree("{\"cpuid\": [{\"leaf\": \"0xzz\"}]}");
    g_autofree char *good = write_tree(
        "{\"cpuid\": [{\"leaf\": \"0x0\", \"subleaf\": \"0x0\", \"eax\": \"0xd\","
        " \"ebx\": \"0x756e6547\", \"ecx\": \"0x6c65746e\", \"edx\": \"0x49656e69\"}]}");
    g_autoptr(VcCpuidData) data = NULL;

    g_assert_null(vc_kvm_cpuid_acquire(empty, &err));
    g_assert_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_clear_error(&err);
    g_assert_null(vc_kvm_cpuid_acquire(bad, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, VC_KVM_CPUID_ROOT_DUMP));
    g_clear_error(&err);
    data = vc_kvm_cpuid_acquire(good, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(data->leaves->len, ==, 1);
    g_assert_cmphex(vc_cpuid_data_get(data, 0, 0)->ebx, ==, 0x756e6547);
    remove_tree(empty);
    remove_tree(bad);
    remove_tree(good);
}

static void
print_missing(const char *title, const VcX86Decoded *a, const VcX86Decoded *b)
{
    g_autoptr(GString) s = g_string_new(NULL);
    guint n = 0;

    for (guint i = 0; i < a->features->len; i++) {
        const VcX86Feature *f = g_ptr_array_index(a->features, i);
        if (!vc_x86_decoded_has(b, f->name)) {
            g_string_append_printf(s, " %s", f->name);
            n++;
        }
    }
    printf("# %s (%u):%s\n", title, n, s->str);
}

/* The kernel's vendor_id: what KVM reports.  (Not the CPUID instruction:
 * under valgrind that is valgrind's emulated CPU.) */
static char *
kernel_vendor(void)
{
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL) ||
        !(p = strstr(text, "vendor_id")) || !(p = strchr(p, ':')))
        return NULL;
    p++;
    while (*p == ' ' || *p == '\t')
        p++;
    return g_strndup(p, strcspn(p, "\n"));
}

static void
test_live(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuidData) kvm = vc_kvm_cpuid_read(NULL, &err);
    g_autoptr(VcCpuidData) host = NULL;
    g_autoptr(VcCpuidData) again = NULL;
    g_autoptr(VcX86FeatureDb) db = NULL;
    g_autoptr(VcX86Decoded) dk = NULL;
    g_autoptr(VcX86Decoded) dh = NULL;
    g_autofree char *json = NULL;
    g_autofree char *vendor = NULL;
    const VcCpuidLeaf *k0;
    char kvm_vendor[13];

    if (!kvm) {
        kvm_skipped = TRUE;
        g_test_skip(err->message);
        return;
    }
    host = vc_cpuid_read_host(&err);
    g_assert_no_error(err);
    /* Facts of every KVM host: leaf 0 is there, with the CPU's vendor. */
    g_assert_cmpuint(kvm->leaves->len, >, 0);
    g_assert_nonnull(k0 = vc_cpuid_data_get(kvm, 0, 0));
    memcpy(kvm_vendor, &k0->ebx, 4);
    memcpy(kvm_vendor + 4, &k0->edx, 4);
    memcpy(kvm_vendor + 8, &k0->ecx, 4);
    kvm_vendor[12] = '\0';
    g_assert_nonnull(vendor = kernel_vendor());
    g_assert_cmpstr(kvm_vendor, ==, vendor);
    /* The recorded form replays the same set. */
    json = vc_cpuid_format_json(kvm);
    again = vc_cpuid_parse_json(json, strlen(json), "kvm", &err);
    g_assert_no_error(err);
    g_assert_cmpuint(again->leaves->len, ==, kvm->leaves->len);
    g_assert_cmpmem(again->leaves->data, kvm->leaves->len * sizeof(VcCpuidLeaf),
                    kvm->leaves->data, kvm->leaves->len * sizeof(VcCpuidLeaf));
    db = vc_x86_feature_db_load_default(&err);
    g_assert_no_error(err);
    dk = vc_x86_decode(db, kvm);
    dh = vc_x86_decode(db, host);
    printf("# KVM: %u leaves, %u features; host CPUID: %u leaves, %u features\n",
           kvm->leaves->len, dk->features->len, host->leaves->len, dh->features->len);
    printf("# pni (SSE3) in KVM's set: %s\n", vc_x86_decoded_has(dk, "pni") ? "yes" : "no");
    print_missing("host features KVM lacks", dh, dk);
    print_missing("KVM features the host lacks", dk, dh);
}

int
main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kvm-cpuid/bad-device", test_bad_device);
    g_test_add_func("/kvm-cpuid/root", test_root);
    g_test_add_func("/kvm-cpuid/live", test_live);
    rc = g_test_run();
    /* The live check is the point of this test: no /dev/kvm, no verdict. */
    return rc == 0 && kvm_skipped ? 77 : rc;
}
