#include "probe/probe.h"

void
vc_probe_misc(const VcHost *host, VcHostCaps *caps)
{
    (void)host;
    /* libvirt's QEMU driver: offline and live migration over tcp and rdma. */
    caps->migration_offline = TRUE;
    caps->migration_live = TRUE;
    g_ptr_array_add(caps->uri_transports, g_strdup("tcp"));
    g_ptr_array_add(caps->uri_transports, g_strdup("rdma"));
}
