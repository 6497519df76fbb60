/*
 * The JSON form of the host model: round trip, facts-file merging, and
 * strict, crash-free rejection of bad input.
 */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "model/hostcaps.h"

/* ---- a model with every field set ---- */

static VcBitmap *
bitmap(const char *text)
{
    VcBitmap *b = vc_bitmap_parse(text, NULL);
    g_assert_nonnull(b);
    return b;
}

static void
build_cpu(VcHostCpu *cpu)
{
    VcPageInfo pages[] = { { 4, 0 }, { 2048, 0 } };

    cpu->arch = g_strdup("x86_64");
    cpu->model = g_strdup("EPYC-Milan");
    cpu->vendor = g_strdup("AMD");
    cpu->has_microcode = TRUE;
    cpu->microcode = 0;
    cpu->has_signature = TRUE;
    cpu->family = 25;
    cpu->model_number = 1;
    cpu->stepping = 1;
    cpu->has_tsc = TRUE;
    cpu->tsc_frequency = 2596124000u;
    cpu->tsc_scaling = VC_TSC_SCALING_YES;
    cpu->has_topology = TRUE;
    cpu->sockets = 1, cpu->dies = 1, cpu->clusters = 1, cpu->cores = 4, cpu->threads = 2;
    cpu->maxphysaddr_mode = g_strdup("emulate");
    cpu->maxphysaddr_bits = 48;
    g_ptr_array_add(cpu->features, g_strdup("sse4.1"));
    g_ptr_array_add(cpu->features, g_strdup("x2apic"));
    g_array_append_vals(cpu->pages, pages, G_N_ELEMENTS(pages));
}

static VcNumaCell *
build_cell(guint id)
{
    VcNumaCell *cell = vc_numa_cell_new(id);
    VcPageInfo pages[] = { { 4, 1024 + id }, { 2048, id } };
    VcDistance dist[] = { { 0, id ? 21 : 10 }, { 1, id ? 10 : 21 } };
    VcNumaCache cache = { 1, 1u << 20, 64, VC_NUMA_CACHE_ASSOC_DIRECT,
                          VC_NUMA_CACHE_POLICY_WRITEBACK };
    VcCellCpu with = { id * 2, 0, -1, 0, (gint)id, bitmap(id ? "2-3" : "0-1") };
    VcCellCpu without = { id * 2 + 1, 0, 0, 0, 0, NULL };

    cell->memory_kib = 4194304 + id;
    g_array_append_vals(cell->pages, pages, G_N_ELEMENTS(pages));
    g_array_append_vals(cell->distances, dist, G_N_ELEMENTS(dist));
    g_array_append_val(cell->caches, cache);
    g_array_append_val(cell->cpus, with);
    g_array_append_val(cell->cpus, without);
    return cell;
}

static VcResctrlMonitor *
build_monitor(gboolean is_cache)
{
    VcResctrlMonitor *mon = vc_resctrl_monitor_new();

    mon->is_cache = is_cache;
    mon->level = is_cache ? 3 : 0;
    mon->reuse_threshold = is_cache ? 270336 : 0;
    mon->max_monitors = 176;
    g_ptr_array_add(mon->features, g_strdup(is_cache ? "llc_occupancy" : "mbm_total_bytes"));
    return mon;
}

static VcCacheBank *
build_bank(guint id)
{
    VcCacheBank *bank = vc_cache_bank_new();
    VcCacheControl ctl[] = { { 768432, 0, VC_CACHE_TYPE_CODE, 8 },
                             { 1536, 3072, VC_CACHE_TYPE_DATA, 8 } };

    bank->id = id;
    bank->level = 3;
    bank->type = VC_CACHE_TYPE_BOTH;
    bank->size_bytes = 32u << 20;
    vc_bitmap_free(bank->cpus);
    bank->cpus = bitmap(id ? "4-7" : "0-3,8");
    g_array_append_vals(bank->controls, ctl, G_N_ELEMENTS(ctl));
    return bank;
}

static VcMemBwNode *
build_membw_node(guint id)
{
    VcMemBwNode *node = vc_membw_node_new();

    node->id = id;
    vc_bitmap_add(node->cpus, id);
    node->granularity = 10;
    node->min = 10;
    node->max_allocs = 8;
    return node;
}

static VcHostCaps *
build_model(void)
{
    VcHostCaps *caps = vc_host_caps_new();
    VcInterconnect ic[] = {
        { VC_INTERCONNECT_LATENCY, 0, 1, 1, VC_MEMORY_ACCESS_READ, 5 },
        { VC_INTERCONNECT_BANDWIDTH, 1, 0, 0, VC_MEMORY_ACCESS_ACCESS, G_GUINT64_CONSTANT(1) << 40 },
    };
    VcSecModel *dac = vc_secmodel_new("dac", "0");

    caps->uuid = g_strdup("3d1219c7-c4c5-404a-aa1f-6d2a48adfda4");
    build_cpu(&caps->cpu);
    caps->power_management = VC_PM_SUSPEND_MEM | VC_PM_SUSPEND_HYBRID;
    caps->iommu = TRUE;
    caps->migration_offline = TRUE;
    caps->migration_live = TRUE;
    g_ptr_array_add(caps->uri_transports, g_strdup("tcp"));
    g_ptr_array_add(caps->uri_transports, g_strdup("rdma"));
    g_ptr_array_add(caps->cells, build_cell(0));
    g_ptr_array_add(caps->cells, build_cell(1));
    g_array_append_vals(caps->interconnects, ic, G_N_ELEMENTS(ic));
    g_ptr_array_add(caps->cache_banks, build_bank(0));
    g_ptr_array_add(caps->cache_banks, build_bank(1));
    caps->cache_monitor = build_monitor(TRUE);
    g_ptr_array_add(caps->membw_nodes, build_membw_node(0));
    caps->membw_monitor = build_monitor(FALSE);
    g_ptr_array_add(caps->secmodels, vc_secmodel_new("selinux", "0"));
    vc_secmodel_add_baselabel(dac, "kvm", "+64055:+64055");
    vc_secmodel_add_baselabel(dac, "qemu", "+64055:+64055");
    g_ptr_array_add(caps->secmodels, dac);
    return caps;
}

/* ---- round trip ---- */

static void
test_round_trip(void)
{
    g_autoptr(VcHostCaps) caps = build_model();
    g_autoptr(VcHostCaps) back = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *json = vc_host_caps_format_json(caps);
    g_autofree char *json2 = NULL;
    g_autofree char *xml = vc_host_caps_format_xml(caps);
    g_autofree char *xml2 = NULL;

    g_assert_true(g_str_has_prefix(json, "{\n  \"host\": {\n"));
    g_assert_true(g_str_has_suffix(json, "}\n"));
    g_assert_nonnull(strstr(json, "\"maxMonitors\": 176"));
    g_assert_nonnull(strstr(json, "\"siblings\": \"0-1\""));
    g_assert_nonnull(strstr(json, "\"cpus\": \"0-3,8\""));
    g_assert_nonnull(strstr(json, "\"value\": 1099511627776"));
    back = vc_host_caps_parse_json(json, "test.json", &err);
    g_assert_no_error(err);
    json2 = vc_host_caps_format_json(back);
    g_assert_cmpstr(json, ==, json2);
    xml2 = vc_host_caps_format_xml(back);
    g_assert_cmpstr(xml, ==, xml2);
}

static void
test_round_trip_empty(void)
{
    g_autoptr(VcHostCaps) caps = vc_host_caps_new();
    g_autoptr(VcHostCaps) back = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *json = vc_host_caps_format_json(caps);
    g_autofree char *json2 = NULL;

    g_assert_null(strstr(json, "migration_features"));
    g_assert_null(strstr(json, "topology"));
    back = vc_host_caps_parse_json(json, "test.json", &err);
    g_assert_no_error(err);
    json2 = vc_host_caps_format_json(back);
    g_assert_cmpstr(json, ==, json2);
}

/* ---- facts files ---- */

static VcHostCaps *
apply_facts(const char *facts, GError **error, char **path_out)
{
    VcHostCaps *caps = build_model();
    g_autofree char *path = NULL;
    int fd = g_file_open_tmp("test-json-XXXXXX.json", &path, NULL);
    gboolean ok;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    g_assert_true(g_file_set_contents(path, facts, -1, NULL));
    ok = vc_host_caps_apply_facts_file(&caps, path, error);
    g_unlink(path);
    if (path_out)
        *path_out = g_steal_pointer(&path);
    if (!ok)
        g_clear_pointer(&caps, vc_host_caps_free);
    return caps;
}

static VcHostCaps *
apply_ok(const char *facts)
{
    g_autoptr(GError) err = NULL;
    VcHostCaps *caps = apply_facts(facts, &err, NULL);

    g_assert_no_error(err);
    return caps;
}

static void
apply_fails(const char *facts, const char *path_in_message)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *path = NULL;
    g_autofree char *prefix = NULL;
    g_autoptr(VcHostCaps) caps = apply_facts(facts, &err, &path);

    g_assert_null(caps);
    g_assert_nonnull(err);
    prefix = g_strconcat(path, ": ", NULL);
    g_assert_true(g_str_has_prefix(err->message, prefix));
    g_assert_nonnull(strstr(err->message, path_in_message));
    g_assert_null(strchr(err->message, '\n'));
}

static VcNumaCell *
cell(VcHostCaps *caps, guint i)
{
    g_assert_cmpuint(i, <, caps->cells->len);
    return g_ptr_array_index(caps->cells, i);
}

static void
test_facts_example(void)
{
    g_autoptr(VcHostCaps) caps = apply_ok(
        "{\"host\": {\"cpu\": {\"arch\": \"aarch64\"}, \"migration_features\": null,"
        " \"topology\": {\"cells\": [{\"id\": 0, \"memory\": 1048576,"
        " \"pages\": [{\"size\": 4, \"count\": 2048}]}]}}}");
    VcPageInfo *p;

    g_assert_cmpstr(caps->cpu.arch, ==, "aarch64");
    g_assert_cmpstr(caps->cpu.vendor, ==, "AMD");         /* merged, not replaced */
    g_assert_false(caps->migration_offline);
    g_assert_cmpuint(caps->uri_transports->len, ==, 0);
    g_assert_cmpuint(caps->cells->len, ==, 2);
    g_assert_cmpuint(cell(caps, 0)->memory_kib, ==, 1048576);
    g_assert_cmpuint(cell(caps, 1)->memory_kib, ==, 4194305);
    g_assert_cmpuint(cell(caps, 0)->pages->len, ==, 2);
    p = &g_array_index(cell(caps, 0)->pages, VcPageInfo, 0);
    g_assert_cmpuint(p->size_kib, ==, 4);
    g_assert_cmpuint(p->count, ==, 2048);
    g_assert_cmpuint(g_array_index(cell(caps, 0)->pages, VcPageInfo, 1).count, ==, 0);
    g_assert_cmpuint(cell(caps, 0)->cpus->len, ==, 2);   /* untouched */
}

static void
test_facts_null_deletes(void)
{
    g_autoptr(VcHostCaps) caps = apply_ok(
        "{\"host\": {\"uuid\": null, \"power_management\": [],"
        " \"cpu\": {\"microcode\": null, \"counter\": {\"scaling\": null}},"
        " \"cache\": {\"monitor\": null}, \"memory_bandwidth\": null}}");

    g_assert_null(caps->uuid);
    g_assert_cmpuint(caps->power_management, ==, 0);
    g_assert_false(caps->cpu.has_microcode);
    g_assert_true(caps->cpu.has_tsc);
    g_assert_cmpint(caps->cpu.tsc_scaling, ==, VC_TSC_SCALING_UNKNOWN);
    g_assert_null(caps->cache_monitor);
    g_assert_cmpuint(caps->cache_banks->len, ==, 2);
    g_assert_cmpuint(caps->membw_nodes->len, ==, 0);
    g_assert_null(caps->membw_monitor);
}

static void
test_facts_keyed_arrays(void)
{
    g_autoptr(VcHostCaps) caps = apply_ok(
        "{\"host\": {\"topology\": {\"cells\": ["
        "  {\"id\": 1, \"cpus\": [{\"id\": 2, \"core_id\": 7}, {\"id\": 9}],"
        "   \"pages\": [{\"size\": 1048576, \"count\": 3}, {\"size\": 1024, \"count\": 2}, {\"size\": 2, \"count\": 1}]},"
        "  {\"id\": 4, \"memory\": 1024}]},"
        " \"cache\": {\"banks\": [{\"level\": 3, \"id\": 1, \"cpus\": \"4-5\"}]},"
        " \"secmodels\": [{\"model\": \"dac\", \"baselabels\": [{\"type\": \"kvm\", \"label\": \"+0:+0\"}]},"
        "   {\"model\": \"apparmor\", \"doi\": \"0\"}]}}");
    VcCellCpu *cpu;
    VcSecModel *dac;
    g_autofree char *cpus = NULL;

    g_assert_cmpuint(caps->cells->len, ==, 3);
    g_assert_cmpuint(cell(caps, 2)->id, ==, 4);               /* appended */
    g_assert_cmpuint(cell(caps, 2)->memory_kib, ==, 1024);
    g_assert_cmpuint(cell(caps, 1)->cpus->len, ==, 3);
    cpu = &g_array_index(cell(caps, 1)->cpus, VcCellCpu, 0);
    g_assert_cmpuint(cpu->id, ==, 2);
    g_assert_cmpint(cpu->core_id, ==, 7);
    g_assert_cmpint(cpu->die_id, ==, -1);                     /* kept */
    cpu = &g_array_index(cell(caps, 1)->cpus, VcCellCpu, 2);
    g_assert_cmpuint(cpu->id, ==, 9);
    g_assert_null(cpu->siblings);
    cpus = vc_bitmap_format(((VcCacheBank *)g_ptr_array_index(caps->cache_banks, 1))->cpus);
    g_assert_cmpstr(cpus, ==, "4-5");
    /* new elements of an ordered array go before the first greater key */
    g_assert_cmpuint(cell(caps, 1)->pages->len, ==, 5);
    for (guint i = 0; i < 5; i++) {
        static const guint sizes[] = { 2, 4, 1024, 2048, 1048576 };
        g_assert_cmpuint(g_array_index(cell(caps, 1)->pages, VcPageInfo, i).size_kib, ==, sizes[i]);
    }
    g_assert_cmpuint(caps->secmodels->len, ==, 3);            /* appended */
    g_assert_cmpstr(((VcSecModel *)g_ptr_array_index(caps->secmodels, 2))->model, ==, "apparmor");
    dac = g_ptr_array_index(caps->secmodels, 1);
    g_assert_cmpuint(dac->baselabels->len, ==, 2);
    g_assert_cmpstr(g_array_index(dac->baselabels, VcBaseLabel, 0).label, ==, "+0:+0");
}

static void
test_facts_delete_element(void)
{
    g_autoptr(VcHostCaps) caps = apply_ok(
        "{\"host\": {\"topology\": {\"cells\": [{\"id\": 0, \"$delete\": true},"
        " {\"id\": 7, \"$delete\": true},"
        " {\"id\": 1, \"pages\": [{\"size\": 2048, \"$delete\": true}]}]}}}");

    g_assert_cmpuint(caps->cells->len, ==, 1);
    g_assert_cmpuint(cell(caps, 0)->id, ==, 1);
    g_assert_cmpuint(cell(caps, 0)->pages->len, ==, 1);
    g_assert_cmpuint(g_array_index(cell(caps, 0)->pages, VcPageInfo, 0).size_kib, ==, 4);
}

static void
test_facts_replace(void)
{
    g_autoptr(VcHostCaps) caps = apply_ok(
        "{\"host\": {\"cpu\": {\"features\": [\"vmx\"], \"pages\": []},"
        " \"migration_features\": {\"uri_transports\": [\"tcp\"]},"
        " \"topology\": {\"interconnects\": [{\"kind\": \"bandwidth\", \"initiator\": 0,"
        "   \"target\": 0, \"type\": \"write\", \"value\": 7}]}}}");
    VcInterconnect *ic;

    g_assert_cmpuint(caps->cpu.features->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(caps->cpu.features, 0), ==, "vmx");
    g_assert_cmpuint(caps->cpu.pages->len, ==, 0);      /* [] empties a keyed array */
    g_assert_cmpuint(caps->uri_transports->len, ==, 1);
    g_assert_true(caps->migration_live);
    g_assert_cmpuint(caps->interconnects->len, ==, 1);
    ic = &g_array_index(caps->interconnects, VcInterconnect, 0);
    g_assert_cmpint(ic->type, ==, VC_INTERCONNECT_BANDWIDTH);
    g_assert_cmpint(ic->access, ==, VC_MEMORY_ACCESS_WRITE);
    g_assert_cmpuint(ic->value, ==, 7);
}

static void
test_facts_errors(void)
{
    apply_fails("{\"host\": {\"cpu\": {\"archh\": \"x\"}}}", ": host.cpu.archh: unknown member");
    apply_fails("{\"host\": {\"topology\": {\"cells\": [{\"memory\": 1}]}}}",
                ": host.topology.cells[0]: missing key member \"id\"");
    apply_fails("{\"host\": {\"topology\": {\"cells\": [{\"id\": 1, \"memory\": \"1G\"}]}}}",
                ": host.topology.cells[1].memory: expected an integer");
    apply_fails("{\"host\": {\"topology\": {\"cells\": [{\"id\": 1, \"$delete\": 1}]}}}",
                ": host.topology.cells[0].$delete: must be true");
    apply_fails("{\"host\": {\"topology\": {\"cells\": [5]}}}", ": host.topology.cells[0]: ");
    apply_fails("{\"host\": {\"iommu\": null}}", ": host.iommu: missing member");
    apply_fails("[]", ": (top level): expected an object");
    apply_fails("{\"host\": ", ": line 1 column 10: invalid JSON");
}

static void
test_facts_missing_file(void)
{
    g_autoptr(VcHostCaps) caps = build_model();
    g_autoptr(GError) err = NULL;

    g_assert_false(vc_host_caps_apply_facts_file(&caps, "/nonexistent/facts.json", &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "/nonexistent/facts.json"));
    g_assert_nonnull(caps);
}

/* ---- bad input ---- */

static void
parse_fails(const char *json, const char *in_message)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcHostCaps) caps = vc_host_caps_parse_json(json, "test.json", &err);

    g_assert_null(caps);
    g_assert_nonnull(err);
    if (!g_str_has_prefix(err->message, "test.json: ") || !strstr(err->message, in_message))
        g_error("message \"%s\" lacks \"%s\"", err->message, in_message);
    g_assert_null(strchr(err->message, '\n'));
}

/* A valid document with one cell whose cpu is `cpu`. */
static char *
doc_with_cpu(const char *cpu)
{
    return g_strdup_printf("{\"host\": {\"cpu\": {}, \"iommu\": {\"support\": false},"
                           " \"topology\": {\"cells\": [{\"id\": 0, \"cpus\": [%s]}]}}}", cpu);
}

static void
test_bad_input(void)
{
    g_autofree char *deep = NULL;
    g_autofree char *sibl = NULL;
    g_autofree char *budget = NULL;
    GString *many = g_string_new(NULL);

    parse_fails("", "line 1 column 1: invalid JSON");
    parse_fails("not json", "line 1 column 2: invalid JSON: null expected");
    parse_fails("{\"host\": {}}\n{}", "line 2 column 1: invalid JSON");
    parse_fails("{\"host\": {\"cpu\": {\"arch\": 5}}}", "host.cpu.arch: expected a string, got an integer");
    parse_fails("{\"host\": {\"cpu\": {\"arch\": \"a\\u0000b\"}}}", "host.cpu.arch: string contains a NUL");
    parse_fails("{\"host\": {\"cpu\": {}, \"iommu\": {\"support\": \"yes\"}}}", "host.iommu.support: expected true or false");
    parse_fails("{\"host\": {\"cpu\": {}, \"iommu\": {\"support\": true}, \"guest\": 1}}", "host.guest: unknown member");
    parse_fails("{\"host\": {\"cpu\": {\"counter\": {\"frequency\": 1, \"scaling\": \"maybe\"}}}}",
                "host.cpu.counter.scaling: unknown value \"maybe\" (expected one of: unknown, yes, no)");
    parse_fails("{\"host\": {\"cpu\": {\"counter\": {\"name\": \"hpet\", \"frequency\": 1}}}}",
                "host.cpu.counter.name: unknown value");
    parse_fails("{\"host\": {\"cpu\": {\"signature\": {\"family\": 6}}}}", "host.cpu.signature.model: missing member");
    parse_fails("{\"host\": {\"cpu\": {}, \"power_management\": [\"suspend_mem\", \"suspend_mem\"]}}",
                "host.power_management[1]: \"suspend_mem\" is listed twice");
    parse_fails("{\"host\": {\"cpu\": {\"microcode\": {\"version\": 4294967296}}}}",
                "host.cpu.microcode.version: integer out of range");
    parse_fails("{\"host\": {\"cpu\": {\"microcode\": {\"version\": -1}}}}",
                "host.cpu.microcode.version: integer out of range");
    parse_fails("{\"host\": {\"cpu\": {\"microcode\": {\"version\": 1.5}}}}",
                "host.cpu.microcode.version: expected an integer");
    parse_fails("{\"host\": {\"cpu\": {\"counter\": {\"frequency\": 99999999999999999999999999}}}}",
                "host.cpu.counter.frequency: integer out of range");
    parse_fails("{\"host\": {\"cpu\": {\"counter\": {\"frequency\": 1e400}}}}",
                "host.cpu.counter.frequency: expected an integer");
    parse_fails("{\"host\": {\"cpu\": {\"pages\": {}}}}", "host.cpu.pages: expected an array");
    parse_fails("{\"host\": {\"cpu\": {}, \"iommu\": {\"support\": true}, \"cache\": {\"banks\": [{\"id\": 0,"
                " \"level\": 3, \"type\": \"both\", \"size\": 1, \"cpus\": \"\", \"controls\": [{\"granularity\": 0,"
                " \"type\": \"both\", \"maxAllocs\": 1}]}]}}}", "host.cache.banks[0].controls[0].granularity: must be positive");
    parse_fails("{\"host\": {\"cpu\": {\"arch\": \"x\", \"\\n\\u00e9\": 1}}}", "host.cpu.\\x0a\\xc3\\xa9: unknown member");

    sibl = doc_with_cpu("{\"id\": 0, \"socket_id\": 0, \"die_id\": 0, \"cluster_id\": 0,"
                        " \"core_id\": 0, \"siblings\": \"3-1\"}");
    parse_fails(sibl, "host.topology.cells[0].cpus[0].siblings: invalid CPU list: range 3-1 is reversed");
    g_free(sibl);
    sibl = doc_with_cpu("{\"id\": 0, \"core_id\": 0}");
    parse_fails(sibl, "host.topology.cells[0].cpus[0].socket_id: missing member");
    g_free(sibl);
    sibl = doc_with_cpu("{\"id\": 0, \"socket_id\": 2147483648, \"die_id\": 0, \"cluster_id\": 0,"
                        " \"core_id\": 0, \"siblings\": \"0\"}");
    parse_fails(sibl, "host.topology.cells[0].cpus[0].socket_id: integer out of range");

    for (int i = 0; i < 8; i++)
        g_string_append_printf(many, "%s{\"id\": %d, \"socket_id\": 0, \"die_id\": 0, \"cluster_id\": 0,"
                               " \"core_id\": 0, \"siblings\": \"0-1048575\"}", i ? "," : "", i);
    budget = doc_with_cpu(many->str);
    g_string_free(many, TRUE);
    parse_fails(budget, "host.topology.cells[0].cpus[4].siblings: CPU lists of the document have too many members");

    deep = g_malloc(20001);
    memset(deep, '[', 10000);
    memset(deep + 10000, ']', 10000);
    deep[20000] = '\0';
    parse_fails(deep, "line 1 column 33: invalid JSON: nesting too deep");
    parse_fails("[]", "test.json: (top level): expected an object, got an array");
    parse_fails("null", "test.json: (top level): expected an object, got null");
    parse_fails("{\"host\": {\"cpu\": {\"arch\": \"\xff\"}}}", "invalid JSON: invalid utf-8");
}

/* Every prefix and many one-byte corruptions of a full document: errors,
 * never crashes (a cheap stand-in for the fuzzer). */
static void
test_no_crash(void)
{
    g_autoptr(VcHostCaps) caps = build_model();
    g_autofree char *json = vc_host_caps_format_json(caps);
    gsize len = strlen(json);
    static const char bytes[] = { '"', '{', '}', '[', ']', ',', ':', '0', '-', 'x', ' ', '\\', 'n' };
    GRand *rand = g_rand_new_with_seed(42);

    for (gsize i = 0; i < len; i++) {
        g_autofree char *prefix = g_strndup(json, i);
        g_autoptr(GError) err = NULL;
        g_autoptr(VcHostCaps) back = vc_host_caps_parse_json(prefix, "fuzz.json", &err);
        g_assert_true(back == NULL || i + 1 >= len);
    }
    for (int n = 0; n < 20000; n++) {
        g_autofree char *copy = g_strdup(json);
        g_autoptr(GError) err = NULL;
        g_autoptr(VcHostCaps) back = NULL;
        copy[g_rand_int_range(rand, 0, (gint32)len)] = bytes[g_rand_int_range(rand, 0, sizeof(bytes))];
        back = vc_host_caps_parse_json(copy, "fuzz.json", &err);
        g_assert_true((back == NULL) != (err == NULL));
        if (err)
            g_assert_true(g_str_has_prefix(err->message, "fuzz.json: "));
    }
    g_rand_free(rand);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json/round-trip", test_round_trip);
    g_test_add_func("/json/round-trip-empty", test_round_trip_empty);
    g_test_add_func("/json/facts/example", test_facts_example);
    g_test_add_func("/json/facts/null-deletes", test_facts_null_deletes);
    g_test_add_func("/json/facts/keyed-arrays", test_facts_keyed_arrays);
    g_test_add_func("/json/facts/delete-element", test_facts_delete_element);
    g_test_add_func("/json/facts/replace", test_facts_replace);
    g_test_add_func("/json/facts/errors", test_facts_errors);
    g_test_add_func("/json/facts/missing-file", test_facts_missing_file);
    g_test_add_func("/json/bad-input", test_bad_input);
    g_test_add_func("/json/no-crash", test_no_crash);
    return g_test_run();
}
