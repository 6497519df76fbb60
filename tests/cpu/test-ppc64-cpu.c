/*
 * ppc64 host CPU naming (src/cpu/ppc64-cpu.h): the map (ppc64-models.json
 * and ppc64-pvr.json), the PVR in /proc/cpuinfo, libvirt's first-match
 * lookup, and bad input.
 */
#include <string.h>

#include "virtcaps.h"
#include "cpu/ppc64-cpu.h"

static VcPpc64CpuMap *map;

static void
test_lookup(void)
{
    static const struct {
        guint32 pvr;
        const char *model, *vendor;
    } cases[] = {
        { 0x003e0301, "POWER6", "IBM" },
        { 0x003f0201, "POWER7", "IBM" },
        { 0x004a0201, "POWER7", "IBM" },      /* POWER7+ */
        { 0x004b0201, "POWER8", "IBM" },      /* POWER8E */
        { 0x004c0100, "POWER8", "IBM" },      /* POWER8NVL */
        { 0x004d0200, "POWER8", "IBM" },
        { 0x004e1202, "POWER9", "IBM" },
        { 0x00800200, "POWER10", "IBM" },
        { 0x80240012, "POWERPC_e5500", "Freescale" },
        { 0x80400020, "POWERPC_e6500", "Freescale" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const VcPpc64Model *m = vc_ppc64_cpu_find(map, cases[i].pvr);
        g_assert_nonnull(m);
        g_assert_cmpstr(m->name, ==, cases[i].model);
        g_assert_cmpstr(m->vendor, ==, cases[i].vendor);
    }
    /* A logical (compat mode) PVR and unknown processors name nothing. */
    g_assert_null(vc_ppc64_cpu_find(map, 0x0f000004));
    g_assert_null(vc_ppc64_cpu_find(map, 0x00000000));
    g_assert_null(vc_ppc64_cpu_find(map, 0xffffffff));
}

static void
test_cpuinfo(void)
{
    const char *text =
        "processor\t: 0\ncpu\t\t: POWER9 (raw), altivec supported\n"
        "clock\t\t: 3800.000000MHz\nrevision\t: 2.2 (pvr 004e 1202)\n\n"
        "processor\t: 1\ncpu\t\t: POWER9 (raw), altivec supported\n"
        "clock\t\t: 3800.000000MHz\nrevision\t: 2.2 (pvr 004e 1202)\n\n"
        "timebase\t: 512000000\nplatform\t: PowerNV\n";
    g_autoptr(GError) err = NULL;
    guint32 pvr = 0;

    g_assert_true(vc_ppc64_pvr_from_cpuinfo(text, "cpuinfo", &pvr, &err));
    g_assert_no_error(err);
    g_assert_cmphex(pvr, ==, 0x004e1202);
}

static void
test_bad_cpuinfo(void)
{
    static const struct {
        const char *text, *message;
    } cases[] = {
        { "", "cpuinfo: no '(pvr XXXX XXXX)' in a revision line" },
        { "revision\t: 2.2\n", "cpuinfo: no '(pvr XXXX XXXX)' in a revision line" },
        { "revision\t: 2.2 (pvr 4e 1202)\n", "cpuinfo: malformed '(pvr XXXX XXXX)' in a revision line" },
        { "revision\t: 2.2 (pvr 004e)\n", "cpuinfo: malformed '(pvr XXXX XXXX)' in a revision line" },
        { "revision\t: 2.2 (pvr zzzz 1202)\n", "cpuinfo: malformed '(pvr XXXX XXXX)' in a revision line" },
        { "revision\t: 2.2 (pvr 004e 12021)\n", "cpuinfo: malformed '(pvr XXXX XXXX)' in a revision line" },
        { "revision\t: 2.2 (pvr 004e 1202", "cpuinfo: malformed '(pvr XXXX XXXX)' in a revision line" },
        { "(pvr ", "cpuinfo: malformed '(pvr XXXX XXXX)' in a revision line" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        guint32 pvr;

        g_assert_false(vc_ppc64_pvr_from_cpuinfo(cases[i].text, "cpuinfo", &pvr, &err));
        g_assert_cmpstr(err->message, ==, cases[i].message);
    }
}

static void
test_arches(void)
{
    g_assert_true(vc_ppc64_is_arch("ppc64"));
    g_assert_true(vc_ppc64_is_arch("ppc64le"));
    g_assert_false(vc_ppc64_is_arch("ppc"));
    g_assert_false(vc_ppc64_is_arch("s390x"));
    g_assert_false(vc_ppc64_is_arch(NULL));
}

#define MODELS "{\"models\": [{\"name\": \"P\", \"vendor\": \"IBM\"}]}"
#define PVR_OK "{\"pvr\": {\"P\": [{\"value\": \"0x1\", \"mask\": \"0x1\"}]}}"

static void
test_bad_map(void)
{
    static const struct {
        const char *models, *pvr, *message;
    } cases[] = {
        { "nope", PVR_OK, "m.json: invalid JSON" },
        { "[]", PVR_OK, "m.json: not a JSON object" },
        { "{}", PVR_OK, "m.json: no \"models\" array" },
        { "{\"models\": [7]}", PVR_OK, "m.json: models[0]: no \"name\" string" },
        { "{\"models\": [{\"name\": \"P\", \"vendor\": 1}]}", PVR_OK,
          "m.json: models[0]: \"vendor\" is not a string" },
        { "{\"models\": [{\"name\": \"P\"}, {\"name\": \"P\"}]}", PVR_OK,
          "m.json: models[1] (P): duplicate name" },
        { MODELS, "{", "p.json: invalid JSON" },
        { MODELS, "{}", "p.json: no \"pvr\" object" },
        { MODELS, "{\"pvr\": {}}", "p.json: no PVR for model P" },
        { MODELS, "{\"pvr\": {\"Q\": []}}", "p.json: Q: not a model of ppc64-models.json" },
        { MODELS, "{\"pvr\": {\"P\": []}}", "p.json: P: not a non-empty list" },
        { MODELS, "{\"pvr\": {\"P\": [{\"value\": \"0x1\"}]}}",
          "p.json: P[0]: needs 32-bit hex \"value\" and \"mask\"" },
        { MODELS, "{\"pvr\": {\"P\": [{\"value\": \"0x1\", \"mask\": \"0x100000000\"}]}}",
          "p.json: P[0]: needs 32-bit hex \"value\" and \"mask\"" },
        { MODELS, "{\"pvr\": {\"P\": [{\"value\": 1, \"mask\": \"0x1\"}]}}",
          "p.json: P[0]: needs 32-bit hex \"value\" and \"mask\"" },
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(VcPpc64CpuMap) ok = vc_ppc64_cpu_map_parse(MODELS, "m.json", PVR_OK, "p.json", &err);

    g_assert_no_error(err);
    g_assert_cmpstr(vc_ppc64_cpu_find(ok, 0x1)->vendor, ==, "IBM");
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) e = NULL;
        g_assert_null(vc_ppc64_cpu_map_parse(cases[i].models, "m.json", cases[i].pvr, "p.json", &e));
        g_assert_cmpstr(e->message, ==, cases[i].message);
    }
}

static void
test_missing_map(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_null(vc_ppc64_cpu_map_load("/nonexistent/m.json", "/nonexistent/p.json", &err));
    g_assert_nonnull(strstr(err->message, "/nonexistent/m.json"));
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    int rc;

    g_test_init(&argc, &argv, NULL);
    map = vc_ppc64_cpu_map_load_default(&err);
    g_assert_no_error(err);
    g_test_add_func("/ppc64-cpu/lookup", test_lookup);
    g_test_add_func("/ppc64-cpu/cpuinfo", test_cpuinfo);
    g_test_add_func("/ppc64-cpu/bad-cpuinfo", test_bad_cpuinfo);
    g_test_add_func("/ppc64-cpu/arches", test_arches);
    g_test_add_func("/ppc64-cpu/bad-map", test_bad_map);
    g_test_add_func("/ppc64-cpu/missing-map", test_missing_map);
    rc = g_test_run();
    vc_ppc64_cpu_map_free(map);
    return rc;
}
