/*
 * target.h - QEMU's target names (query-target's "arch", the TARGET of
 * qemu-system-TARGET) and libvirt's architecture names.
 */
#ifndef VC_QEMU_TARGET_H
#define VC_QEMU_TARGET_H

/* libvirt's name of a QEMU target (virQEMUCapsArchFromString): the same
 * name but for the few that differ. */
const char *vc_arch_from_qemu(const char *qemu_arch);

#endif
