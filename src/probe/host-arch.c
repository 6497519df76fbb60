#include "probe/probe.h"

#include <string.h>
#include <sys/utsname.h>

/* Kernel machine names that libvirt spells differently (virArchFromHost). */
static const struct {
    const char *kernel;
    const char *libvirt;
} arch_aliases[] = {
    { "i386", "i686" }, { "i486", "i686" }, { "i586", "i686" },
    { "amd64", "x86_64" }, { "arm64", "aarch64" },
};

/* The architecture comes from /proc/sys/kernel/arch (the same string as
 * uname's machine), so a recorded tree carries its own; without that file
 * the running kernel answers. */
char *
vc_probe_arch(const VcHost *host)
{
    g_autofree char *text = vc_host_read(host, "/proc/sys/kernel/arch", 256);
    struct utsname uts;
    const char *machine;

    if (text && *g_strstrip(text)) {
        machine = text;
    } else {
        if (uname(&uts) < 0)
            return g_strdup("unknown");
        machine = uts.machine;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(arch_aliases); i++)
        if (strcmp(machine, arch_aliases[i].kernel) == 0)
            return g_strdup(arch_aliases[i].libvirt);
    return g_strdup(machine);
}
