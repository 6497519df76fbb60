/*
 * KVM's supported CPUID: what KVM can offer guests (KVM_GET_SUPPORTED_CPUID
 * on /dev/kvm), a different and usually smaller set than the CPUID
 * instruction's.  It is read into the same plain VcCpuidData (cpuid.h), so
 * it decodes, diffs, records and replays like a host dump; under a root it
 * is the recorded ROOT/.virtcaps/kvm-cpuid.json.  See docs/cpuid-dump.md.
 */
#ifndef VC_CPU_KVM_CPUID_H
#define VC_CPU_KVM_CPUID_H

#include "cpu/cpuid.h"

/* Where a recorded KVM set replaces /dev/kvm under --root DIR. */
#define VC_KVM_CPUID_ROOT_DUMP ".virtcaps/kvm-cpuid.json"

/* KVM_GET_SUPPORTED_CPUID on kvm_path (NULL: /dev/kvm), growing the entry
 * array on E2BIG as libvirt does.  Errors name the device; on non-x86 it
 * is VIRTCAPS_ERROR_INVALID. */
VcCpuidData *vc_kvm_cpuid_read(const char *kvm_path, GError **error);

/* For NULL or "/" the running host's /dev/kvm, otherwise the dump
 * ROOT/.virtcaps/kvm-cpuid.json (G_FILE_ERROR_NOENT when there is none). */
VcCpuidData *vc_kvm_cpuid_acquire(const char *root, GError **error);

#endif
