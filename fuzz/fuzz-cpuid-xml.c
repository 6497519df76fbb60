/*
 * libvirt's CPUID test data XML (<cpudata>): vc_cpuid_parse_libvirt_xml,
 * then both writers' round trips and decoding (cpuid-check.c).
 */
#include "fuzz.h"
#include "cpuid-check.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(VcCpuidData) dump = vc_cpuid_parse_libvirt_xml((const char *)data, size, "fuzz", NULL);

    if (dump)
        vc_fuzz_check_cpuid(dump);
    return 0;
}
