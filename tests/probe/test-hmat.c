/*
 * vc_probe_hmat on small fake trees: memory side caches of cells and
 * <interconnects> as libvirt reads and orders them, and robustness
 * against missing, garbage and out-of-range files (skip and warn).
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "probe-fixture.h"

/* nodeN/memory_side_cache/indexK; NULL leaves a file out. */
static void
put_cache(Fixture *f, guint node, guint index, const char *size, const char *line,
          const char *indexing, const char *policy)
{
    const char *names[] = { "size", "line_size", "indexing", "write_policy" };
    const char *values[] = { size, line, indexing, policy };

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = NULL;
        if (!values[i])
            continue;
        path = g_strdup_printf("sys/devices/system/node/node%u/memory_side_cache/index%u/%s",
                               node, index, names[i]);
        put(f, path, values[i]);
    }
}

/* nodeN/access1/initiators with the four values and initiator entries. */
static void
put_access(Fixture *f, guint node, const char *rbw, const char *wbw,
           const char *rlat, const char *wlat, const guint *initiators, guint n)
{
    const char *names[] = { "read_bandwidth", "write_bandwidth", "read_latency", "write_latency" };
    const char *values[] = { rbw, wbw, rlat, wlat };

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = NULL;
        if (!values[i])
            continue;
        path = g_strdup_printf("sys/devices/system/node/node%u/access1/initiators/%s",
                               node, names[i]);
        put(f, path, values[i]);
    }
    for (guint i = 0; i < n; i++) {
        g_autofree char *path = g_strdup_printf(
            "sys/devices/system/node/node%u/access1/initiators/node%u/online", node,
            initiators[i]);
        put(f, path, "1\n");
    }
}

static void
add_cells(Fixture *f, guint n)
{
    for (guint i = 0; i < n; i++)
        g_ptr_array_add(f->caps->cells, vc_numa_cell_new(i));
}

static void
probe(Fixture *f)
{
    run_probe(f, vc_probe_hmat);
}

static VcNumaCell *
cell(Fixture *f, guint i)
{
    return g_ptr_array_index(f->caps->cells, i);
}

static void
test_cell_caches(Fixture *f, gconstpointer data)
{
    add_cells(f, 2);
    /* index10 sorts after index2 (numbers, not names). */
    put_cache(f, 0, 10, "1048576\n", "64\n", "2\n", "2\n");
    put_cache(f, 0, 2, "131072\n", "16\n", "1\n", "1\n");
    put_cache(f, 0, 1, "10240\n", "0\n", "0\n", "0\n");
    probe(f);
    g_assert_cmpuint(cell(f, 0)->caches->len, ==, 3);
    g_assert_cmpuint(cell(f, 1)->caches->len, ==, 0);
    assert_xml_has(f,
        "          <cache level='1' associativity='direct' policy='writeback'>\n"
        "            <size value='10' unit='KiB'/>\n"
        "          </cache>\n"
        "          <cache level='2' associativity='full' policy='writethrough'>\n"
        "            <size value='128' unit='KiB'/>\n"
        "            <line value='16' unit='B'/>\n"
        "          </cache>\n"
        "          <cache level='10' associativity='none' policy='none'>\n"
        "            <size value='1024' unit='KiB'/>\n"
        "            <line value='64' unit='B'/>\n"
        "          </cache>\n");
    g_assert_cmpuint(f->warnings->len, ==, 0);
}

static void
test_bad_cell_caches(Fixture *f, gconstpointer data)
{
    g_autofree char *huge = g_strnfill(100 * 1024, '1');

    add_cells(f, 1);
    put_cache(f, 0, 1, "10240\n", "8\n", "3\n", "0\n");
    put_cache(f, 0, 2, "10240\n", "8\n", "0\n", "x\n");
    put_cache(f, 0, 3, NULL, "8\n", "0\n", "0\n");
    put_cache(f, 0, 4, "10240\n", "4294967296\n", "0\n", "0\n");
    put_cache(f, 0, 5, huge, "8\n", "0\n", "0\n");
    put_cache(f, 0, 6, "", "8\n", "0\n", "0\n");
    put_cache(f, 0, 7, "10240\n", "8\n", "0\n", "0\n");
    probe(f);
    g_assert_cmpuint(cell(f, 0)->caches->len, ==, 1);
    g_assert_cmpuint(g_array_index(cell(f, 0)->caches, VcNumaCache, 0).level, ==, 7);
    g_assert_true(warned_about(f, "index1: unknown indexing value 3"));
    g_assert_true(warned_about(f, "index2/write_policy"));
    g_assert_true(warned_about(f, "index3/size is missing"));
    g_assert_true(warned_about(f, "index4/line_size"));
    g_assert_true(warned_about(f, "index5/size"));
    g_assert_true(warned_about(f, "index6/size"));
}

/* Order: latency before bandwidth, then initiator, target, access type. */
static void
test_interconnects(Fixture *f, gconstpointer data)
{
    static const guint init0[] = { 0 };
    static const guint init1[] = { 1, 0 };

    add_cells(f, 2);
    put_access(f, 1, "101\n", "102\n", "11\n", "12\n", init1, G_N_ELEMENTS(init1));
    put_access(f, 0, "201\n", "202\n", "6\n", "7\n", init0, G_N_ELEMENTS(init0));
    probe(f);
    assert_xml_has(f,
        "      <interconnects>\n"
        "        <latency initiator='0' target='0' type='read' value='6'/>\n"
        "        <latency initiator='0' target='0' type='write' value='7'/>\n"
        "        <latency initiator='0' target='1' type='read' value='11'/>\n"
        "        <latency initiator='0' target='1' type='write' value='12'/>\n"
        "        <latency initiator='1' target='1' type='read' value='11'/>\n"
        "        <latency initiator='1' target='1' type='write' value='12'/>\n"
        "        <bandwidth initiator='0' target='0' type='read' value='205824' unit='KiB'/>\n"
        "        <bandwidth initiator='0' target='0' type='write' value='206848' unit='KiB'/>\n"
        "        <bandwidth initiator='0' target='1' type='read' value='103424' unit='KiB'/>\n"
        "        <bandwidth initiator='0' target='1' type='write' value='104448' unit='KiB'/>\n"
        "        <bandwidth initiator='1' target='1' type='read' value='103424' unit='KiB'/>\n"
        "        <bandwidth initiator='1' target='1' type='write' value='104448' unit='KiB'/>\n"
        "      </interconnects>\n");
}

/* Interconnects cover sysfs nodes that are not cells too. */
static void
test_interconnects_beyond_cells(Fixture *f, gconstpointer data)
{
    static const guint init[] = { 0 };

    add_cells(f, 1);
    put_access(f, 3, "1\n", "1\n", "1\n", "1\n", init, G_N_ELEMENTS(init));
    probe(f);
    assert_xml_has(f, "<latency initiator='0' target='3' type='read' value='1'/>");
}

static void
test_bad_access(Fixture *f, gconstpointer data)
{
    static const guint init[] = { 0 };

    add_cells(f, 4);
    put_access(f, 0, "1\n", "1\n", NULL, "1\n", init, G_N_ELEMENTS(init));
    put_access(f, 1, "1\n", "garbage\n", "1\n", "1\n", init, G_N_ELEMENTS(init));
    put_access(f, 2, "1\n", "1\n", "1\n", "99999999999999999999\n", init, G_N_ELEMENTS(init));
    /* 4 TiB/s: libvirt's unsigned int KiB value wraps; print what it does. */
    put_access(f, 3, "4194304\n", "4194305\n", "1\n", "1\n", init, G_N_ELEMENTS(init));
    probe(f);
    g_assert_true(warned_about(f, "node0/access1/initiators/read_latency is missing"));
    g_assert_true(warned_about(f, "node1/access1/initiators/write_bandwidth"));
    g_assert_true(warned_about(f, "node2/access1/initiators/write_latency"));
    g_assert_true(warned_about(f, "node3/access1/initiators/read_bandwidth"));
    g_assert_cmpuint(f->caps->interconnects->len, ==, 4);
    assert_xml_has(f, "<bandwidth initiator='0' target='3' type='read' value='0' unit='KiB'/>");
    assert_xml_has(f, "<bandwidth initiator='0' target='3' type='write' value='1024' unit='KiB'/>");
}

/* An access1 directory without initiators gives no interconnects. */
static void
test_no_initiators(Fixture *f, gconstpointer data)
{
    add_cells(f, 1);
    put(f, "sys/devices/system/node/node0/access1/initiators/read_bandwidth", "1\n");
    put(f, "sys/devices/system/node/node0/access1/initiators/write_bandwidth", "1\n");
    put(f, "sys/devices/system/node/node0/access1/initiators/read_latency", "1\n");
    put(f, "sys/devices/system/node/node0/access1/initiators/write_latency", "1\n");
    probe(f);
    assert_xml_lacks(f, "<interconnects>");
}

#define ADD(name, fn) \
    g_test_add(name, Fixture, NULL, setup, fn, teardown)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("/hmat/cell-caches", test_cell_caches);
    ADD("/hmat/bad-cell-caches", test_bad_cell_caches);
    ADD("/hmat/interconnects", test_interconnects);
    ADD("/hmat/interconnects-beyond-cells", test_interconnects_beyond_cells);
    ADD("/hmat/bad-access", test_bad_access);
    ADD("/hmat/no-initiators", test_no_initiators);
    return g_test_run();
}
