/*
 * The host probe driver: runs each host probe in dependency order into a
 * fresh model.  The order matters only where one probe reads what another
 * found (HMAT needs the NUMA cells; the fake NUMA cell needs the arch).
 */
#include "probe/probe.h"

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
    caps->cpu.arch = vc_probe_arch(&host);
    vc_probe_host_cpu(&host, caps);
    vc_probe_misc(&host, caps);
    vc_probe_numa(&host, caps);
    vc_probe_hmat(&host, caps);
    vc_probe_cache(&host, caps);
    vc_host_clear(&host);
    return g_steal_pointer(&caps);
}
