/*
 * The aarch64 and ppc64 /proc/cpuinfo readers: the input is a cpuinfo text
 * given to vc_arm_cpu_data_from_cpuinfo + vc_arm_cpu_decode and to
 * vc_ppc64_pvr_from_cpuinfo + vc_ppc64_cpu_find, with the shipped maps.
 * Errors become host warnings: each must be one line of valid UTF-8.
 */
#include "fuzz.h"

#include <string.h>

#include "cpu/arm-cpu.h"
#include "cpu/ppc64-cpu.h"

static void
check_error(const GError *error)
{
    if (!error || strchr(error->message, '\n') || !g_utf8_validate(error->message, -1, NULL))
        vc_fuzz_fail("a cpuinfo error is not one line of UTF-8",
                     error ? error->message : "(no error)");
}

static const VcArmCpuMap *
arm_map(void)
{
    static VcArmCpuMap *map;
    g_autoptr(GError) error = NULL;

    if (!map && !(map = vc_arm_cpu_map_load_default(&error)))
        vc_fuzz_fail("arm-cpu-map.json", error->message);
    return map;
}

static const VcPpc64CpuMap *
ppc64_map(void)
{
    static VcPpc64CpuMap *map;
    g_autoptr(GError) error = NULL;

    if (!map && !(map = vc_ppc64_cpu_map_load_default(&error)))
        vc_fuzz_fail("ppc64 maps", error->message);
    return map;
}

static void
run_arm(const char *text)
{
    g_autoptr(GError) error = NULL;
    g_auto(VcArmHostCpu) cpu = { 0 };
    VcArmCpuData data = { 0 };

    if (!vc_arm_cpu_data_from_cpuinfo(arm_map(), text, "/proc/cpuinfo", &data, &error)) {
        check_error(error);
        return;
    }
    if (data.implementer > 0xff || data.part > 0xfff)
        vc_fuzz_fail("arm cpuinfo", "implementer or part out of range");
    if (!vc_arm_cpu_decode(arm_map(), &data, &cpu, &error))
        check_error(error);
}

static void
run_ppc64(const char *text)
{
    g_autoptr(GError) error = NULL;
    guint32 pvr = 0;

    if (!vc_ppc64_pvr_from_cpuinfo(text, "/proc/cpuinfo", &pvr, &error)) {
        check_error(error);
        return;
    }
    (void)vc_ppc64_cpu_find(ppc64_map(), pvr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = vc_fuzz_strndup(data, size);

    run_arm(text);
    run_ppc64(text);
    return 0;
}
