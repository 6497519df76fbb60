/*
 * Unit tests of the CPU slice: the feature database, CPUID dumps in both
 * formats (round trips and bad input), libvirt's sub-leaf walk against a
 * fake CPU, acquisition under --root, and the live CPU.
 */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cpu/cpuid.h"
#include "cpu/x86-decode.h"

static VcX86FeatureDb *
load_db(void)
{
    g_autoptr(GError) err = NULL;
    VcX86FeatureDb *db = vc_x86_feature_db_load_default(&err);

    g_assert_no_error(err);
    g_assert_nonnull(db);
    return db;
}

/* ---- the feature database ---- */

static const struct {
    const char *name;
    VcX86FeatureKind kind;
    guint32 where;      /* leaf or MSR index */
    guint32 subleaf;
    VcX86Reg reg;
    guint bit;
} known_bits[] = {
    /* spot checks against the vendors' manuals and libvirt's spelling */
    { "pni", VC_X86_FEATURE_CPUID, 0x1, 0, VC_X86_REG_ECX, 0 },
    { "pclmuldq", VC_X86_FEATURE_CPUID, 0x1, 0, VC_X86_REG_ECX, 1 },
    { "ds_cpl", VC_X86_FEATURE_CPUID, 0x1, 0, VC_X86_REG_ECX, 4 },
    { "sse4.2", VC_X86_FEATURE_CPUID, 0x1, 0, VC_X86_REG_ECX, 20 },
    { "hypervisor", VC_X86_FEATURE_CPUID, 0x1, 0, VC_X86_REG_ECX, 31 },
    { "fpu", VC_X86_FEATURE_CPUID, 0x1, 0, VC_X86_REG_EDX, 0 },
    { "ht", VC_X86_FEATURE_CPUID, 0x1, 0, VC_X86_REG_EDX, 28 },
    { "arat", VC_X86_FEATURE_CPUID, 0x6, 0, VC_X86_REG_EAX, 2 },
    { "tsc_adjust", VC_X86_FEATURE_CPUID, 0x7, 0, VC_X86_REG_EBX, 1 },
    { "avx512vl", VC_X86_FEATURE_CPUID, 0x7, 0, VC_X86_REG_EBX, 31 },
    { "pku", VC_X86_FEATURE_CPUID, 0x7, 0, VC_X86_REG_ECX, 3 },
    { "md-clear", VC_X86_FEATURE_CPUID, 0x7, 0, VC_X86_REG_EDX, 10 },
    { "arch-capabilities", VC_X86_FEATURE_CPUID, 0x7, 0, VC_X86_REG_EDX, 29 },
    { "avx512-bf16", VC_X86_FEATURE_CPUID, 0x7, 1, VC_X86_REG_EAX, 5 },
    { "xsaves", VC_X86_FEATURE_CPUID, 0xd, 1, VC_X86_REG_EAX, 3 },
    { "mbm_local", VC_X86_FEATURE_CPUID, 0xf, 1, VC_X86_REG_EDX, 2 },
    { "svm", VC_X86_FEATURE_CPUID, 0x80000001, 0, VC_X86_REG_ECX, 2 },
    { "lm", VC_X86_FEATURE_CPUID, 0x80000001, 0, VC_X86_REG_EDX, 29 },
    { "invtsc", VC_X86_FEATURE_CPUID, 0x80000007, 0, VC_X86_REG_EDX, 8 },
    { "amd-ssbd", VC_X86_FEATURE_CPUID, 0x80000008, 0, VC_X86_REG_EBX, 24 },
    { "npt", VC_X86_FEATURE_CPUID, 0x8000000a, 0, VC_X86_REG_EDX, 0 },
    { "split-lock-detect", VC_X86_FEATURE_MSR, 0xcf, 0, 0, 5 },
    { "rdctl-no", VC_X86_FEATURE_MSR, 0x10a, 0, 0, 0 },
    { "taa-no", VC_X86_FEATURE_MSR, 0x10a, 0, 0, 8 },
    { "vmx-invvpid", VC_X86_FEATURE_MSR, 0x48c, 0, 0, 32 },
};

static void
test_db_bits(void)
{
    g_autoptr(VcX86FeatureDb) db = load_db();

    g_assert_cmpuint(db->features->len, >, 300);
    for (gsize i = 0; i < G_N_ELEMENTS(known_bits); i++) {
        const VcX86Feature *f = vc_x86_feature_db_find(db, known_bits[i].name);

        g_assert_nonnull(f);
        g_assert_cmpstr(f->name, ==, known_bits[i].name);
        g_assert_cmpint(f->kind, ==, known_bits[i].kind);
        g_assert_cmpuint(f->bit, ==, known_bits[i].bit);
        if (f->kind == VC_X86_FEATURE_MSR) {
            g_assert_cmpuint(f->msr, ==, known_bits[i].where);
            continue;
        }
        g_assert_cmpuint(f->leaf, ==, known_bits[i].where);
        g_assert_cmpuint(f->subleaf, ==, known_bits[i].subleaf);
        g_assert_cmpint(f->reg, ==, known_bits[i].reg);
    }
}

static void
test_db_aliases(void)
{
    g_autoptr(VcX86FeatureDb) db = load_db();
    const char *pairs[][2] = {
        { "sse3", "pni" }, { "pclmulqdq", "pclmuldq" }, { "tsc-adjust", "tsc_adjust" },
        { "sse4_1", "sse4.1" }, { "md_clear", "md-clear" }, { "xd", "nx" },
        { "i64", "lm" }, { "arch_capabilities", "arch-capabilities" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(pairs); i++)
        g_assert_cmpstr(vc_x86_feature_db_find(db, pairs[i][0])->name, ==, pairs[i][1]);
    g_assert_null(vc_x86_feature_db_find(db, "no-such-feature"));
    g_assert_false(vc_x86_feature_db_find(db, "xsaves")->migratable);
    g_assert_true(vc_x86_feature_db_find(db, "pni")->migratable);
    g_assert_cmpstr(vc_x86_feature_db_vendor(db, "AuthenticAMD")->name, ==, "AMD");
    g_assert_cmpstr(vc_x86_feature_db_vendor(db, "HygonGenuine")->name, ==, "Hygon");
    g_assert_null(vc_x86_feature_db_vendor(db, "KVMKVMKVM\0\0\0"));
}

static char *
write_temp(const char *dir, const char *name, const char *text, gssize len)
{
    char *path = g_build_filename(dir, name, NULL);

    g_assert_true(g_file_set_contents(path, text, len, NULL));
    return path;
}

/* A broken database is one clear error naming the file. */
static void
test_db_bad(void)
{
    static const struct {
        const char *text;
        const char *expect;
    } cases[] = {
        { "[", "invalid JSON" },
        { "{\"vendors\": []}", "\"features\" must be an array" },
        { "{\"features\": [{\"name\": \"b\", \"leaf\": \"0x2\", \"reg\": \"eax\", \"bit\": 0},"
          " {\"name\": \"a\", \"leaf\": \"0x1\", \"reg\": \"eax\", \"bit\": 0}], \"vendors\": []}",
          "'a' is out of libvirt's order (after 'b')" },
        { "{\"features\": [{\"name\": \"a\", \"leaf\": \"0x1\", \"reg\": \"eax\", \"bit\": 0},"
          " {\"name\": \"a\", \"leaf\": \"0x1\", \"reg\": \"eax\", \"bit\": 1}], \"vendors\": []}",
          "the name 'a' is used twice" },
        { "{\"features\": [{\"name\": \"a\", \"leaf\": \"0x1\", \"reg\": \"eax\", \"bit\": 0},"
          " {\"name\": \"b\", \"leaf\": \"0x1\", \"reg\": \"eax\", \"bit\": 0}], \"vendors\": []}",
          "'b' has the same bit as 'a'" },
        { "{\"features\": [{\"name\": \"a\", \"leaf\": \"0x1\", \"reg\": \"esi\", \"bit\": 0}], \"vendors\": []}",
          "\"reg\" must be eax, ebx, ecx or edx" },
        { "{\"features\": [{\"name\": \"a\", \"leaf\": \"0x1\", \"reg\": \"eax\", \"bit\": 32}], \"vendors\": []}",
          "\"bit\" must be 0-31" },
        { "{\"features\": [{\"name\": \"a\", \"msr\": \"0x10a\", \"bit\": 64}], \"vendors\": []}",
          "\"bit\" must be 0-63" },
        { "{\"features\": [], \"vendors\": [{\"name\": \"X\", \"string\": \"short\"}]}",
          "12-character" },
        { "{\"features\": [], \"vendors\": [], \"filters\": [{\"vendor\": \"Intel\", \"family\": 6,"
          " \"model\": 60, \"drop\": [\"hle\"]}]}", "unknown feature 'hle'" },
    };
    g_autofree char *dir = g_dir_make_tmp("vc-cpu-db-XXXXXX", NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = write_temp(dir, "db.json", cases[i].text, -1);
        g_autoptr(GError) err = NULL;
        g_autoptr(VcX86FeatureDb) db = vc_x86_feature_db_load(path, &err);

        g_assert_null(db);
        g_assert_nonnull(err);
        g_assert_true(g_str_has_prefix(err->message, path));
        g_assert_nonnull(strstr(err->message, cases[i].expect));
        g_assert_null(strchr(err->message, '\n'));
        g_unlink(path);
    }
    g_rmdir(dir);
}

/* ---- dumps ---- */

static VcCpuidData *
sample_data(void)
{
    VcCpuidData *d = vc_cpuid_data_new();
    VcCpuidLeaf leaves[] = {
        { 0x7, 0x0, 0x0, 0x029c6fbf, 0x0, 0x20000400 },
        { 0x0, 0x0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69 },
        { 0x1, 0x0, 0x000906e9, 0x05100800, 0x7ffafbff, 0xbfebfbff },
        { 0xd, 0x1, 0xf, 0x3c0, 0x100, 0x0 },
        { 0x80000001, 0x0, 0x0, 0x0, 0x121, 0x2c100800 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(leaves); i++)
        vc_cpuid_data_add_leaf(d, &leaves[i]);
    vc_cpuid_data_add_msr(d, 0x10a, 0x1eb);
    vc_cpuid_data_add_msr(d, 0xcf, 0x20);
    return d;
}

static void
assert_same_data(const VcCpuidData *a, const VcCpuidData *b)
{
    g_assert_cmpuint(a->leaves->len, ==, b->leaves->len);
    g_assert_cmpmem(a->leaves->data, a->leaves->len * sizeof(VcCpuidLeaf),
                    b->leaves->data, b->leaves->len * sizeof(VcCpuidLeaf));
    g_assert_cmpuint(a->msrs->len, ==, b->msrs->len);
    for (guint i = 0; i < a->msrs->len; i++) {
        g_assert_cmpuint(g_array_index(a->msrs, VcMsr, i).index, ==,
                         g_array_index(b->msrs, VcMsr, i).index);
        g_assert_cmpuint(g_array_index(a->msrs, VcMsr, i).value, ==,
                         g_array_index(b->msrs, VcMsr, i).value);
    }
}

static void
test_data_sorted_merged(void)
{
    g_autoptr(VcCpuidData) d = sample_data();
    VcCpuidLeaf extra = { 0x7, 0x0, 0x0, 0x1, 0x0, 0x0 };
    guint64 v;

    g_assert_cmpuint(g_array_index(d->leaves, VcCpuidLeaf, 0).eax_in, ==, 0);
    g_assert_cmpuint(g_array_index(d->leaves, VcCpuidLeaf, 4).eax_in, ==, 0x80000001);
    vc_cpuid_data_add_leaf(d, &extra);   /* OR-ed, as libvirt does */
    g_assert_cmpuint(d->leaves->len, ==, 5);
    g_assert_cmpuint(vc_cpuid_data_get(d, 7, 0)->ebx, ==, 0x029c6fbf);
    g_assert_null(vc_cpuid_data_get(d, 7, 1));
    g_assert_true(vc_cpuid_data_get_msr(d, 0xcf, &v));
    g_assert_cmpuint(v, ==, 0x20);
    g_assert_cmpuint(g_array_index(d->msrs, VcMsr, 0).index, ==, 0xcf);
}

static void
test_dump_round_trips(void)
{
    g_autoptr(VcCpuidData) d = sample_data();
    g_autofree char *json = vc_cpuid_format_json(d);
    g_autofree char *xml = vc_cpuid_format_libvirt_xml(d);
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuidData) from_json = vc_cpuid_parse_json(json, strlen(json), "j", &err);
    g_autoptr(VcCpuidData) from_xml = NULL;

    g_assert_no_error(err);
    assert_same_data(d, from_json);
    from_xml = vc_cpuid_parse_libvirt_xml(xml, strlen(xml), "x", &err);
    g_assert_no_error(err);
    assert_same_data(d, from_xml);
}

/* libvirt's own defaults: registers of a <cpuid> may be left out. */
static void
test_dump_xml_defaults(void)
{
    const char *xml = "<!-- comment -->\n<cpudata arch='x86'>\n"
                      "  <cpuid eax_in='0x07' ecx_in='0x00' ebx='0x00000002'/>\n"
                      "  <cpuid eax_in='1' edx='0x10'/>\n"
                      "  <msr index='0x10a' edx='0x1' eax='0x00000020'/>\n</cpudata>\n";
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuidData) d = vc_cpuid_parse_libvirt_xml(xml, strlen(xml), "x", &err);
    guint64 msr;

    g_assert_no_error(err);
    g_assert_cmpuint(vc_cpuid_data_get(d, 7, 0)->ebx, ==, 2);
    g_assert_cmpuint(vc_cpuid_data_get(d, 1, 0)->edx, ==, 0x10);
    g_assert_true(vc_cpuid_data_get_msr(d, 0x10a, &msr));
    g_assert_cmpuint(msr, ==, G_GUINT64_CONSTANT(0x100000020));
}

static const struct {
    const char *name;
    const char *text;
    const char *expect;
} bad_dumps[] = {
    { "empty.json", "", "empty file" },
    { "garbage.json", "\x01\x02 garbage", "neither a JSON nor a libvirt XML" },
    { "nul.json", "{\"cpuid\": []}\0", "NUL byte" },
    { "truncated.json", "{\"cpuid\": [{\"leaf\": \"0x0\"", "unexpected end of input" },
    { "trailing.json", "{\"cpuid\": [{\"leaf\": 0, \"subleaf\": 0, \"eax\": 0, \"ebx\": 0, "
      "\"ecx\": 0, \"edx\": 0}]} x", "invalid JSON" },
    { "array.json", "{\"cpuid\": {}}", "\"cpuid\" must be a non-empty array" },
    { "no-cpuid.json", "{\"msrs\": {}}", "\"cpuid\" must be a non-empty array" },
    { "format.json", "{\"format\": \"other-2\", \"cpuid\": []}", "unknown format" },
    { "missing.json", "{\"cpuid\": [{\"leaf\": \"0x0\", \"subleaf\": \"0x0\", \"eax\": \"0x1\"}]}",
      "cpuid[0]: missing \"ebx\"" },
    { "huge.json", "{\"cpuid\": [{\"leaf\": \"0x100000000\", \"subleaf\": 0, \"eax\": 0, "
      "\"ebx\": 0, \"ecx\": 0, \"edx\": 0}]}", "\"leaf\" is not a 32-bit number" },
    { "huge-int.json", "{\"cpuid\": [{\"leaf\": 99999999999999999999999, \"subleaf\": 0, "
      "\"eax\": 0, \"ebx\": 0, \"ecx\": 0, \"edx\": 0}]}", "\"leaf\" is not a 32-bit number" },
    { "negative.json", "{\"cpuid\": [{\"leaf\": -1, \"subleaf\": 0, \"eax\": 0, \"ebx\": 0, "
      "\"ecx\": 0, \"edx\": 0}]}", "\"leaf\" is not a 32-bit number" },
    { "text.json", "{\"cpuid\": [{\"leaf\": \"seven\", \"subleaf\": 0, \"eax\": 0, \"ebx\": 0, "
      "\"ecx\": 0, \"edx\": 0}]}", "\"leaf\" is not a 32-bit number" },
    { "entry.json", "{\"cpuid\": [7]}", "cpuid[0] is not an object" },
    { "msrs.json", "{\"cpuid\": [{\"leaf\": 0, \"subleaf\": 0, \"eax\": 0, \"ebx\": 0, "
      "\"ecx\": 0, \"edx\": 0}], \"msrs\": {\"0x10a\": \"0x10000000000000000\"}}", "msrs: bad entry" },
    { "truncated.xml", "<cpudata arch='x86'>\n  <cpuid eax_in='0x0' eax='0x", "invalid XML" },
    { "garbage.xml", "<cpudata arch='x86'><<<</cpudata>", "invalid XML" },
    { "root.xml", "<cpu arch='x86'><cpuid eax_in='0'/></cpu>", "root element is not <cpudata>" },
    { "arch.xml", "<cpudata><cpuid eax_in='0'/></cpudata>", "arch='x86'" },
    { "empty.xml", "<cpudata arch='x86'/>", "no <cpuid> in <cpudata>" },
    { "element.xml", "<cpudata arch='x86'><leaf eax_in='0'/></cpudata>", "unexpected element <leaf>" },
    { "no-eax-in.xml", "<cpudata arch='x86'>\n<cpuid ecx_in='0' eax='0x1'/></cpudata>",
      ":2: <cpuid> lacks the eax_in attribute" },
    { "msr-no-edx.xml", "<cpudata arch='x86'><msr index='0x10a' eax='0x1'/></cpudata>",
      "<msr> lacks the edx attribute" },
    { "huge.xml", "<cpudata arch='x86'><cpuid eax_in='0x7' ebx='0x1ffffffff'/></cpudata>",
      "<cpuid ebx='0x1ffffffff'> is not a 32-bit number" },
    { "negative.xml", "<cpudata arch='x86'><cpuid eax_in='-1'/></cpudata>", "is not a 32-bit number" },
    { "junk.xml", "<cpudata arch='x86'><cpuid eax_in='0x7z'/></cpudata>", "is not a 32-bit number" },
};

/* Every malformed dump: NULL and one line naming the file, never a crash. */
static void
test_dump_bad(void)
{
    g_autofree char *dir = g_dir_make_tmp("vc-cpu-bad-XXXXXX", NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(bad_dumps); i++) {
        gssize len = strcmp(bad_dumps[i].name, "nul.json") == 0
            ? (gssize)strlen(bad_dumps[i].text) + 1 : -1;
        g_autofree char *path = write_temp(dir, bad_dumps[i].name, bad_dumps[i].text, len);
        g_autoptr(GError) err = NULL;
        g_autoptr(VcCpuidData) d = vc_cpuid_load_file(path, &err);

        if (g_test_verbose())
            g_printerr("%s -> %s\n", bad_dumps[i].name, err ? err->message : "(ok)");
        g_assert_null(d);
        g_assert_nonnull(err);
        g_assert_true(g_str_has_prefix(err->message, path));
        if (!strstr(err->message, bad_dumps[i].expect))
            g_error("%s: '%s' lacks '%s'", bad_dumps[i].name, err->message,
                    bad_dumps[i].expect);
        g_assert_null(strchr(err->message, '\n'));
        g_unlink(path);
    }
    g_rmdir(dir);
}

static void
test_dump_bad_files(void)
{
    g_autofree char *dir = g_dir_make_tmp("vc-cpu-bad-XXXXXX", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing.json", NULL);
    g_autofree char *big = g_build_filename(dir, "big.json", NULL);
    const char *paths[] = { missing, dir, big };
    FILE *f = fopen(big, "w");

    /* A sparse file bigger than any real dump: rejected without reading. */
    g_assert_nonnull(f);
    g_assert_cmpint(ftruncate(fileno(f), VC_CPUID_DUMP_MAX + 1), ==, 0);
    fclose(f);
    for (gsize i = 0; i < G_N_ELEMENTS(paths); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VcCpuidData) d = vc_cpuid_load_file(paths[i], &err);

        g_assert_null(d);
        g_assert_true(g_str_has_prefix(err->message, paths[i]));
        g_assert_null(strchr(err->message, '\n'));
    }
    g_unlink(big);
    g_rmdir(dir);
}

/* ---- acquisition ---- */

/* A fake CPU: answers from a table, zeros elsewhere (like a real CPU's
 * reserved leaves). */
static void
table_query(guint32 eax_in, guint32 ecx_in, guint32 regs[4], gpointer opaque)
{
    const VcCpuidData *cpu = opaque;
    const VcCpuidLeaf *l = vc_cpuid_data_get(cpu, eax_in, ecx_in);

    regs[0] = l ? l->eax : 0;
    regs[1] = l ? l->ebx : 0;
    regs[2] = l ? l->ecx : 0;
    regs[3] = l ? l->edx : 0;
}

static gboolean
has_leaf(const VcCpuidData *d, guint32 leaf, guint32 sub)
{
    return vc_cpuid_data_get(d, leaf, sub) != NULL;
}

/* libvirt's sub-leaf rules, one fake CPU exercising each. */
static void
test_collect_subleaf_rules(void)
{
    g_autoptr(VcCpuidData) cpu = vc_cpuid_data_new();
    g_autoptr(VcCpuidData) got = NULL;
    const VcCpuidLeaf leaves[] = {
        { 0x0, 0, 0x17, 0x68747541, 0x444d4163, 0x69746e65 },
        { 0x4, 0, 0x121, 0, 0, 0 }, { 0x4, 1, 0x122, 0, 0, 0 },  /* 4.2: type 0 */
        { 0x7, 0, 0x1, 0x4, 0, 0 }, { 0x7, 1, 0x20, 0, 0, 0 },   /* max sub 1; sgx */
        { 0xb, 0, 0x1, 0x2, 0x100, 0 }, { 0xb, 1, 0x4, 0x8, 0x201, 0 },
        { 0xd, 0, 0x7 | (1u << 9), 0, 0, 0 }, { 0xd, 1, 0xf, 0, 1u << 11, 0 },
        { 0xf, 0, 0, 0, 0, 0x2 }, { 0x10, 0, 0, 0x6, 0, 0 },
        { 0x12, 0, 0x3, 0, 0, 0 }, { 0x12, 2, 0x1, 0, 0, 0 }, { 0x12, 3, 0x1, 0, 0, 0 },
        { 0x14, 0, 0x1, 0, 0, 0 }, { 0x17, 0, 0x2, 0, 0, 0 },
        { 0x80000000, 0, 0x80000008, 0, 0, 0 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(leaves); i++)
        vc_cpuid_data_add_leaf(cpu, &leaves[i]);
    got = vc_cpuid_collect(table_query, cpu);

    g_assert_true(has_leaf(got, 0x4, 2));          /* the first invalid one too */
    g_assert_false(has_leaf(got, 0x4, 3));
    g_assert_true(has_leaf(got, 0x7, 1));
    g_assert_false(has_leaf(got, 0x7, 2));
    g_assert_true(has_leaf(got, 0xb, 1));
    g_assert_false(has_leaf(got, 0xb, 2));
    g_assert_true(has_leaf(got, 0xd, 2) && has_leaf(got, 0xd, 9) && has_leaf(got, 0xd, 11));
    g_assert_false(has_leaf(got, 0xd, 3));
    g_assert_true(has_leaf(got, 0xf, 1));
    g_assert_false(has_leaf(got, 0xf, 2));
    g_assert_true(has_leaf(got, 0x10, 1) && has_leaf(got, 0x10, 2));
    g_assert_true(has_leaf(got, 0x12, 1) && has_leaf(got, 0x12, 3));
    g_assert_false(has_leaf(got, 0x12, 4));
    g_assert_true(has_leaf(got, 0x14, 1));
    g_assert_false(has_leaf(got, 0x17, 0));        /* eax < 3: not even sub-leaf 0 */
    g_assert_true(has_leaf(got, 0x16, 0) && has_leaf(got, 0x80000008, 0));
    g_assert_false(has_leaf(got, 0x80000009, 0));
}

/* A CPU claiming 2^32 leaves and endless sub-leaves must not hang us. */
static void
endless_query(guint32 eax_in, guint32 ecx_in, guint32 regs[4], gpointer opaque)
{
    (void)ecx_in;
    (void)opaque;
    (void)eax_in;
    regs[0] = 0xffffffff;
    regs[1] = 0xffffffff;
    regs[2] = 0xffffffff;
    regs[3] = 0xffffffff;
}

static void
test_collect_bounded(void)
{
    g_autoptr(VcCpuidData) got = vc_cpuid_collect(endless_query, NULL);

    g_assert_cmpuint(got->leaves->len, <, 20000);
}

static void
test_acquire_root(void)
{
    g_autofree char *dir = g_dir_make_tmp("vc-cpu-root-XXXXXX", NULL);
    g_autofree char *dump = g_build_filename(dir, VC_CPUID_ROOT_DUMP, NULL);
    g_autofree char *vdir = g_path_get_dirname(dump);
    g_autoptr(VcCpuidData) d = sample_data();
    g_autoptr(VcCpuidData) none = NULL;
    g_autoptr(VcCpuidData) back = NULL;
    g_autoptr(GError) err = NULL;

    none = vc_cpuid_acquire(dir, &err);
    g_assert_null(none);
    g_assert_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_clear_error(&err);

    g_assert_true(vc_cpuid_write_json(d, dump, &err));  /* the recorder */
    back = vc_cpuid_acquire(dir, &err);
    g_assert_no_error(err);
    assert_same_data(d, back);
    g_unlink(dump);
    g_rmdir(vdir);
    g_rmdir(dir);
}

static void
test_decode_sample(void)
{
    g_autoptr(VcX86FeatureDb) db = load_db();
    g_autoptr(VcCpuidData) d = sample_data();
    g_autoptr(VcX86Decoded) dec = vc_x86_decode(db, d);

    g_assert_cmpstr(dec->vendor_string, ==, "GenuineIntel");
    g_assert_cmpstr(dec->vendor->name, ==, "Intel");
    g_assert_cmpuint(dec->family, ==, 6);
    g_assert_cmpuint(dec->model, ==, 158);
    g_assert_cmpuint(dec->stepping, ==, 9);
    g_assert_true(vc_x86_decoded_has(dec, "pni"));
    g_assert_true(vc_x86_decoded_has(dec, "md-clear"));
    g_assert_true(vc_x86_decoded_has(dec, "arch-capabilities"));
    g_assert_true(vc_x86_decoded_has(dec, "rdctl-no"));
    g_assert_true(vc_x86_decoded_has(dec, "split-lock-detect"));
    g_assert_true(vc_x86_decoded_has(dec, "xsaves"));
    g_assert_false(vc_x86_decoded_has(dec, "hypervisor"));
    g_assert_true(vc_x86_decoded_has(dec, "taa-no"));     /* 0x1eb: bit 8 */
    g_assert_false(vc_x86_decoded_has(dec, "ssb-no"));    /* bit 4 clear */
}

/* Haswell (family 6 model 60): libvirt drops hle and rtm before decoding. */
static void
test_decode_tsx_filter(void)
{
    g_autoptr(VcX86FeatureDb) db = load_db();
    g_autoptr(VcCpuidData) d = vc_cpuid_data_new();
    VcCpuidLeaf l0 = { 0x0, 0, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69 };
    VcCpuidLeaf l1 = { 0x1, 0, 0x000306c3, 0, 0, 0 };
    VcCpuidLeaf l7 = { 0x7, 0, 0, 0x810, 0, 0 };   /* hle, rtm */
    g_autoptr(VcX86Decoded) dec = NULL;

    vc_cpuid_data_add_leaf(d, &l0);
    vc_cpuid_data_add_leaf(d, &l1);
    vc_cpuid_data_add_leaf(d, &l7);
    dec = vc_x86_decode(db, d);
    g_assert_cmpuint(dec->model, ==, 60);
    g_assert_false(vc_x86_decoded_has(dec, "hle"));
    g_assert_false(vc_x86_decoded_has(dec, "rtm"));
    g_assert_cmpuint(dec->features->len, ==, 0);
}

/* The running CPU, when it is x86. */
static void
test_live_host(void)
{
#if defined(__x86_64__) || defined(__i386__)
    g_autoptr(VcX86FeatureDb) db = load_db();
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuidData) d = vc_cpuid_acquire("/", &err);
    g_autoptr(VcX86Decoded) dec = NULL;

    g_assert_no_error(err);
    g_assert_nonnull(vc_cpuid_data_get(d, 0, 0));
    dec = vc_x86_decode(db, d);
    g_assert_true(dec->has_signature);
    g_assert_true(vc_x86_decoded_has(dec, "fpu"));
    g_assert_true(vc_x86_decoded_has(dec, "lm"));
#else
    g_test_skip("not x86");
#endif
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/db/bits", test_db_bits);
    g_test_add_func("/cpu/db/aliases", test_db_aliases);
    g_test_add_func("/cpu/db/bad", test_db_bad);
    g_test_add_func("/cpu/data/sorted-merged", test_data_sorted_merged);
    g_test_add_func("/cpu/dump/round-trips", test_dump_round_trips);
    g_test_add_func("/cpu/dump/xml-defaults", test_dump_xml_defaults);
    g_test_add_func("/cpu/dump/bad", test_dump_bad);
    g_test_add_func("/cpu/dump/bad-files", test_dump_bad_files);
    g_test_add_func("/cpu/collect/subleaf-rules", test_collect_subleaf_rules);
    g_test_add_func("/cpu/collect/bounded", test_collect_bounded);
    g_test_add_func("/cpu/acquire/root", test_acquire_root);
    g_test_add_func("/cpu/decode/sample", test_decode_sample);
    g_test_add_func("/cpu/decode/tsx-filter", test_decode_tsx_filter);
    g_test_add_func("/cpu/live-host", test_live_host);
    return g_test_run();
}
