/*
 * vc_probe_cache on small fake trees: libvirt's rules for banks, resctrl
 * controls, memory bandwidth and monitors, and robustness against empty,
 * garbage, huge and inconsistent files (skip and warn, never crash).
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "probe-fixture.h"

/* cpuN/cache/indexM with the given attributes; NULL leaves a file out. */
static void
put_index(Fixture *f, guint cpu, guint index, const char *level, const char *id,
          const char *type, const char *size, const char *cpus)
{
    const char *names[] = { "level", "id", "type", "size", "shared_cpu_list" };
    const char *values[] = { level, id, type, size, cpus };

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = NULL;
        if (!values[i])
            continue;
        path = g_strdup_printf("sys/devices/system/cpu/cpu%u/cache/index%u/%s",
                               cpu, index, names[i]);
        put(f, path, values[i]);
    }
}

/* Two CPUs, each with an L2 of its own and a shared 15 MiB L3. */
static void
put_two_cpus(Fixture *f)
{
    put(f, "sys/devices/system/cpu/online", "0-1\n");
    for (guint cpu = 0; cpu < 2; cpu++) {
        g_autofree char *self = g_strdup_printf("%u\n", cpu);
        put_index(f, cpu, 0, "2\n", self, "Unified\n", "256K\n", self);
        put_index(f, cpu, 1, "3\n", "0\n", "Unified\n", "15360K\n", "0-1\n");
    }
}

static void
put_resctrl(Fixture *f)
{
    put(f, "sys/fs/resctrl/info/L3/cbm_mask", "fffff\n");
    put(f, "sys/fs/resctrl/info/L3/min_cbm_bits", "2\n");
    put(f, "sys/fs/resctrl/info/L3/num_closids", "4\n");
    put(f, "sys/fs/resctrl/info/MB/bandwidth_gran", "10\n");
    put(f, "sys/fs/resctrl/info/MB/min_bandwidth", "10\n");
    put(f, "sys/fs/resctrl/info/MB/num_closids", "8\n");
    put(f, "sys/fs/resctrl/info/L3_MON/num_rmids", "176\n");
    put(f, "sys/fs/resctrl/info/L3_MON/max_threshold_occupancy", "270336\n");
    put(f, "sys/fs/resctrl/info/L3_MON/mon_features",
        "llc_occupancy\nmbm_total_bytes\nmbm_local_bytes\n");
}

static void
probe(Fixture *f)
{
    run_probe(f, vc_probe_cache);
}

static void
test_no_resctrl(Fixture *f, gconstpointer data)
{
    put_two_cpus(f);
    probe(f);
    /* L2 is below libvirt's minimum level; the shared L3 appears once. */
    g_assert_cmpuint(f->caps->cache_banks->len, ==, 1);
    assert_xml_has(f, "<bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-1'/>\n");
    assert_xml_lacks(f, "<memory_bandwidth>");
    assert_xml_lacks(f, "<monitor");
    g_assert_cmpuint(f->warnings->len, ==, 0);
}

static void
test_resctrl(Fixture *f, gconstpointer data)
{
    put_two_cpus(f);
    put_resctrl(f);
    probe(f);
    assert_xml_has(f,
        "      <bank id='0' level='3' type='both' size='15' unit='MiB' cpus='0-1'>\n"
        "        <control granularity='768' min='1536' unit='KiB' type='both' maxAllocs='4'/>\n"
        "      </bank>\n"
        "      <monitor level='3' reuseThreshold='270336' maxMonitors='176'>\n"
        "        <feature name='llc_occupancy'/>\n"
        "      </monitor>\n");
    assert_xml_has(f,
        "      <node id='0' cpus='0-1'>\n"
        "        <control granularity='10' min='10' maxAllocs='8'/>\n"
        "      </node>\n"
        "      <monitor maxMonitors='176'>\n"
        "        <feature name='mbm_total_bytes'/>\n"
        "        <feature name='mbm_local_bytes'/>\n"
        "      </monitor>\n");
    g_assert_cmpuint(f->warnings->len, ==, 0);
}

/* CDP: L3CODE and L3DATA give two controls, code before data; L2 stays
 * out even with L2 resctrl info. */
static void
test_cdp(Fixture *f, gconstpointer data)
{
    put_two_cpus(f);
    for (guint i = 0; i < 3; i++) {
        static const char *const names[] = { "L3DATA", "L3CODE", "L2" };
        g_autofree char *mask = g_strdup_printf("sys/fs/resctrl/info/%s/cbm_mask", names[i]);
        g_autofree char *min = g_strdup_printf("sys/fs/resctrl/info/%s/min_cbm_bits", names[i]);
        g_autofree char *ids = g_strdup_printf("sys/fs/resctrl/info/%s/num_closids", names[i]);
        put(f, mask, "7ff\n");
        put(f, min, "1\n");
        put(f, ids, "8\n");
    }
    put_index(f, 0, 1, "3\n", "0\n", "Unified\n", "11264K\n", "0-1\n");
    put_index(f, 1, 1, "3\n", "0\n", "Unified\n", "11264K\n", "0-1\n");
    probe(f);
    assert_xml_has(f,
        "        <control granularity='1' unit='MiB' type='code' maxAllocs='8'/>\n"
        "        <control granularity='1' unit='MiB' type='data' maxAllocs='8'/>\n");
    assert_xml_lacks(f, "level='2'");
    assert_xml_lacks(f, "type='both' maxAllocs");
}

/* Banks sort by level, then id, whatever order CPUs list them in. */
static void
test_sorting(Fixture *f, gconstpointer data)
{
    put(f, "sys/devices/system/cpu/online", "0-2\n");
    put_index(f, 0, 0, "4\n", "0\n", "Unified\n", "64M\n", "0-2\n");
    put_index(f, 0, 1, "3\n", "7\n", "Unified\n", "8M\n", "0\n");
    put_index(f, 1, 0, "3\n", "2\n", "Unified\n", "8M\n", "1\n");
    put_index(f, 2, 0, "3\n", "10\n", "Data\n", "8M\n", "2\n");
    /* Offline CPUs have no cache information to read. */
    put_index(f, 3, 0, "3\n", "1\n", "Unified\n", "8M\n", "3\n");
    probe(f);
    g_assert_cmpuint(f->caps->cache_banks->len, ==, 4);
    {
        static const guint want[][2] = { { 3, 2 }, { 3, 7 }, { 3, 10 }, { 4, 0 } };
        for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
            const VcCacheBank *b = g_ptr_array_index(f->caps->cache_banks, i);
            g_assert_cmpuint(b->level, ==, want[i][0]);
            g_assert_cmpuint(b->id, ==, want[i][1]);
        }
    }
    assert_xml_has(f, "type='data' size='8' unit='MiB' cpus='2'");
}

/* Memory bandwidth nodes come from the last level only. */
static void
test_membw_last_level(Fixture *f, gconstpointer data)
{
    put(f, "sys/devices/system/cpu/online", "0\n");
    put_index(f, 0, 0, "3\n", "0\n", "Unified\n", "8M\n", "0\n");
    put_index(f, 0, 1, "4\n", "5\n", "Unified\n", "64M\n", "0\n");
    put(f, "sys/fs/resctrl/info/MB/bandwidth_gran", "10\n");
    put(f, "sys/fs/resctrl/info/MB/min_bandwidth", "10\n");
    put(f, "sys/fs/resctrl/info/MB/num_closids", "8\n");
    probe(f);
    g_assert_cmpuint(f->caps->membw_nodes->len, ==, 1);
    assert_xml_has(f, "<node id='5' cpus='0'>");
}

static void
test_garbage_bank_files(Fixture *f, gconstpointer data)
{
    g_autofree char *huge = g_strnfill(100 * 1024, '7');

    put(f, "sys/devices/system/cpu/online", "0-9\n");
    put_index(f, 0, 0, "", "0\n", "Unified\n", "8M\n", "0\n");
    put_index(f, 1, 0, "3\n", "x\n", "Unified\n", "8M\n", "1\n");
    put_index(f, 2, 0, "3\n", "2\n", "Weird\n", "8M\n", "2\n");
    put_index(f, 3, 0, "3\n", "3\n", "Unified\n", "8Q\n", "3\n");
    put_index(f, 4, 0, "3\n", "4\n", "Unified\n", "99999999999999999999K\n", "4\n");
    put_index(f, 5, 0, "3\n", "5\n", "Unified\n", "16E\n", "5\n");
    put_index(f, 6, 0, "3\n", "6\n", "Unified\n", "8M\n", "0-\n");
    put_index(f, 7, 0, huge, "7\n", "Unified\n", "8M\n", "7\n");
    put_index(f, 8, 0, "3\n", "8\n", "Unified\n", "", "8\n");
    /* Missing id: skipped silently, as libvirt does. */
    put_index(f, 9, 0, "3\n", NULL, "Unified\n", "8M\n", "9\n");
    probe(f);
    g_assert_cmpuint(f->caps->cache_banks->len, ==, 0);
    g_assert_true(warned_about(f, "cpu0/cache/index0/level"));
    g_assert_true(warned_about(f, "cpu1/cache/index0/id"));
    g_assert_true(warned_about(f, "cpu2/cache/index0/type"));
    g_assert_true(warned_about(f, "cpu3/cache/index0/size"));
    g_assert_true(warned_about(f, "cpu4/cache/index0/size"));
    g_assert_true(warned_about(f, "cpu5/cache/index0/size"));
    g_assert_true(warned_about(f, "cpu6/cache/index0/shared_cpu_list"));
    g_assert_true(warned_about(f, "cpu7/cache/index0/level"));
    g_assert_true(warned_about(f, "cpu8/cache/index0/size"));
    g_assert_false(warned_about(f, "cpu9"));
}

/* Sizes with libvirt's suffixes; a bare number counts KiB. */
static void
test_size_suffixes(Fixture *f, gconstpointer data)
{
    static const char *const sizes[] = { "1024\n", "2MiB\n", "3mb\n", "4096b\n", "4E\n" };

    put(f, "sys/devices/system/cpu/online", "0\n");
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_autofree char *id = g_strdup_printf("%u", i);
        put_index(f, 0, i, "3\n", id, "Unified\n", sizes[i], "0\n");
    }
    probe(f);
    assert_xml_has(f, "id='0' level='3' type='both' size='1' unit='MiB'");
    assert_xml_has(f, "id='1' level='3' type='both' size='2' unit='MiB'");
    assert_xml_has(f, "id='2' level='3' type='both' size='3000000' unit='B'");
    assert_xml_has(f, "id='3' level='3' type='both' size='4' unit='KiB'");
    /* libvirt's pretty units stop at PiB. */
    assert_xml_has(f, "id='4' level='3' type='both' size='4096' unit='PiB'");
}

static void
test_garbage_resctrl(Fixture *f, gconstpointer data)
{
    put_two_cpus(f);
    put(f, "sys/fs/resctrl/info/L3/cbm_mask", "0\n");
    put(f, "sys/fs/resctrl/info/L3/min_cbm_bits", "1\n");
    put(f, "sys/fs/resctrl/info/L3/num_closids", "4\n");
    put(f, "sys/fs/resctrl/info/L3CODE/cbm_mask", "zz\n");
    put(f, "sys/fs/resctrl/info/L3CODE/min_cbm_bits", "1\n");
    put(f, "sys/fs/resctrl/info/L3DATA/cbm_mask", "ff\n");
    put(f, "sys/fs/resctrl/info/L3DATA/min_cbm_bits", "lots\n");
    put(f, "sys/fs/resctrl/info/MB/bandwidth_gran", "10\n");
    put(f, "sys/fs/resctrl/info/L3_MON/num_rmids", "-1\n");
    put(f, "sys/fs/resctrl/info/L3_MON/mon_features", "llc_occupancy\n");
    probe(f);
    g_assert_cmpuint(f->caps->cache_banks->len, ==, 1);
    assert_xml_lacks(f, "<control");
    assert_xml_lacks(f, "<memory_bandwidth>");
    assert_xml_lacks(f, "<monitor");
    g_assert_true(warned_about(f, "L3/cbm_mask"));
    g_assert_true(warned_about(f, "L3CODE/cbm_mask"));
    g_assert_true(warned_about(f, "L3DATA/min_cbm_bits"));
    g_assert_true(warned_about(f, "MB/min_bandwidth"));
    g_assert_true(warned_about(f, "L3_MON/num_rmids"));
}

/* Missing num_closids: libvirt keeps the control with maxAllocs 0. */
static void
test_missing_closids(Fixture *f, gconstpointer data)
{
    put_two_cpus(f);
    put(f, "sys/fs/resctrl/info/L3/cbm_mask", "fffff\n");
    put(f, "sys/fs/resctrl/info/L3/min_cbm_bits", "0\n");
    probe(f);
    /* min_cbm_bits 0 (not 1) still gives no min. */
    assert_xml_has(f, "<control granularity='768' unit='KiB' type='both' maxAllocs='0'/>");
    g_assert_true(warned_about(f, "L3/num_closids"));
}

/* Empty features, or none with a known prefix: no monitor. */
static void
test_monitor_features(Fixture *f, gconstpointer data)
{
    put_two_cpus(f);
    put(f, "sys/fs/resctrl/info/L3_MON/num_rmids", "8\n");
    put(f, "sys/fs/resctrl/info/L3_MON/mon_features", "\n\n");
    probe(f);
    assert_xml_lacks(f, "<monitor");
    g_assert_true(warned_about(f, "L3_MON/mon_features"));
}

static void
test_monitor_without_threshold(Fixture *f, gconstpointer data)
{
    put_two_cpus(f);
    put(f, "sys/fs/resctrl/info/L3_MON/num_rmids", "8\n");
    put(f, "sys/fs/resctrl/info/L3_MON/mon_features", "llc_occupancy\nmbm_x\nother\n");
    probe(f);
    assert_xml_has(f, "<monitor level='3' reuseThreshold='0' maxMonitors='8'>\n"
                      "        <feature name='llc_occupancy'/>\n");
    assert_xml_has(f, "<memory_bandwidth>\n      <monitor maxMonitors='8'>\n"
                      "        <feature name='mbm_x'/>\n");
    assert_xml_lacks(f, "other");
}

/* A tiny cache gives a zero granularity: printed, never divided by. */
static void
test_zero_granularity(Fixture *f, gconstpointer data)
{
    put(f, "sys/devices/system/cpu/online", "0\n");
    put_index(f, 0, 0, "3\n", "0\n", "Unified\n", "3b\n", "0\n");
    put(f, "sys/fs/resctrl/info/L3/cbm_mask", "fffff\n");
    put(f, "sys/fs/resctrl/info/L3/min_cbm_bits", "4\n");
    put(f, "sys/fs/resctrl/info/L3/num_closids", "4\n");
    probe(f);
    assert_xml_has(f, "<control granularity='0' unit='B' type='both' maxAllocs='4'/>");
}

/* Banks of one level with different sizes: libvirt's resctrl cannot
 * describe the second, which gets no controls. */
static void
test_size_mismatch(Fixture *f, gconstpointer data)
{
    put(f, "sys/devices/system/cpu/online", "0-1\n");
    put_index(f, 0, 0, "3\n", "0\n", "Unified\n", "8M\n", "0\n");
    put_index(f, 1, 0, "3\n", "1\n", "Unified\n", "16M\n", "1\n");
    put(f, "sys/fs/resctrl/info/L3/cbm_mask", "ff\n");
    put(f, "sys/fs/resctrl/info/L3/min_cbm_bits", "1\n");
    put(f, "sys/fs/resctrl/info/L3/num_closids", "4\n");
    probe(f);
    assert_xml_has(f, "cpus='0'>\n        <control granularity='1' unit='MiB'");
    assert_xml_has(f, "cpus='1'/>");
    g_assert_true(warned_about(f, "does not match"));
}

static void
test_no_online(Fixture *f, gconstpointer data)
{
    put_index(f, 0, 0, "3\n", "0\n", "Unified\n", "8M\n", "0\n");
    put_resctrl(f);
    probe(f);
    assert_xml_lacks(f, "<cache>");
    assert_xml_lacks(f, "<memory_bandwidth>");
    g_assert_true(warned_about(f, "cpu/online"));
}

/* Formatting a model that did not come from the probe (a facts file):
 * zero granularity with a minimum must not divide by zero. */
static void
test_format_zero_granularity_with_min(Fixture *f, gconstpointer data)
{
    VcCacheBank *bank = vc_cache_bank_new();
    VcCacheControl ctl = { .granularity_bytes = 0, .min_bytes = 2048,
                           .scope = VC_CACHE_TYPE_BOTH, .max_allocs = 1 };

    bank->level = 3;
    bank->size_bytes = 1 << 20;
    vc_bitmap_add(bank->cpus, 0);
    g_array_append_val(bank->controls, ctl);
    g_ptr_array_add(f->caps->cache_banks, bank);
    f->xml = vc_host_caps_format_xml(f->caps);
    g_assert_nonnull(strstr(f->xml, "<control granularity='0' min='2' unit='KiB'"));
}

#define ADD(name, fn) \
    g_test_add(name, Fixture, NULL, setup, fn, teardown)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("/cache/no-resctrl", test_no_resctrl);
    ADD("/cache/resctrl", test_resctrl);
    ADD("/cache/cdp", test_cdp);
    ADD("/cache/sorting", test_sorting);
    ADD("/cache/membw-last-level", test_membw_last_level);
    ADD("/cache/garbage-bank-files", test_garbage_bank_files);
    ADD("/cache/size-suffixes", test_size_suffixes);
    ADD("/cache/garbage-resctrl", test_garbage_resctrl);
    ADD("/cache/missing-closids", test_missing_closids);
    ADD("/cache/monitor-features", test_monitor_features);
    ADD("/cache/monitor-without-threshold", test_monitor_without_threshold);
    ADD("/cache/zero-granularity", test_zero_granularity);
    ADD("/cache/size-mismatch", test_size_mismatch);
    ADD("/cache/no-online", test_no_online);
    ADD("/cache/format-zero-granularity-with-min", test_format_zero_granularity_with_min);
    return g_test_run();
}
