/*
 * The host CPU's <model> and <feature>s for `virtcaps capabilities`: the
 * CPUID instruction on the running host (recorded as
 * ROOT/.virtcaps/cpuid.json when recording), or that dump under a root.
 */
#ifndef VC_CPU_HOST_MODEL_H
#define VC_CPU_HOST_MODEL_H

#include "util/vc-file.h"

/* Set *model and append feature names (libvirt's order) for an x86 host.
 * Nothing is set when a root has no dump; problems are warnings naming the
 * file (the dump or a data file). */
void vc_cpu_probe_host_model(const VcHost *host, char **model, GPtrArray *features);

/* Decoding can be switched off (VIRTCAPS_NO_CPU_MODEL=1) to measure its cost. */
#define VC_CPU_NO_MODEL_ENV "VIRTCAPS_NO_CPU_MODEL"

#endif
