/*
 * machines.h - accelerators' machine lists (see machines.c).
 */
#ifndef VC_DOMCAPS_MACHINES_H
#define VC_DOMCAPS_MACHINES_H

#include <json-c/json.h>

#include "domcaps/policy.h"

G_BEGIN_DECLS

/* A query-machines reply as libvirt keeps it: without "none", libvirt's
 * preferred machine (else QEMU's default) first.  The VcMachine strings are
 * borrowed from machines. */
GArray *vc_machines_from_reply(json_object *machines, const char *arch);
const VcMachine *vc_machines_find(const GArray *machines, const char *name);
/* The machine that name is an alias of, else name. */
const char *vc_machines_canonical(const GArray *machines, const char *name);

G_END_DECLS

#endif /* VC_DOMCAPS_MACHINES_H */
