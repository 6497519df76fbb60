/*
 * virtcaps' JSON CPUID dumps (docs/cpuid-dump.md): vc_cpuid_parse_json,
 * then both writers' round trips and decoding (cpuid-check.c).
 */
#include "fuzz.h"
#include "cpuid-check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(VcCpuidData) dump = vc_cpuid_parse_json((const char *)data, size, "fuzz", NULL);

    if (dump)
        vc_fuzz_check_cpuid(dump);
    return 0;
}
