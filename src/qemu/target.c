/*
 * target.c - QEMU target names to libvirt arch names (see target.h).
 */
#include "qemu/target.h"

#include <string.h>

#include <glib.h>

/* QEMU's target names that differ from libvirt's architecture names. */
static const struct {
    const char *qemu;
    const char *libvirt;
} qemu_arches[] = {
    { "i386", "i686" },
    { "arm", "armv7l" },
    { "or32", "openrisc" },
};

const char *
vc_arch_from_qemu(const char *qemu_arch)
{
    for (gsize i = 0; i < G_N_ELEMENTS(qemu_arches); i++)
        if (strcmp(qemu_arches[i].qemu, qemu_arch) == 0)
            return qemu_arches[i].libvirt;
    return qemu_arch;
}
