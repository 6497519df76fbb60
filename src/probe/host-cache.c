#include "probe/probe.h"

void
vc_probe_cache(const VcHost *host, VcHostCaps *caps)
{
    (void)host;
    (void)caps;
}
