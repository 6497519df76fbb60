#include "probe/probe.h"

void
vc_probe_host_cpu(const VcHost *host, VcHostCaps *caps)
{
    (void)host;
    (void)caps;
}
