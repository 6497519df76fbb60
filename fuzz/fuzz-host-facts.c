/*
 * The domain capabilities host facts file (--host-facts): the input is
 * written to a file and applied with vc_host_facts_apply_file over a fixed
 * host; an accepted file then builds domain capabilities of a fixed x86_64
 * digest, which must be well-formed XML.  A rejected file is one error
 * naming it.
 */
#include "fuzz.h"
#include "domcaps-check.h"

#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *path = g_build_filename(vc_fuzz_tmpdir(), "host-facts.json", NULL);
    g_autoptr(VcHostFacts) host = vc_fuzz_host_facts();
    g_autoptr(GPtrArray) no_firmware = g_ptr_array_new();
    g_autoptr(GError) error = NULL;

    vc_fuzz_quiet_logs();
    vc_fuzz_put_file(vc_fuzz_tmpdir(), "host-facts.json", (const char *)data, size);
    if (!vc_host_facts_apply_file(host, path, &error)) {
        if (!g_str_has_prefix(error->message, path) || strchr(error->message, '\n'))
            vc_fuzz_fail("a host facts error is not one line naming the file", error->message);
        return 0;
    }
    vc_fuzz_check_domcaps(vc_fuzz_x86_digest(), host, no_firmware);
    return 0;
}
