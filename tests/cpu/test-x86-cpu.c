/*
 * The model database loader, CPU definitions (parse, expand, diff) and host
 * decoding on synthetic CPUID data (src/cpu/x86-models.h, x86-cpu.h).
 */
#include <string.h>

#include "virtcaps.h"
#include "cpu/x86-cpu.h"

static VcX86FeatureDb *fdb;
static VcX86ModelDb *mdb;

static VcCpuDef *
parse(const char *xml, GError **error)
{
    return vc_cpu_def_parse_xml(xml, strlen(xml), "test.xml", error);
}

/* CPUID data with a vendor, a leaf 1 signature and these features' bits. */
static VcCpuidData *
data_with(const char *vendor, guint32 eax1, const VcX86FeatureSet *set)
{
    VcCpuidData *d = vc_cpuid_data_new();
    VcCpuidLeaf l0 = { 0, 0, 0xd, 0, 0, 0 };
    VcCpuidLeaf l1 = { 1, 0, eax1, 0, 0, 0 };

    memcpy(&l0.ebx, vendor, 4);
    memcpy(&l0.edx, vendor + 4, 4);
    memcpy(&l0.ecx, vendor + 8, 4);
    vc_cpuid_data_add_leaf(d, &l0);
    vc_cpuid_data_add_leaf(d, &l1);
    for (guint i = 0; i < fdb->features->len; i++) {
        const VcX86Feature *f = g_ptr_array_index(fdb->features, i);
        VcCpuidLeaf l = { f->leaf, f->subleaf, 0, 0, 0, 0 };
        guint32 *regs[] = { &l.eax, &l.ebx, &l.ecx, &l.edx };

        if (!vc_x86_set_has(set, f))
            continue;
        if (f->kind == VC_X86_FEATURE_MSR) {
            vc_cpuid_data_add_msr(d, f->msr, G_GUINT64_CONSTANT(1) << f->bit);
            continue;
        }
        *regs[f->reg] = 1u << f->bit;
        vc_cpuid_data_add_leaf(d, &l);
    }
    return d;
}

static void
test_parse_def(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuDef) def = parse(
        "<capabilities><host><cpu><arch>x86_64</arch><model fallback='forbid'>"
        "Haswell</model><vendor>Intel</vendor>"
        "<signature family='6' model='60' stepping='3'/>"
        "<feature name='vmx'/><feature policy='disable' name='rtm'/></cpu></host>"
        "</capabilities>", &err);

    g_assert_no_error(err);
    g_assert_cmpstr(def->arch, ==, "x86_64");
    g_assert_cmpstr(def->model, ==, "Haswell");
    g_assert_cmpstr(def->vendor, ==, "Intel");
    g_assert_true(def->has_signature);
    g_assert_cmpuint(def->model_number, ==, 60);
    g_assert_cmpuint(def->features->len, ==, 2);
    g_assert_cmpint(((VcCpuFeature *)def->features->pdata[0])->policy, ==,
                    VC_CPU_FEATURE_REQUIRE);
    g_assert_cmpint(((VcCpuFeature *)def->features->pdata[1])->policy, ==,
                    VC_CPU_FEATURE_DISABLE);
}

static void
test_parse_def_bad(void)
{
    static const char *const bad[] = {
        "<cpu><feature name='x' policy='maybe'/></cpu>",
        "<cpu><feature/></cpu>",
        "<cpu><signature family='6' model='x' stepping='1'/></cpu>",
        "<domain/>",
        "<cpu>",
        "",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VcCpuDef) def = parse(bad[i], &err);

        g_assert_null(def);
        g_assert_error(err, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE);
        /* "test.xml: " or, from the XML reader, "test.xml:LINE: " */
        g_assert_true(g_str_has_prefix(err->message, "test.xml:"));
        g_assert_null(strchr(err->message, '\n'));
    }
}

/* Without its module, reading XML is one clear error, not a crash. */
static void
test_parse_def_no_module(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuDef) def = NULL;

    if (g_test_subprocess()) {
        g_setenv("VIRTCAPS_MODULE_DIR", "/nonexistent", TRUE);
        def = parse("<cpu><model>Haswell</model></cpu>", &err);
        g_assert_null(def);
        g_assert_error(err, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO);
        g_print("%s\n", err->message);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout("test.xml: cannot read XML: cannot load module: "
                              "/nonexistent/virtcaps-xml.so: *No such file*\n");
}

static void
test_expand(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuDef) def = parse("<cpu><model>kvm64</model><feature name='vmx'/>"
                                    "<feature policy='forbid' name='nx'/>"
                                    "<feature policy='optional' name='avx'/></cpu>", &err);
    const VcX86Model *kvm64 = vc_x86_model_db_find(mdb, "kvm64");
    VcX86FeatureSet set;

    g_assert_nonnull(kvm64);
    g_assert_true(vc_x86_cpu_expand(mdb, def, &set, &err));
    g_assert_no_error(err);
    g_assert_true(vc_x86_set_has(&set, vc_x86_feature_db_find(fdb, "vmx")));
    g_assert_true(vc_x86_set_has(&set, vc_x86_feature_db_find(fdb, "sse2")));
    g_assert_false(vc_x86_set_has(&set, vc_x86_feature_db_find(fdb, "nx")));
    g_assert_false(vc_x86_set_has(&set, vc_x86_feature_db_find(fdb, "avx")));
    g_assert_cmpuint(vc_x86_set_count(&set), ==, vc_x86_set_count(&kvm64->features));
    /* QEMU's spelling is an alias of libvirt's */
    g_assert_true(vc_x86_feature_db_find(fdb, "sse4-1") ==
                  vc_x86_feature_db_find(fdb, "sse4.1"));
}

static void
test_expand_unknown(void)
{
    static const char *const bad[] = {
        "<cpu><model>NoSuchModel</model></cpu>",
        "<cpu><model>kvm64</model><feature name='no-such-feature'/></cpu>",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VcCpuDef) def = parse(bad[i], &err);
        VcX86FeatureSet set;

        g_assert_nonnull(def);
        g_assert_false(vc_x86_cpu_expand(mdb, def, &set, &err));
        g_assert_error(err, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE);
        g_assert_true(strstr(err->message, "unknown CPU"));
    }
}

static void
test_diff(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuDef) a = parse("<cpu><model>Haswell</model></cpu>", &err);
    g_autoptr(VcCpuDef) b = parse("<cpu><model>Haswell-noTSX</model>"
                                  "<feature name='vmx'/></cpu>", &err);
    g_autoptr(VcX86CpuDiff) diff = vc_x86_cpu_diff(mdb, a, b, &err);

    g_assert_no_error(err);
    g_assert_cmpuint(diff->only_a->len, ==, 2);     /* hle, rtm in order */
    g_assert_cmpstr(((VcX86Feature *)diff->only_a->pdata[0])->name, ==, "hle");
    g_assert_cmpstr(((VcX86Feature *)diff->only_a->pdata[1])->name, ==, "rtm");
    g_assert_cmpuint(diff->only_b->len, ==, 1);
    g_assert_cmpstr(((VcX86Feature *)diff->only_b->pdata[0])->name, ==, "vmx");
}

static void
test_decode_exact_model(void)
{
    g_autoptr(GError) err = NULL;
    const VcX86Model *g5 = vc_x86_model_db_find(mdb, "Opteron_G5");
    VcX86FeatureSet set = g5->features;
    g_autoptr(VcCpuidData) d = NULL;
    g_autoptr(VcCpuDef) def = NULL;

    vc_x86_set_add(&set, vc_x86_feature_db_find(fdb, "invtsc"));
    d = data_with("AuthenticAMD", 0x00600f20, &set);   /* family 21 model 2 */
    def = vc_x86_cpu_decode_host(mdb, d, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(def->model, ==, "Opteron_G5");
    g_assert_cmpstr(def->vendor, ==, "AMD");
    g_assert_cmpuint(def->family, ==, 21);
    g_assert_cmpuint(def->features->len, ==, 1);
    g_assert_cmpstr(((VcCpuFeature *)def->features->pdata[0])->name, ==, "invtsc");
}

/* A model the host lacks one feature of is never named; an Intel host never
 * gets an AMD model. */
static void
test_decode_rules(void)
{
    g_autoptr(GError) err = NULL;
    const VcX86Model *g5 = vc_x86_model_db_find(mdb, "Opteron_G5");
    VcX86FeatureSet set = g5->features;
    g_autoptr(VcCpuidData) amd = NULL;
    g_autoptr(VcCpuidData) intel = NULL;
    g_autoptr(VcCpuDef) a = NULL;
    g_autoptr(VcCpuDef) i = NULL;

    vc_x86_set_remove(&set, vc_x86_feature_db_find(fdb, "fma4"));
    amd = data_with("AuthenticAMD", 0x00600f20, &set);
    a = vc_x86_cpu_decode_host(mdb, amd, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(a->model, !=, "Opteron_G5");
    intel = data_with("GenuineIntel", 0x00600f20, &g5->features);
    i = vc_x86_cpu_decode_host(mdb, intel, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(i->vendor, ==, "Intel");
    g_assert_true(vc_x86_model_db_find(mdb, i->model)->vendor != g5->vendor);
}

static void
test_decode_nothing_fits(void)
{
    g_autoptr(GError) err = NULL;
    VcX86FeatureSet none = { { 0 } };
    g_autoptr(VcCpuidData) d = data_with("AuthenticAMD", 0x00600f20, &none);
    g_autoptr(VcCpuDef) def = vc_x86_cpu_decode_host(mdb, d, &err);

    g_assert_null(def);
    g_assert_error(err, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE);
}

static void
test_model_db_bad(void)
{
    static const char *const bad[] = {
        "[]",
        "{\"models\": []}",
        "{\"models\": [{\"name\": \"a\", \"vendor\": \"Nobody\", \"signatures\": [],"
        " \"decode\": {\"host\": true, \"guest\": true}, \"features\": \"\"}]}",
        "{\"models\": [{\"name\": \"a\", \"vendor\": null, \"signatures\": [],"
        " \"decode\": {\"host\": true, \"guest\": true}, \"features\": \"fpu warp-drive\"}]}",
        "{\"models\": [{\"name\": \"a\", \"vendor\": null, \"signatures\":"
        " [{\"family\": 6, \"model\": 85, \"stepping\": \"7-3\"}],"
        " \"decode\": {\"host\": true, \"guest\": true}, \"features\": \"\"}]}",
        "{\"models\": [{\"name\": \"a\", \"vendor\": null, \"signatures\": [],"
        " \"decode\": {\"host\": true, \"guest\": true}, \"features\": \"\"},"
        " {\"name\": \"a\", \"vendor\": null, \"signatures\": [],"
        " \"decode\": {\"host\": true, \"guest\": true}, \"features\": \"\"}]}",
        "{\"models\": [{\"name\": \"a\", \"vendor\": null, \"signatures\": []}]}",
        "{\"models\": [",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VcX86ModelDb) db = vc_x86_model_db_parse(fdb, bad[i], "m.json", &err);

        g_assert_null(db);
        g_assert_error(err, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE);
        g_assert_true(g_str_has_prefix(err->message, "m.json: "));
    }
}

static void
test_signatures(void)
{
    const VcX86Model *skx = vc_x86_model_db_find(mdb, "Skylake-Server-IBRS");
    const VcX86Model *clx = vc_x86_model_db_find(mdb, "Cascadelake-Server");

    g_assert_true(vc_x86_model_signature_matches(skx, 6, 85, 4));
    g_assert_false(vc_x86_model_signature_matches(skx, 6, 85, 7));
    g_assert_true(vc_x86_model_signature_matches(clx, 6, 85, 7));
    g_assert_false(vc_x86_model_signature_matches(clx, 6, 85, 4));
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    int rc;

    g_test_init(&argc, &argv, NULL);
    fdb = vc_x86_feature_db_load_default(&err);
    g_assert_no_error(err);
    mdb = vc_x86_model_db_load_default(fdb, &err);
    g_assert_no_error(err);
    g_test_add_func("/x86-cpu/parse", test_parse_def);
    g_test_add_func("/x86-cpu/parse-bad", test_parse_def_bad);
    g_test_add_func("/x86-cpu/parse-no-module", test_parse_def_no_module);
    g_test_add_func("/x86-cpu/expand", test_expand);
    g_test_add_func("/x86-cpu/expand-unknown", test_expand_unknown);
    g_test_add_func("/x86-cpu/diff", test_diff);
    g_test_add_func("/x86-cpu/decode-exact", test_decode_exact_model);
    g_test_add_func("/x86-cpu/decode-rules", test_decode_rules);
    g_test_add_func("/x86-cpu/decode-nothing-fits", test_decode_nothing_fits);
    g_test_add_func("/x86-cpu/model-db-bad", test_model_db_bad);
    g_test_add_func("/x86-cpu/signatures", test_signatures);
    rc = g_test_run();
    vc_x86_model_db_free(mdb);
    vc_x86_feature_db_free(fdb);
    return rc;
}
