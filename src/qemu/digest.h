/*
 * digest.h - what the consumers of a probe need, as the cache keeps it.
 *
 * libvirt does not cache QMP replies but its derived virQEMUCaps.  The digest
 * is the same idea: libvirt's capability flags (domcaps/flags.h), computed
 * once from the raw facts, plus the replies that code other than the flag
 * computation reads.  The replies that only the flags need (the QAPI schema,
 * QOM types, QOM and device properties, command-line options: about 70% of
 * the facts) are dropped.
 *
 * A digest is facts-shaped, so every reader of facts (vc_qemu_facts_reply()
 * and _return(), probe.h) reads a digest unchanged:
 *
 *   { "digest": 1,
 *     "flags": [ "kvm", "tcg", ... ],          <- libvirt's names, set flags only
 *     "sessions": [ { "accel": "kvm:tcg",
 *                     "replies": { "query-machines": "<JSON text>", ... } } ] }
 *
 * A reply is held as its JSON text and parsed on first use (in place): a
 * warm run parses only what it reads.  So a digest tree is not safe to read
 * from two threads at once.
 *
 * Serialised (the cache's payload) it is a GVariant of VC_QEMU_DIGEST_TYPE,
 * read without copying from a mapped file.  Every consumer reads a digest
 * that went through serialisation, whether it came from the cache, a live
 * probe or a transcript (vc_qemu_digest_of_facts()), so replaying the
 * corpus runs exactly the code path of a warm run.
 */
#ifndef VC_QEMU_DIGEST_H
#define VC_QEMU_DIGEST_H

#include <glib.h>
#include <json-c/json.h>

G_BEGIN_DECLS

/* Version of the digest's content (which replies, which flags): 2 keeps
 * no QOM properties of CPU types (the flag cpu-unavailable-features
 * replaced max-x86_64-cpu's); 3 keeps only the members of query-machines
 * and query-cpu-definitions that are read. */
#define VC_QEMU_DIGEST_FORMAT 3

/* reply under key as the digest keeps it (a new reference): as is, or for
 * query-machines and query-cpu-definitions with only the members that are
 * read. */
json_object *vc_qemu_digest_stored_reply(const char *key, json_object *reply);

/* (format, flag names, [(accel, [(reply key, reply JSON text)])]) */
#define VC_QEMU_DIGEST_TYPE "(uasa(sa(say)))"

/* Whether the reply key is read only by the flag computation. */
gboolean vc_qemu_digest_drops(const char *key);

/* The digest of raw facts (probe.h) as a consumer reads it: computed,
 * serialised and read back.  A new reference. */
json_object *vc_qemu_digest_of_facts(json_object *facts);

/* The serialised digest of raw facts (floating GVariant). */
GVariant *vc_qemu_digest_serialize(json_object *facts);

/* The digest tree of a serialised one (which may come from an untrusted
 * file: any shape is safe to read); NULL and *why if it is not a digest of
 * this format. */
json_object *vc_qemu_digest_deserialize(GVariant *v, char **why);

/* Is tree a digest (rather than raw facts)? */
gboolean vc_qemu_is_digest(json_object *tree);

/* For vc_qemu_facts_reply(): value is the digest reply key of replies as
 * JSON text; parse it, put the result in its place and return it
 * (borrowed).  NULL if the text is not JSON (the entry was checksummed, so
 * only a bug gets here; it is logged). */
json_object *vc_qemu_digest_thaw(json_object *replies, const char *key, json_object *value);

/* Parse every reply now (for printing a digest whole). */
void vc_qemu_digest_thaw_all(json_object *digest);

G_END_DECLS

#endif /* VC_QEMU_DIGEST_H */
