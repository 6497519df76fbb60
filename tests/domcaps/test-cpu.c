/*
 * Unit tests of the host-model and custom CPU modes on synthetic facts: the
 * CPU driver table, model lists and vendors, usability, host-model from the
 * host facts' CPU, from s390's expansion and from the x86 decoder (with the
 * repository's data files), and the host_cpu member of host facts files.
 * Custom models' canonical names and blockers also from a transcript of
 * libvirt's corpus, and which libvirt version's XML prints them.
 *
 * usage: test-cpu [CORPUS-DIR]
 */
#include <string.h>

#include "cpu/x86-models.h"
#include "domcaps/cpu-policy.h"
#include "format/domcaps-xml.h"
#include "replay-digest.h"

static const char *corpus_dir;

typedef struct {
    json_object *facts;
    VcHostFacts *host;
    VcPolicyCtx ctx;
    VcDomCaps *caps;
} Fixture;

/* A facts tree with one session whose replies are REPLIES (a JSON object's
 * members, without braces). */
static void
fixture_init(Fixture *f, const char *arch, const char *virttype, const char *replies)
{
    g_autofree char *json = g_strdup_printf("{\"format\": 1, \"sessions\": [{\"accel\": \"kvm:tcg\", "
                                            "\"replies\": {%s}}]}", replies);

    memset(f, 0, sizeof(*f));
    f->facts = json_tokener_parse(json);
    g_assert_nonnull(f->facts);
    f->host = vc_host_facts_probe();
    g_free(f->host->arch);
    f->host->arch = g_strdup(arch);
    f->host->phys_addr_bits = 46;
    f->ctx = (VcPolicyCtx){ .facts = f->facts, .host = f->host, .arch = arch, .virttype = virttype,
                            .session = 0 };
    f->caps = vc_dom_caps_new();
}

static void
fixture_clear(Fixture *f)
{
    vc_dom_caps_free(f->caps);
    vc_host_facts_free(f->host);
    json_object_put(f->facts);
}

static const VcDomCpuModel *
custom_model(const Fixture *f, guint i)
{
    g_assert_nonnull(f->caps->cpu.custom);
    g_assert_cmpuint(i, <, f->caps->cpu.custom->len);
    return g_ptr_array_index(f->caps->cpu.custom, i);
}

static void
fill(Fixture *f)
{
    g_autoptr(GError) err = NULL;

    vc_dom_cpu_host_model_free(g_steal_pointer(&f->caps->cpu.host_model));
    g_assert_true(vc_policy_fill_cpu(&f->ctx, &f->caps->cpu, &err));
    g_assert_no_error(err);
}

static void
test_drivers(void)
{
    static const struct { const char *arch; const char *driver; } table[] = {
        { "x86_64", "x86" }, { "i686", "x86" }, { "ppc64le", "ppc64" }, { "s390x", "s390" },
        { "aarch64", "arm" }, { "armv7l", "arm" }, { "riscv64", "riscv64" },
        { "loongarch64", "loongarch" }, { "sparc", NULL }, { "ppc", NULL },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(table); i++) {
        const VcCpuDriver *d = vc_cpu_driver_for(table[i].arch);

        g_assert_cmpstr(d ? d->name : NULL, ==, table[i].driver);
    }
}

/* ppc64: only libvirt's models, QEMU's lower-case names in libvirt's
 * spelling, vendor from the data file, no "host". */
static void
test_custom_ppc64(void)
{
    Fixture f;

    fixture_init(&f, "ppc64", "kvm", "\"query-cpu-definitions\": {\"return\": ["
                 "{\"name\": \"power10\"}, {\"name\": \"host\"}, {\"name\": \"power8nvl\"},"
                 "{\"name\": \"power8\", \"deprecated\": true}, {\"name\": \"e5500\"}]}");
    fill(&f);
    g_assert_cmpuint(f.caps->cpu.custom->len, ==, 2);
    g_assert_cmpstr(custom_model(&f, 0)->name, ==, "POWER10");
    g_assert_cmpstr(custom_model(&f, 0)->vendor, ==, "IBM");
    g_assert_cmpstr(custom_model(&f, 0)->usable, ==, "unknown");
    g_assert_false(custom_model(&f, 0)->deprecated);
    g_assert_cmpstr(custom_model(&f, 1)->name, ==, "POWER8");
    g_assert_true(custom_model(&f, 1)->deprecated);
    fixture_clear(&f);
}

/* s390: every model but "host", usable from unavailable-features, vendor by
 * name prefix. */
static void
test_custom_s390(void)
{
    Fixture f;

    fixture_init(&f, "s390x", "kvm", "\"query-cpu-definitions\": {\"return\": ["
                 "{\"name\": \"gen16a\", \"unavailable-features\": [\"nnpa\", \"pai\"]},"
                 "{\"name\": \"z13-base\", \"unavailable-features\": []},"
                 "{\"name\": \"host\", \"unavailable-features\": []},"
                 "{\"name\": \"max\", \"unavailable-features\": []}]}");
    fill(&f);
    g_assert_cmpuint(f.caps->cpu.custom->len, ==, 3);
    g_assert_cmpstr(custom_model(&f, 0)->usable, ==, "no");
    g_assert_cmpstr(custom_model(&f, 0)->vendor, ==, "IBM");
    g_assert_cmpuint(g_strv_length(custom_model(&f, 0)->blockers), ==, 2);
    g_assert_cmpstr(custom_model(&f, 1)->usable, ==, "yes");
    g_assert_null(custom_model(&f, 1)->blockers);
    g_assert_cmpstr(custom_model(&f, 2)->name, ==, "max");
    g_assert_null(custom_model(&f, 2)->vendor);
    fixture_clear(&f);
}

/* No CPU driver, no session for the virt type, or no models: unsupported. */
static void
test_custom_unsupported(void)
{
    static const char defs[] = "\"query-cpu-definitions\": {\"return\": [{\"name\": \"a\"}]}";
    Fixture f;

    fixture_init(&f, "sparc", "kvm", defs);
    fill(&f);
    g_assert_null(f.caps->cpu.custom);
    g_assert_null(f.caps->cpu.host_model);
    fixture_clear(&f);

    fixture_init(&f, "aarch64", "qemu", defs);
    f.ctx.session = -1;
    fill(&f);
    g_assert_null(f.caps->cpu.custom);
    fixture_clear(&f);

    fixture_init(&f, "aarch64", "kvm", "\"query-cpu-definitions\": {\"return\": []}");
    fill(&f);
    g_assert_null(f.caps->cpu.custom);
    g_assert_null(f.caps->cpu.host_model);   /* arm: QEMU gives no host model */
    fixture_clear(&f);
}

/* ppc64: the host facts' CPU, fallback='allow', maxphysaddr only when
 * accelerated; none without a host CPU or for a foreign guest. */
static void
test_host_model_facts(void)
{
    Fixture f;

    fixture_init(&f, "ppc64", "kvm", "");
    f.host->cpu = g_new0(VcHostFactsCpu, 1);
    f.host->cpu->model = g_strdup("POWER8");
    f.host->cpu->features = g_ptr_array_new_with_free_func(g_free);
    fill(&f);
    g_assert_cmpstr(f.caps->cpu.host_model->model, ==, "POWER8");
    g_assert_false(f.caps->cpu.host_model->fallback_forbid);
    g_assert_null(f.caps->cpu.host_model->vendor);
    g_assert_cmpuint(f.caps->cpu.host_model->maxphysaddr_limit, ==, 46);
    f.ctx.virttype = "qemu";
    fill(&f);
    g_assert_cmpuint(f.caps->cpu.host_model->maxphysaddr_limit, ==, 0);
    g_free(f.host->arch);
    f.host->arch = g_strdup("x86_64");
    fill(&f);
    g_assert_null(f.caps->cpu.host_model);
    fixture_clear(&f);

    fixture_init(&f, "riscv64", "kvm", "");
    fill(&f);
    g_assert_null(f.caps->cpu.host_model);
    fixture_clear(&f);
}

/* s390: the static expansion's model and properties in QEMU's order. */
static void
test_host_model_s390(void)
{
    Fixture f;
    const VcDomCpuFeature *feat;

    fixture_init(&f, "s390x", "kvm", "\"query-cpu-model-expansion:static:host\": {\"return\": "
                 "{\"model\": {\"name\": \"gen15a-base\", \"props\": {\"vx\": true, \"aen\": false, "
                 "\"type\": \"x\"}}}}");
    f.host->phys_addr_bits = 0;
    fill(&f);
    g_assert_cmpstr(f.caps->cpu.host_model->model, ==, "gen15a-base");
    g_assert_true(f.caps->cpu.host_model->fallback_forbid);
    g_assert_cmpuint(f.caps->cpu.host_model->features->len, ==, 2);
    feat = g_ptr_array_index(f.caps->cpu.host_model->features, 0);
    g_assert_cmpstr(feat->name, ==, "vx");
    g_assert_false(feat->disable);
    feat = g_ptr_array_index(f.caps->cpu.host_model->features, 1);
    g_assert_cmpstr(feat->name, ==, "aen");
    g_assert_true(feat->disable);
    fixture_clear(&f);
}

/* The QEMU property list of an x86 model of the database: its features
 * true, family/model/stepping and vendor as QEMU reports them. */
static char *
x86_props(const char *model, const char *extra)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcX86FeatureDb) fdb = vc_x86_feature_db_load_default(&err);
    g_autoptr(VcX86ModelDb) mdb = fdb ? vc_x86_model_db_load_default(fdb, &err) : NULL;
    const VcX86Model *m;
    g_autoptr(GPtrArray) list = NULL;
    GString *s = g_string_new("\"vendor\": \"AuthenticAMD\", \"family\": 0, \"model\": 0, \"stepping\": 0");

    g_assert_no_error(err);
    m = vc_x86_model_db_find(mdb, model);
    g_assert_nonnull(m);
    list = vc_x86_set_list(&m->features, fdb);
    for (guint i = 0; i < list->len; i++)
        g_string_append_printf(s, ", \"%s\": true", ((const VcX86Feature *)g_ptr_array_index(list, i))->name);
    if (extra)
        g_string_append_printf(s, ", %s", extra);
    return g_string_free(s, FALSE);
}

/* x86: data equal to a model decodes to it; a feature beyond it is
 * required, a blocker QEMU reports for it is disabled. */
static void
test_host_model_x86(void)
{
    g_autofree char *props = x86_props("EPYC", "\"invtsc\": true");
    g_autofree char *replies = g_strdup_printf(
        "\"qom-list-properties:max-x86_64-cpu\": {\"return\": [{\"name\": \"unavailable-features\"}]},"
        "\"query-cpu-definitions\": {\"return\": [{\"name\": \"EPYC\", \"unavailable-features\": [\"sha-ni\"]},"
        "{\"name\": \"qemu64\", \"unavailable-features\": []}]},"
        "\"query-cpu-model-expansion:static:host\": {\"return\": {\"model\": {\"name\": \"base\", "
        "\"props\": {%s}}}}", props);
    const VcDomCpuFeature *feat;
    Fixture f;

    fixture_init(&f, "x86_64", "kvm", replies);
    fill(&f);
    g_assert_cmpstr(f.caps->cpu.host_model->model, ==, "EPYC");
    g_assert_cmpstr(f.caps->cpu.host_model->vendor, ==, "AMD");
    g_assert_true(f.caps->cpu.host_model->fallback_forbid);
    g_assert_cmpuint(f.caps->cpu.host_model->features->len, ==, 2);
    feat = g_ptr_array_index(f.caps->cpu.host_model->features, 0);
    g_assert_cmpstr(feat->name, ==, "invtsc");
    g_assert_false(feat->disable);
    feat = g_ptr_array_index(f.caps->cpu.host_model->features, 1);
    g_assert_cmpstr(feat->name, ==, "sha-ni");
    g_assert_true(feat->disable);
    /* custom: libvirt's models only, vendors from the database */
    g_assert_cmpuint(f.caps->cpu.custom->len, ==, 2);
    g_assert_cmpstr(custom_model(&f, 0)->vendor, ==, "AMD");
    g_assert_null(custom_model(&f, 1)->vendor);
    fixture_clear(&f);
}

/* x86 without QEMU's expansion: the host CPU, without the features libvirt
 * never passes to QEMU. */
static void
test_host_model_x86_fallback(void)
{
    Fixture f;

    fixture_init(&f, "x86_64", "kvm", "");
    f.host->cpu = g_new0(VcHostFactsCpu, 1);
    f.host->cpu->model = g_strdup("Broadwell");
    f.host->cpu->vendor = g_strdup("Intel");
    f.host->cpu->features = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(f.host->cpu->features, g_strdup("cmt"));
    g_ptr_array_add(f.host->cpu->features, g_strdup("vmx"));
    fill(&f);
    g_assert_cmpstr(f.caps->cpu.host_model->model, ==, "Broadwell");
    g_assert_false(f.caps->cpu.host_model->fallback_forbid);
    g_assert_cmpuint(f.caps->cpu.host_model->features->len, ==, 1);
    g_assert_cmpstr(((VcDomCpuFeature *)g_ptr_array_index(f.caps->cpu.host_model->features, 0))->name, ==, "vmx");
    fixture_clear(&f);
}

static void
test_host_facts_cpu(void)
{
    static const struct { const char *json; const char *error; } bad[] = {
        { "{\"host_cpu\": 3}", "f.json: host_cpu: expected null or an object" },
        { "{\"host_cpu\": {}}", "f.json: host_cpu: missing 'model'" },
        { "{\"host_cpu\": {\"model\": \"a\", \"x\": 1}}", "f.json: host_cpu: unknown member 'x'" },
        { "{\"host_cpu\": {\"model\": \"a\", \"features\": [1]}}", "f.json: host_cpu.features: wrong type" },
    };
    g_autoptr(VcHostFacts) f = vc_host_facts_probe();

    g_assert_true(vc_host_facts_apply_json(f, "{\"host_cpu\": {\"model\": \"POWER8\", \"vendor\": \"IBM\", "
                                           "\"features\": [\"a\", \"b\"]}}", "f.json", NULL));
    g_assert_cmpstr(f->cpu->model, ==, "POWER8");
    g_assert_cmpstr(f->cpu->vendor, ==, "IBM");
    g_assert_cmpuint(f->cpu->features->len, ==, 2);
    g_assert_true(vc_host_facts_apply_json(f, "{\"host_cpu\": null}", "f.json", NULL));
    g_assert_null(f->cpu);
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;

        g_assert_false(vc_host_facts_apply_json(f, bad[i].json, "f.json", &err));
        g_assert_cmpstr(err->message, ==, bad[i].error);
    }
}

/* x86: alias-of is the canonical name; blockers are QEMU's unavailable
 * features in libvirt's spelling ("fxsr-opt" is "fxsr_opt"), sorted. */
static void
test_custom_x86_blockers(void)
{
    Fixture f;

    fixture_init(&f, "x86_64", "kvm", "\"query-cpu-definitions\": {\"return\": ["
                 "{\"name\": \"phenom\", \"alias-of\": \"phenom-v1\", \"unavailable-features\": "
                 "[\"sse4a\", \"fxsr-opt\", \"3dnowext\", \"3dnow\", \"mmxext\"]},"
                 "{\"name\": \"kvm32\", \"alias-of\": \"kvm32-v1\", \"unavailable-features\": []},"
                 "{\"name\": \"qemu64\", \"unavailable-features\": [\"pni\", 7]}]}");
    fill(&f);
    g_assert_cmpuint(f.caps->cpu.custom->len, ==, 3);
    g_assert_cmpstr(custom_model(&f, 0)->canonical, ==, "phenom-v1");
    g_assert_true(g_strv_equal((const char *const *)custom_model(&f, 0)->blockers,
                               (const char *const[]){ "3dnow", "3dnowext", "fxsr_opt", "mmxext", "sse4a", NULL }));
    g_assert_cmpstr(custom_model(&f, 1)->canonical, ==, "kvm32-v1");
    g_assert_null(custom_model(&f, 1)->blockers);
    g_assert_null(custom_model(&f, 2)->canonical);
    g_assert_true(g_strv_equal((const char *const *)custom_model(&f, 2)->blockers,
                               (const char *const[]){ "pni", NULL }));
    fixture_clear(&f);
}

/* The custom models of a corpus transcript for virttype, with nothing else
 * of the host than its arch. */
static VcDomCaps *
corpus_caps(const char *replies_name, const char *arch, const char *virttype)
{
    g_autofree char *path = g_build_filename(corpus_dir, "tests", "qemucapabilitiesdata", replies_name, NULL);
    g_autoptr(VcHostFacts) host = vc_host_facts_probe();
    g_autoptr(GPtrArray) firmwares = g_ptr_array_new();
    g_autoptr(GError) err = NULL;
    VcDomCapsRequest req = { "/usr/bin/qemu-system-x86_64", arch, NULL, virttype };
    json_object *digest;
    VcDomCaps *caps;

    g_assert_true(vc_host_facts_apply_json(host, "{\"arch\": \"x86_64\", \"host_cpu\": null}", "test", &err));
    /* through the digest, as the CLI reads facts: it must keep alias-of */
    digest = replay_digest(path);
    caps = vc_dom_caps_build(digest, host, firmwares, &req, path, &err);
    g_assert_no_error(err);
    json_object_put(digest);
    return caps;
}

static const VcDomCpuModel *
find_model(const VcDomCaps *caps, const char *name)
{
    for (guint i = 0; caps->cpu.custom && i < caps->cpu.custom->len; i++) {
        const VcDomCpuModel *m = g_ptr_array_index(caps->cpu.custom, i);

        if (strcmp(m->name, name) == 0)
            return m;
    }
    g_error("no custom model %s", name);
}

/* QEMU 9.1's phenom: KVM lacks 3dnowext and 3dnow (QEMU's order), TCG
 * fxsr-opt; libvirt 10.10 prints them sorted, in its spelling. */
static void
test_custom_corpus(void)
{
    g_autoptr(VcDomCaps) kvm = NULL;
    g_autoptr(VcDomCaps) tcg = NULL;

    if (!corpus_dir || !g_file_test(corpus_dir, G_FILE_TEST_IS_DIR)) {
        g_test_skip("no libvirt corpus");
        return;
    }
    kvm = corpus_caps("caps_9.1.0_x86_64.replies", "x86_64", "kvm");
    tcg = corpus_caps("caps_9.1.0_x86_64.replies", "x86_64", "qemu");
    g_assert_cmpstr(find_model(kvm, "phenom")->canonical, ==, "phenom-v1");
    g_assert_true(g_strv_equal((const char *const *)find_model(kvm, "phenom")->blockers,
                               (const char *const[]){ "3dnow", "3dnowext", NULL }));
    g_assert_true(g_strv_equal((const char *const *)find_model(tcg, "phenom")->blockers,
                               (const char *const[]){ "fxsr_opt", NULL }));
    g_assert_cmpstr(find_model(tcg, "qemu64")->canonical, ==, "qemu64-v1");
    g_assert_null(find_model(tcg, "qemu64")->blockers);
}

/* The version table: 10.8 prints neither, 10.9 blockers, 10.10 both. */
static void
test_format_versions(void)
{
    static const struct {
        const char *version;
        gboolean blockers;
        gboolean canonical;
    } table[] = {
        { "9.0", FALSE, FALSE }, { "10.7", FALSE, FALSE }, { "10.8", FALSE, FALSE },
        { "10.8.99", FALSE, FALSE }, { "10.9", TRUE, FALSE }, { "10.9.0", TRUE, FALSE },
        { "10.10", TRUE, TRUE }, { "11.0", TRUE, TRUE },
    };
    Fixture f;

    fixture_init(&f, "x86_64", "kvm", "\"query-cpu-definitions\": {\"return\": ["
                 "{\"name\": \"phenom\", \"alias-of\": \"phenom-v1\", \"unavailable-features\": "
                 "[\"fxsr-opt\", \"3dnow\"]}]}");
    fill(&f);
    /* the rest of the document: what the header needs */
    f.caps->path = g_strdup("/usr/bin/qemu-system-x86_64");
    f.caps->domain = g_strdup("kvm");
    f.caps->arch = g_strdup("x86_64");
    for (gsize i = 0; i < G_N_ELEMENTS(table); i++) {
        g_autoptr(GError) err = NULL;
        g_autofree char *xml = NULL;
        guint v = 0;

        g_assert_true(vc_libvirt_version_parse(table[i].version, &v, &err));
        g_assert_no_error(err);
        xml = vc_dom_caps_format_xml_for(f.caps, v);
        g_assert_cmpint(vc_dom_caps_format_has(v, VC_DOMCAPS_PART_BLOCKERS), ==, table[i].blockers);
        g_assert_cmpint(vc_dom_caps_format_has(v, VC_DOMCAPS_PART_CANONICAL), ==, table[i].canonical);
        g_assert_cmpint(strstr(xml, "      <blockers model='phenom'>\n"
                                    "        <feature name='3dnow'/>\n"
                                    "        <feature name='fxsr_opt'/>\n"
                                    "      </blockers>\n") != NULL, ==, table[i].blockers);
        g_assert_cmpint(strstr(xml, "<model usable='no' vendor='AMD' canonical='phenom-v1'>phenom</model>")
                        != NULL, ==, table[i].canonical);
    }
    g_assert_true(vc_dom_caps_format_has(VC_LIBVIRT_VERSION_NEWEST, VC_DOMCAPS_PART_BLOCKERS));
    g_assert_true(vc_dom_caps_format_has(VC_LIBVIRT_VERSION_NEWEST, VC_DOMCAPS_PART_CANONICAL));
    fixture_clear(&f);
}

/* Garbage is refused in one line; MAJOR.MINOR[.MICRO] as libvirt numbers it. */
static void
test_version_parse(void)
{
    static const char *const bad[] = { "", "10", "10.", ".7", "10.7.", "10.7.0.1", "x.y", "10.x",
                                       "1000.0", "10.1000", "-1.0", "10 .7", "10.7a" };
    guint v = 0;

    g_assert_true(vc_libvirt_version_parse("10.7", &v, NULL));
    g_assert_cmpuint(v, ==, 10007000);
    g_assert_true(vc_libvirt_version_parse("9.0.1", &v, NULL));
    g_assert_cmpuint(v, ==, 9000001);
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;

        g_assert_false(vc_libvirt_version_parse(bad[i], &v, &err));
        g_assert_nonnull(strstr(err->message, "invalid libvirt version"));
        g_assert_null(strchr(err->message, '\n'));
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    corpus_dir = argc > 1 ? argv[1] : NULL;
    g_test_add_func("/cpu/custom/x86-blockers", test_custom_x86_blockers);
    g_test_add_func("/cpu/custom/corpus", test_custom_corpus);
    g_test_add_func("/cpu/custom/format-versions", test_format_versions);
    g_test_add_func("/cpu/custom/version-parse", test_version_parse);
    g_test_add_func("/cpu/drivers", test_drivers);
    g_test_add_func("/cpu/custom/ppc64", test_custom_ppc64);
    g_test_add_func("/cpu/custom/s390", test_custom_s390);
    g_test_add_func("/cpu/custom/unsupported", test_custom_unsupported);
    g_test_add_func("/cpu/host-model/facts", test_host_model_facts);
    g_test_add_func("/cpu/host-model/s390", test_host_model_s390);
    g_test_add_func("/cpu/host-model/x86", test_host_model_x86);
    g_test_add_func("/cpu/host-model/x86-fallback", test_host_model_x86_fallback);
    g_test_add_func("/hostfacts/host-cpu", test_host_facts_cpu);
    return g_test_run();
}
