/*
 * libvirt's rules from QEMU facts to <guest> entries (libvirt 10.7
 * src/qemu/qemu_capabilities.c: virQEMUCapsInit, virQEMUCapsGetDefaultEmulator,
 * virQEMUCapsInitGuestFromBinary, virQEMUCapsGetMachineTypesCaps,
 * virQEMUCapsProbeQMPMachineTypes), as tables.  Policy never touches a file
 * or a socket: it works on emulator names and facts trees.
 */
#ifndef VC_POLICY_GUESTS_H
#define VC_POLICY_GUESTS_H

#include <json-c/json.h>

#include "model/hostcaps.h"

G_BEGIN_DECLS

/* An emulator that could serve guests: name is the file name libvirt looks
 * up ("qemu-system-x86_64", "qemu-kvm"), path what <emulator> prints;
 * pinned_arch, when set, is a guest arch it serves before any lookup (as
 * libvirt's tests call virQEMUCapsInitGuestFromBinary for one arch). */
typedef struct {
    const char *name;
    const char *path;
    const char *pinned_arch;
} VcEmulatorRef;

/* The guest archs in libvirt's order (virArch), NULL-terminated. */
const char *const *vc_guest_arch_names(void);
/* Whether name is one of them. */
gboolean vc_guest_arch_known(const char *name);
/* QEMU's target names of those archs (qemu-system-TARGET), each once, in
 * that order, NULL-terminated: the binaries libvirt looks up in PATH. */
const char *const *vc_guest_qemu_targets(void);

/* For every guest arch in libvirt's order, the index of the emulator in
 * emulators that libvirt would run it with on a host of host_arch, or -1.
 * archs (NULL: all) restricts the guest archs considered. */
GArray *vc_guests_assign(const char *host_arch, const VcEmulatorRef *emulators,
                         guint n_emulators, const char *const *archs);

/* What a <guest> entry takes from an emulator's facts, small and
 * serialisable, so that the cache keeps it beside the facts and a warm run
 * reads it instead of the facts: (tcg, kvm, hvf, then the machines as
 * libvirt keeps them in columns: names and canonical names ("" for none),
 * each a NUL-terminated string after the other, maxCpus, deprecated).  A
 * new reference. */
#define VC_GUEST_SUMMARY_TYPE "(bbbayayauay)"
GVariant *vc_guest_summary_new(json_object *facts);
/* The <guest> entry for guest arch on emulator_path from a summary. */
VcGuest *vc_guest_from_summary(const char *arch, const char *emulator_path, GVariant *summary);

G_END_DECLS

#endif
