/*
 * Facts files: the input is written to a file and applied with
 * vc_host_caps_apply_facts_file (the CLI's --facts path: read, tokenize,
 * merge patch, back to a model) over a fixed model with cells, pages,
 * caches and secmodels to merge into; an accepted result must round-trip.
 */
#include "fuzz.h"
#include "caps-roundtrip.h"

/* A small but complete model (cut down from a two-node fixture). */
static const char base_json[] =
    "{\"host\": {\"uuid\": \"4c4c4544-0000-1010-8000-b3c04f4e3432\","
    " \"cpu\": {\"arch\": \"x86_64\", \"vendor\": \"Intel\","
    "  \"microcode\": {\"version\": 1}, \"signature\": {\"family\": 6, \"model\": 85, \"stepping\": 4},"
    "  \"topology\": {\"sockets\": 1, \"dies\": 1, \"clusters\": 1, \"cores\": 2, \"threads\": 2},"
    "  \"features\": [], \"pages\": [{\"size\": 4}, {\"size\": 2048}]},"
    " \"power_management\": [\"suspend_mem\"], \"iommu\": {\"support\": true},"
    " \"migration_features\": {\"live\": true, \"uri_transports\": [\"tcp\", \"rdma\"]},"
    " \"topology\": {\"cells\": ["
    "  {\"id\": 0, \"memory\": 1048576, \"pages\": [{\"size\": 4, \"count\": 2048}],"
    "   \"distances\": [{\"id\": 0, \"value\": 10}, {\"id\": 1, \"value\": 21}], \"caches\": [],"
    "   \"cpus\": [{\"id\": 0, \"socket_id\": 0, \"die_id\": 0, \"cluster_id\": 0, \"core_id\": 0, \"siblings\": \"0-1\"},"
    "            {\"id\": 1, \"socket_id\": 0, \"die_id\": 0, \"cluster_id\": 0, \"core_id\": 0, \"siblings\": \"0-1\"}]},"
    "  {\"id\": 1, \"memory\": 2097152, \"pages\": [], \"distances\": [], \"caches\": [], \"cpus\": []}],"
    "  \"interconnects\": []},"
    " \"cache\": {\"banks\": [{\"id\": 0, \"level\": 3, \"type\": \"both\", \"size\": 4194304,"
    "   \"cpus\": \"0-1\", \"controls\": []}]},"
    " \"secmodels\": [{\"model\": \"none\", \"doi\": \"0\", \"baselabels\": []}]}}";

static VcHostCaps *
base_caps(void)
{
    g_autoptr(GError) error = NULL;
    VcHostCaps *caps = vc_host_caps_parse_json(base_json, "base", &error);

    if (!caps)
        vc_fuzz_fail("the harness's base model does not parse", error->message);
    return caps;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *path = g_build_filename(vc_fuzz_tmpdir(), "facts.json", NULL);
    g_autoptr(VcHostCaps) caps = base_caps();

    vc_fuzz_put_file(vc_fuzz_tmpdir(), "facts.json", (const char *)data, size);
    if (vc_host_caps_apply_facts_file(&caps, path, NULL))
        vc_fuzz_check_caps_roundtrip(caps);
    return 0;
}
