/*
 * What the host facts, firmware and cache harnesses share: a fixed x86_64
 * digest, a host like the one libvirt's test harness fakes, and building
 * domain capabilities from them (the code every accepted input feeds).
 */
#ifndef VC_FUZZ_DOMCAPS_CHECK_H
#define VC_FUZZ_DOMCAPS_CHECK_H

#include <json-c/json.h>

#include "domcaps/firmware.h"
#include "domcaps/hostfacts.h"

/* The digest of tests/qemu/data/debian-7.2-x86_64.replies, made once. */
json_object *vc_fuzz_x86_digest(void);

/* A new host: x86_64, swtpm with TPM 2.0, SEV ASIDs, host CPU Broadwell,
 * no firmware directories (harnesses pass descriptors themselves). */
VcHostFacts *vc_fuzz_host_facts(void);

/* Build the domain capabilities of digest on host with firmwares for the
 * best accelerator and for TCG; every document that builds must be
 * well-formed XML, every error one line. */
void vc_fuzz_check_domcaps(json_object *digest, const VcHostFacts *host,
                           const GPtrArray *firmwares);

/* Fail naming what unless xml is well-formed (libxml2). */
void vc_fuzz_check_xml(const char *what, const char *xml);

/* Drop the library's log messages (a fuzzed input makes many) but abort on
 * a critical: a failed g_return_if_fail is a bug. */
void vc_fuzz_quiet_logs(void);

#endif
