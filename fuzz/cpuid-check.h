/*
 * What the CPUID dump harnesses do with an accepted dump: both writers, each
 * writer's round trip through its reader (stable bytes), and decoding with
 * the feature database as `virtcaps` would.
 */
#ifndef VC_FUZZ_CPUID_CHECK_H
#define VC_FUZZ_CPUID_CHECK_H

#include "cpu/cpuid.h"

void vc_fuzz_check_cpuid(const VcCpuidData *data);

#endif
