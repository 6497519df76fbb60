/*
 * cache.h - a persistent cache of QEMU probe facts, one file per binary.
 *
 * The cache answers only when its key equals, member by member, the key
 * computed now from everything that can change what the probe would say:
 * the binary (canonical path, size, mtime and ctime in ns, device, inode),
 * the .so files of every directory QEMU loads modules from, virtcaps itself
 * (version, facts and cache format numbers, the library file), the kernel
 * (release and build), KVM (/dev/kvm usable, every kvm* module parameter,
 * /dev/sev, s390 prot_virt_host), the host CPU (signature, microcode,
 * flags) and the accelerator list.  The key is stored in the file and
 * compared in full; a hash of the canonical path and the accelerator list
 * only names the file.  Details and threat model: docs/cache.md.
 *
 * Location: opts->cache_dir, else /var/cache/virtcaps for root, else
 * $XDG_CACHE_HOME/virtcaps (default ~/.cache/virtcaps).  Every problem with
 * the cache (unsafe directory, foreign or corrupt file, full disk,
 * read-only directory) is one warning naming the file, and the answer then
 * comes from a probe: the cache never causes a wrong answer or a failure.
 */
#ifndef VC_QEMU_CACHE_H
#define VC_QEMU_CACHE_H

#include "qemu/probe.h"

G_BEGIN_DECLS

/* Version of the cache file layout (docs/cache.md): 1 was the raw facts as
 * JSON, 2 the digest as a checksummed GVariant. */
#define VC_QEMU_CACHE_FORMAT 2

/* The key's parts shared by the emulators of one request (see cache.c):
 * computed once, thread-safe.  Scope it to a request: parts are not
 * recomputed while it lives. */
typedef struct _VcQemuKeyMemo VcQemuKeyMemo;

VcQemuKeyMemo *vc_qemu_key_memo_new(void);
void vc_qemu_key_memo_free(VcQemuKeyMemo *memo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcQemuKeyMemo, vc_qemu_key_memo_free)

typedef struct {
    const char *cache_dir;  /* NULL: the default location (above) */
    gboolean no_cache;      /* probe; neither read nor write the cache */
    guint timeout_ms;       /* limit of QEMU's start and each exchange; 0: default */
    const char *accel;      /* first session's accelerators; NULL: "kvm:tcg" */
    GPtrArray *warnings;    /* one-line warnings are appended (owned strings);
                             * NULL: logged at G_LOG_LEVEL_MESSAGE */
    /* For tests: read /proc, /sys and /dev under root, and key on version
     * instead of vc_version().  NULL: the running host, the real version. */
    const char *root;
    const char *version;
    /* Shared key parts of the request (NULL: every part computed each
     * time).  The key text is the same either way. */
    VcQemuKeyMemo *memo;
} VcQemuCacheOptions;

/* The digest (qemu/digest.h) of binary's facts (binary: a path, or a name
 * looked up in PATH), from the cache when its key matches, else from a live
 * probe (then stored).  Either way it is read back from the serialised
 * form a warm run reads.  opts may be NULL.  *from_cache (may be NULL)
 * tells which.  Concurrent callers on the same cache probe a binary once:
 * the others wait for its entry.  Errors are the probe's (one line naming
 * the binary).  Threads may call it at once (the lock is per open file),
 * each with its own warnings array. */
json_object *vc_qemu_digest_for_binary(const char *binary, const VcQemuCacheOptions *opts,
                                       gboolean *from_cache, GError **error);

/* For tests of the remembered directory listings of the key's "modules"
 * member (docs/cache.md): hook is called with each directory the key
 * lists (rather than taking its names from a remembered listing); clock
 * stands in for CLOCK_REALTIME (ns) in the rule that only directories
 * whose times are 2 s old are remembered.  NULL: none, the real clock. */
void vc_qemu_cache_set_list_hook(void (*hook)(const char *dir));
void vc_qemu_cache_set_clock_hook(gint64 (*clock)(void));

/* The directory opts would use (opts may be NULL). */
char *vc_qemu_cache_dir(const VcQemuCacheOptions *opts);

/* The current key of the canonical binary path canon under opts (see
 * above).  Exposed for `virtcaps cache show` and tests. */
json_object *vc_qemu_cache_key(const char *canon, const VcQemuCacheOptions *opts);

typedef struct {
    char *file;          /* the entry's file name in the cache directory */
    char *binary;        /* the canonical binary path; NULL if unreadable */
    char *accel;
    char *summary;       /* one line: QEMU version, kernel, KVM, CPU */
    gint64 age_s;        /* seconds since written */
    goffset size;        /* bytes */
    gboolean valid;      /* the stored key equals the current one */
    char *problem;       /* why the file is not a usable entry, else NULL */
} VcQemuCacheEntry;

void vc_qemu_cache_entry_free(VcQemuCacheEntry *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcQemuCacheEntry, vc_qemu_cache_entry_free)

/* The entries of the cache directory of opts, sorted by binary.  A missing
 * directory has none; an unsafe one is an error. */
GPtrArray *vc_qemu_cache_list(const VcQemuCacheOptions *opts, GError **error);

/* Remove every entry, lock and leftover temporary file; *removed (may be
 * NULL) counts the entries. */
gboolean vc_qemu_cache_clear(const VcQemuCacheOptions *opts, guint *removed, GError **error);

/* A value derived from a binary's digest (qemu/digest.h) by derive (which
 * returns a new reference of type), kept in the cache beside the digest as
 * NAME-ENTRY.blob under the key text the digest was found under: a warm
 * run reads the small value instead of the digest, and the value can be no
 * staler than the digest.  On a miss, or a stored value of another shape,
 * the digest is read (or probed) and derived again.  name is a short word
 * ([A-Za-z0-9_-]).  NULL and *error when the digest cannot be had. */
typedef GVariant *(*VcQemuDeriveFunc)(json_object *digest);
GVariant *vc_qemu_derived_for_binary(const char *binary, const VcQemuCacheOptions *opts,
                                     const char *name, const GVariantType *type,
                                     VcQemuDeriveFunc derive, GError **error);

/* Small text blobs: the answer of another slow probe (swtpm_setup's
 * capabilities), kept in the same directory under the same rules (checked
 * 0700 directory, O_NOFOLLOW, owner check, CRC, atomic write) as a file
 * NAME.blob that holds the key's text and the blob's.  name is a short word
 * ([A-Za-z0-9_-]).  load returns the text only when the stored key is key
 * (member by member: the same text); any problem with the file is one
 * warning (opts->warnings) and NULL, so that the caller probes; a missing
 * or outdated file is silently NULL.  store writes atomically; a failure is
 * one warning.  Both do nothing with opts->no_cache.  opts may be NULL. */
char *vc_cache_blob_load(const VcQemuCacheOptions *opts, const char *name, const char *key);
void vc_cache_blob_store(const VcQemuCacheOptions *opts, const char *name, const char *key,
                         const char *text);
/* A blob key's common members: cache format, virtcaps' version and the
 * file holding this code (a rebuilt virtcaps invalidates).  A new object. */
json_object *vc_cache_blob_key_new(void);
/* What identifies the version of the file path resolves to: its canonical
 * path, size, mtime and ctime in ns, device and inode; NULL if it cannot
 * be resolved or stat'ed. */
json_object *vc_cache_file_stamp(const char *path);
/* A key's text as stored and compared. */
char *vc_cache_key_text(json_object *key);
/* The facts key's "kvm" member under root ("" for this host): /dev/kvm
 * present and usable by us, every kvm* module parameter, /dev/sev, s390
 * prot_virt_host.  A new object. */
json_object *vc_cache_kvm_key(const char *root);

G_END_DECLS

#endif /* VC_QEMU_CACHE_H */
