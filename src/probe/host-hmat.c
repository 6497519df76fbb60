#include "probe/probe.h"

void
vc_probe_hmat(const VcHost *host, VcHostCaps *caps)
{
    (void)host;
    (void)caps;
}
