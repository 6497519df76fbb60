/*
 * aarch64 host CPU naming (src/cpu/arm-cpu.h): the map loader, cpuinfo
 * parsing and libvirt's decoding rules (virCPUarmDecode), including what
 * libvirt keeps when it fails half-way, and bad input of every kind.
 */
#include <string.h>

#include "virtcaps.h"
#include "cpu/arm-cpu.h"

static VcArmCpuMap *map;

/* A /proc/cpuinfo of the current layout: two processors, as Linux prints. */
static char *
cpuinfo(const char *implementer, const char *part, const char *features)
{
    GString *s = g_string_new(NULL);

    for (int c = 0; c < 2; c++) {
        g_string_append_printf(s, "processor\t: %d\nBogoMIPS\t: 50.00\n", c);
        if (features)
            g_string_append_printf(s, "Features\t: %s\n", features);
        if (implementer)
            g_string_append_printf(s, "CPU implementer\t: %s\n", implementer);
        g_string_append(s, "CPU architecture: 8\nCPU variant\t: 0x3\n");
        if (part)
            g_string_append_printf(s, "CPU part\t: %s\n", part);
        g_string_append(s, "CPU revision\t: 1\n\n");
    }
    return g_string_free(s, FALSE);
}

static char *
features_string(const VcArmHostCpu *cpu)
{
    g_autoptr(GString) s = g_string_new(NULL);

    for (guint i = 0; cpu->features && i < cpu->features->len; i++)
        g_string_append_printf(s, "%s%s", i ? " " : "", (char *)g_ptr_array_index(cpu->features, i));
    return g_strdup(s->str);
}

/* Parse and decode; returns decode's verdict (parsing must succeed). */
static gboolean
decode(const char *text, VcArmHostCpu *cpu, GError **error)
{
    g_autoptr(GError) err = NULL;
    VcArmCpuData data = { 0 };

    g_assert_true(vc_arm_cpu_data_from_cpuinfo(map, text, "cpuinfo", &data, &err));
    g_assert_no_error(err);
    return vc_arm_cpu_decode(map, &data, cpu, error);
}

static void
test_map(void)
{
    const VcArmModel *tx2 = NULL;

    g_assert_cmpuint(map->vendors->len, ==, 15);
    g_assert_cmpuint(map->models->len, ==, 15);
    g_assert_cmpstr(map->hwcaps[0], ==, "fp");
    g_assert_cmpstr(map->hwcaps[11], ==, "cpuid");
    g_assert_cmpstr(map->hwcaps[31], ==, "pacg");
    for (guint i = 0; i < map->models->len; i++) {
        const VcArmModel *m = g_ptr_array_index(map->models, i);
        if (m->part == 0x0af)
            tx2 = m;
    }
    g_assert_nonnull(tx2);
    g_assert_cmpstr(tx2->name, ==, "ThunderX2 99xx");
    g_assert_cmpstr(tx2->vendor->name, ==, "Cavium");
}

/* Neoverse N1 (an Ampere Altra): ARM's part, in AT_HWCAP bit order; HWCAP2
 * names (dcpodp, sve2) and unknown words are not libvirt's features. */
static void
test_neoverse_n1(void)
{
    g_autofree char *text = cpuinfo("0x41", "0xd0c",
        "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid "
        "asimdrdm lrcpc dcpop asimddp ssbs dcpodp sve2 frobnicate");
    g_autoptr(GError) err = NULL;
    g_auto(VcArmHostCpu) cpu = { 0 };
    g_autofree char *f = NULL;

    g_assert_true(decode(text, &cpu, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(cpu.model, ==, "Neoverse-N1");
    g_assert_cmpstr(cpu.vendor, ==, "ARM");
    f = features_string(&cpu);
    g_assert_cmpstr(f, ==, "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp "
                    "asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs");
}

/* ThunderX2, with the Features words out of order: output is bit order. */
static void
test_thunderx2(void)
{
    g_autofree char *text = cpuinfo("0x43", "0x0af",
        "cpuid asimdrdm fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics");
    g_autoptr(GError) err = NULL;
    g_auto(VcArmHostCpu) cpu = { 0 };
    g_autofree char *f = NULL;

    g_assert_true(decode(text, &cpu, &err));
    g_assert_cmpstr(cpu.model, ==, "ThunderX2 99xx");
    g_assert_cmpstr(cpu.vendor, ==, "Cavium");
    f = features_string(&cpu);
    g_assert_cmpstr(f, ==, "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics cpuid asimdrdm");
}

/* libvirt finds the model by part number only: an Ampere implementer with
 * ARM's N1 part is a "Neoverse-N1" of vendor Ampere. */
static void
test_part_alone(void)
{
    g_autofree char *text = cpuinfo("0xc0", "0xd0c", "fp cpuid");
    g_autoptr(GError) err = NULL;
    g_auto(VcArmHostCpu) cpu = { 0 };

    g_assert_true(decode(text, &cpu, &err));
    g_assert_cmpstr(cpu.model, ==, "Neoverse-N1");
    g_assert_cmpstr(cpu.vendor, ==, "Ampere");
}

/* Implementer 0 is "no vendor", not an error. */
static void
test_implementer_zero(void)
{
    g_autofree char *text = cpuinfo("0x00", "0xd08", "fp cpuid");
    g_autoptr(GError) err = NULL;
    g_auto(VcArmHostCpu) cpu = { 0 };
    g_autofree char *f = NULL;

    g_assert_true(decode(text, &cpu, &err));
    g_assert_cmpstr(cpu.model, ==, "cortex-a72");
    g_assert_null(cpu.vendor);
    f = features_string(&cpu);
    g_assert_cmpstr(f, ==, "fp cpuid");
}

/* libvirt fails after setting the model: the model stays, nothing else. */
static void
test_unknown_implementer(void)
{
    g_autofree char *text = cpuinfo("0x99", "0xd0c", "fp cpuid");
    g_autoptr(GError) err = NULL;
    g_auto(VcArmHostCpu) cpu = { 0 };

    g_assert_false(decode(text, &cpu, &err));
    g_assert_nonnull(strstr(err->message, "implementer 0x99"));
    g_assert_cmpstr(cpu.model, ==, "Neoverse-N1");
    g_assert_null(cpu.vendor);
    g_assert_null(cpu.features);
}

/* An APM X-Gene (part 0x000, as linux-aarch64-rhel74-moonshot): no model. */
static void
test_unknown_part(void)
{
    g_autofree char *text = cpuinfo("0x50", "0x000", "fp asimd evtstrm cpuid");
    g_autoptr(GError) err = NULL;
    g_auto(VcArmHostCpu) cpu = { 0 };

    g_assert_false(decode(text, &cpu, &err));
    g_assert_nonnull(strstr(err->message, "part 0x000"));
    g_assert_null(cpu.model);
    g_assert_null(cpu.vendor);
    g_assert_null(cpu.features);
}

/* Kernels before 4.11 have no "cpuid" hwcap: libvirt gives up at once.
 * The old layout (features after all "processor" lines) parses too. */
static void
test_no_cpuid_hwcap(void)
{
    const char *text =
        "Processor\t: AArch64 Processor rev 0 (aarch64)\nprocessor\t: 0\nprocessor\t: 1\n"
        "Features\t: fp asimd evtstrm \nCPU implementer\t: 0x41\nCPU architecture: AArch64\n"
        "CPU variant\t: 0x0\nCPU part\t: 0xd07\nCPU revision\t: 0\n\nHardware\t: APM X-Gene\n";
    g_autoptr(GError) err = NULL;
    g_auto(VcArmHostCpu) cpu = { 0 };

    g_assert_false(decode(text, &cpu, &err));
    g_assert_nonnull(strstr(err->message, "CPUID registers unavailable"));
    g_assert_null(cpu.model);
}

static void
test_bad_cpuinfo(void)
{
    static const struct {
        const char *implementer, *part, *features, *message;
    } cases[] = {
        { "0x41", "0xzz", "fp cpuid", "cpuinfo: malformed 'CPU part' line: '0xzz'" },
        { "0x41", "0x1000", "fp cpuid", "cpuinfo: malformed 'CPU part' line: '0x1000'" },
        { "0x41", "d0c", "fp cpuid", "cpuinfo: malformed 'CPU part' line: 'd0c'" },
        { "0x41", "", "fp cpuid", "cpuinfo: malformed 'CPU part' line: ''" },
        { "0x41", "0x", "fp cpuid", "cpuinfo: malformed 'CPU part' line: '0x'" },
        { "0x141", "0xd0c", "fp cpuid", "cpuinfo: malformed 'CPU implementer' line: '0x141'" },
        { "-0x41", "0xd0c", "fp cpuid", "cpuinfo: malformed 'CPU implementer' line: '-0x41'" },
        { NULL, "0xd0c", "fp cpuid", "cpuinfo: no 'CPU implementer' line" },
        { "0x41", NULL, "fp cpuid", "cpuinfo: no 'CPU part' line" },
        { "0x41", "0xd0c", NULL, "cpuinfo: no 'Features' line" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *text = cpuinfo(cases[i].implementer, cases[i].part, cases[i].features);
        g_autoptr(GError) err = NULL;
        VcArmCpuData data = { 0 };

        g_assert_false(vc_arm_cpu_data_from_cpuinfo(map, text, "cpuinfo", &data, &err));
        g_assert_cmpstr(err->message, ==, cases[i].message);
    }
}

/* Text that is not cpuinfo at all, and lines without a colon. */
static void
test_garbage_cpuinfo(void)
{
    static const char *const texts[] = {
        "", "\n\n\n", "CPU part", ":::\n: :\n", "\xff\xfe binary \x01\n",
        "CPU implementer : 0x41 0x42\nCPU part : 0xd0c\nFeatures : cpuid\n",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        g_autoptr(GError) err = NULL;
        VcArmCpuData data = { 0 };

        g_assert_false(vc_arm_cpu_data_from_cpuinfo(map, texts[i], "cpuinfo", &data, &err));
        g_assert_true(g_str_has_prefix(err->message, "cpuinfo: "));
    }
}

static void
test_bad_map(void)
{
    static const struct {
        const char *json, *message;
    } cases[] = {
        { "{", "m.json: invalid JSON" },
        { "[]", "m.json: not a JSON object" },
        { "{\"models\": []}", "m.json: no \"vendors\" array" },
        { "{\"vendors\": [1]}", "m.json: vendors[0]: not an object" },
        { "{\"vendors\": [{\"name\": \"A\", \"implementer\": \"0x141\"}]}",
          "m.json: vendors[0] (A): \"implementer\" is not a hex byte" },
        { "{\"vendors\": [{\"name\": \"A\", \"implementer\": \"0x41\"},"
          " {\"name\": \"B\", \"implementer\": \"0x41\"}]}",
          "m.json: vendors[1] (B): duplicate name or implementer" },
        { "{\"vendors\": [], \"models\": [{\"name\": \"m\", \"vendor\": \"X\", \"part\": \"0x1\"}]}",
          "m.json: models[0] (m): unknown vendor 'X'" },
        { "{\"vendors\": [], \"models\": [{\"name\": \"m\", \"part\": 4095}]}",
          "m.json: models[0] (m): \"part\" is not a 12-bit hex number" },
        { "{\"vendors\": [], \"models\": [{\"name\": \"m\", \"part\": \"0x1\"},"
          " {\"name\": \"m\", \"part\": \"0x2\"}]}",
          "m.json: models[1] (m): duplicate name" },
        { "{\"vendors\": [], \"models\": []}", "m.json: no \"hwcaps\" array" },
        { "{\"vendors\": [], \"models\": [], \"hwcaps\": [\"fp\"]}",
          "m.json: \"hwcaps\" must name 32 bits" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_assert_null(vc_arm_cpu_map_parse(cases[i].json, "m.json", &err));
        g_assert_cmpstr(err->message, ==, cases[i].message);
    }
}

static void
test_missing_map(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_null(vc_arm_cpu_map_load("/nonexistent/arm-cpu-map.json", &err));
    g_assert_nonnull(strstr(err->message, "/nonexistent/arm-cpu-map.json"));
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    int rc;

    g_test_init(&argc, &argv, NULL);
    map = vc_arm_cpu_map_load_default(&err);
    g_assert_no_error(err);
    g_test_add_func("/arm-cpu/map", test_map);
    g_test_add_func("/arm-cpu/neoverse-n1", test_neoverse_n1);
    g_test_add_func("/arm-cpu/thunderx2", test_thunderx2);
    g_test_add_func("/arm-cpu/part-alone", test_part_alone);
    g_test_add_func("/arm-cpu/implementer-zero", test_implementer_zero);
    g_test_add_func("/arm-cpu/unknown-implementer", test_unknown_implementer);
    g_test_add_func("/arm-cpu/unknown-part", test_unknown_part);
    g_test_add_func("/arm-cpu/no-cpuid-hwcap", test_no_cpuid_hwcap);
    g_test_add_func("/arm-cpu/bad-cpuinfo", test_bad_cpuinfo);
    g_test_add_func("/arm-cpu/garbage-cpuinfo", test_garbage_cpuinfo);
    g_test_add_func("/arm-cpu/bad-map", test_bad_map);
    g_test_add_func("/arm-cpu/missing-map", test_missing_map);
    rc = g_test_run();
    vc_arm_cpu_map_free(map);
    return rc;
}
