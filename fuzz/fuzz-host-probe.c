/*
 * The host probe on a fuzzed tree: the input is split at VC_FUZZ_SEPARATOR
 * into the files of host-probe-files.h (piece i is file i; a file with no
 * piece is absent, an empty piece an empty file), written under one reused
 * temporary root; then vc_host_caps_probe runs with that root and the model
 * is formatted as XML and JSON, and the JSON must read back.
 */
#include "fuzz.h"

#include <string.h>

#include "virtcaps.h"

#include "host-probe-files.h"

static void
write_tree(const char *root, const uint8_t *data, size_t size)
{
    const uint8_t *piece = data;
    const uint8_t *end = data + size;

    for (gsize i = 0; i < G_N_ELEMENTS(vc_fuzz_host_files); i++) {
        const uint8_t *sep;

        if (!piece) {
            vc_fuzz_put_file(root, vc_fuzz_host_files[i], NULL, 0);
            continue;
        }
        sep = memchr(piece, VC_FUZZ_SEPARATOR, (size_t)(end - piece));
        vc_fuzz_put_file(root, vc_fuzz_host_files[i], (const char *)piece,
                         (gsize)((sep ? sep : end) - piece));
        piece = sep ? sep + 1 : NULL;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    VcProbeOptions opts = { .root = vc_fuzz_tmpdir(), .warnings = warnings };
    g_autoptr(VcHostCaps) caps = NULL;
    g_autoptr(VcHostCaps) back = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *json = NULL;

    write_tree(opts.root, data, size);
    if (!(caps = vc_host_caps_probe(&opts, &error)))
        vc_fuzz_fail("probe failed", error->message);
    xml = vc_host_caps_format_xml(caps);
    json = vc_host_caps_format_json(caps);
    if (!xml || !*xml)
        vc_fuzz_fail("XML formatter", "empty document");
    /* What we print we must be able to read back (facts files build on it). */
    if (!(back = vc_host_caps_parse_json(json, "probe output", &error)))
        vc_fuzz_fail("probe output JSON does not parse", error->message);
    return 0;
}
