/*
 * probe.h - ask an emulator what it can do, over QMP, into one facts tree.
 *
 * The probe runs the queries of libvirt's virQEMUCapsInitQMPMonitor (same
 * commands, same arguments, same order) in a session started with
 * -machine none,accel=kvm:tcg and, when that session was accelerated (KVM
 * enabled, or HVF requested) and TCG exists, a second session with
 * accel=tcg for the TCG CPU models, CPU expansion and machine types.  A
 * command is only sent if QEMU's query-qmp-schema lists it (and, for some,
 * if qom-list-types lists the type that makes it meaningful, as libvirt's
 * capability conditions do).
 *
 * The facts are a json-c tree, serialisable as is, the same whether the
 * source was live or a transcript:
 *
 *   {
 *     "format": 1,
 *     "sessions": [
 *       { "accel": "kvm:tcg",                 <- the accelerator list asked for
 *         "replies": {
 *           "query-version": { "return": { "qemu": {...}, "package": "..." } },
 *           "query-kvm": { "return": { "enabled": true, "present": true } },
 *           "device-list-properties:virtio-blk-pci": { "return": [ ... ] },
 *           "device-list-properties:virtio-net-ccw":
 *               { "error": { "class": "DeviceNotFound", "desc": "..." } },
 *           "qom-list-properties:none-machine": { "return": [ ... ] },
 *           "query-cpu-model-expansion:static:host": { "return": {...} },
 *           "query-cpu-model-expansion:static:host:migratable=false": {...},
 *           "query-cpu-model-expansion:full:host:migratable=false,hv-passthrough=true": {...},
 *           "query-sev-capabilities": { "error": { "class": "GenericError", ... } },
 *           ...
 *         } },
 *       { "accel": "tcg", "replies": { "query-cpu-definitions": ..., ... } }
 *     ]
 *   }
 *
 * Every reply is stored raw, exactly as QEMU sent it minus its id; a failed
 * optional command is a fact too ({"error": ...}).  Reply keys are built by
 * vc_qemu_fact_key(); readers use vc_qemu_facts_reply()/_return().  The
 * binary's path, the cache key and timing are not facts: the caller knows
 * them.
 */
#ifndef VC_QEMU_PROBE_H
#define VC_QEMU_PROBE_H

#include "qemu/transport.h"

G_BEGIN_DECLS

#define VC_QEMU_FACTS_FORMAT 1

typedef struct {
    /* The first session's accelerator list; NULL means "kvm:tcg".  A list
     * starting with "hvf" counts as accelerated, as on macOS. */
    const char *accel;
} VcQemuProbeOptions;

/* Probe src into a new facts tree (see above).  Errors are one line naming
 * the source and, where there is one, the command. */
json_object *vc_qemu_probe(VcQemuSource *src, const VcQemuProbeOptions *opts, GError **error);

/* The key of a command in "replies":
 *   no arguments                          -> "EXECUTE"
 *   {"typename": T}                       -> "EXECUTE:T"
 *   {"type": X, "model": {"name": M, "props": {K: V, ...}}}
 *                                         -> "EXECUTE:X:M[:K=V,...]" (props in order)
 *   anything else                         -> "EXECUTE:" + canonical JSON of the arguments */
char *vc_qemu_fact_key(const char *execute, json_object *args);

/* Borrowed: the reply stored under key in session i (0-based), or NULL. */
json_object *vc_qemu_facts_reply(json_object *facts, guint session, const char *key);
/* Borrowed: that reply's "return" value, or NULL if absent or an error. */
json_object *vc_qemu_facts_return(json_object *facts, guint session, const char *key);
guint vc_qemu_facts_n_sessions(json_object *facts);

G_END_DECLS

#endif /* VC_QEMU_PROBE_H */
