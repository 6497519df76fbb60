/*
 * The host probe driver: runs each host probe in dependency order into a
 * fresh model.  The order matters only where one probe reads what another
 * found (HMAT needs the NUMA cells; the fake NUMA cell needs the arch).
 */
#include "probe/probe.h"

/* libvirt describes the host CPU (and its <topology>) only when it could
 * read /proc/cpuinfo; dies and clusters are always 1 there (virCPUGetHost). */
static void
probe_cpu_topology(const VcHost *host, VcHostCaps *caps)
{
    VcNodeInfo info;

    if (!vc_host_exists(host, "/proc/cpuinfo") ||
        !vc_probe_node_info(host, caps->cpu.arch, &info))
        return;
    caps->cpu.has_topology = TRUE;
    caps->cpu.sockets = info.sockets;
    caps->cpu.dies = 1;
    caps->cpu.clusters = 1;
    caps->cpu.cores = info.cores;
    caps->cpu.threads = info.threads;
}

VcHostCaps *
vc_host_caps_probe(const VcProbeOptions *opts, GError **error)
{
    g_autoptr(VcHostCaps) caps = vc_host_caps_new();
    VcHost host;

    if (opts && opts->root && *opts->root &&
        !g_file_test(opts->root, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_INVALID,
                    "root %s is not a directory", opts->root);
        return NULL;
    }
    vc_host_init(&host, opts ? opts->root : NULL, opts ? opts->warnings : NULL);
    if (opts && opts->record_dir)
        vc_host_set_record_dir(&host, opts->record_dir);
    caps->cpu.arch = vc_probe_arch(&host);
    vc_probe_host_cpu(&host, opts, caps);
    probe_cpu_topology(&host, caps);
    vc_probe_misc(&host, caps);
    vc_probe_numa(&host, caps);
    vc_probe_hmat(&host, caps);
    vc_probe_cache(&host, caps);
    vc_host_clear(&host);
    return g_steal_pointer(&caps);
}

char *
vc_host_arch(const VcProbeOptions *opts)
{
    VcHost host;
    char *arch;

    vc_host_init(&host, opts ? opts->root : NULL, NULL);
    arch = vc_probe_arch(&host);
    vc_host_clear(&host);
    return arch;
}
