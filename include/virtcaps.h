/*
 * virtcaps.h - the public API of libvirtcaps.
 *
 * libvirtcaps tells management software what a virtualization host can do, in
 * the same XML documents that libvirt publishes (`virsh capabilities`), without
 * a daemon.  The pipeline is:
 *
 *   probe (host files under a root prefix) -> capability model -> formatter
 *
 * Every function that can fail takes a GError ** and returns FALSE or NULL on
 * failure with the error set; warnings about unreadable or malformed host files
 * are collected in the probe options and never abort the probe.
 */
#ifndef VIRTCAPS_H
#define VIRTCAPS_H

#include <glib.h>

G_BEGIN_DECLS

#define VIRTCAPS_ERROR (virtcaps_error_quark())
GQuark virtcaps_error_quark(void);

typedef enum {
    VIRTCAPS_ERROR_IO,        /* a file could not be read or written */
    VIRTCAPS_ERROR_PARSE,     /* a file or reply had malformed contents */
    VIRTCAPS_ERROR_INVALID,   /* a caller passed an invalid argument */
} VirtcapsError;

/* The host capabilities model; see src/model/hostcaps.h for its fields. */
typedef struct _VcHostCaps VcHostCaps;

typedef struct {
    /* Directory that stands for "/" when reading /sys, /proc, /dev and /etc;
     * NULL or "/" for the running host. */
    const char *root;
    /* Filled with one human readable line per problem found in host files;
     * may be NULL when the caller does not want them. */
    GPtrArray *warnings;
    /* When set, every host file the probe reads is copied under this
     * directory, which then replays the same answers as a --root. */
    const char *record_dir;
    /* Answers that are slow to get on the running host (the KVM TSC
     * frequency: a child process and a VM) are kept in the cache of QEMU
     * facts (docs/cache.md) under a key of what could change them.
     * cache_dir: its directory; NULL for the default (/var/cache/virtcaps
     * for root, else $XDG_CACHE_HOME/virtcaps).  no_cache: ask every time,
     * write nothing.  Not used under a root, which carries its answers. */
    const char *cache_dir;
    gboolean no_cache;
} VcProbeOptions;

/* Probe the host (through opts->root) into a new capability model. */
VcHostCaps *vc_host_caps_probe(const VcProbeOptions *opts, GError **error);

/* libvirt's name of the host's arch, as vc_host_caps_probe() reports it in
 * <host><cpu><arch> (through opts->root; warnings are left to the probe):
 * enough to start probing the guests while the host is probed. */
char *vc_host_arch(const VcProbeOptions *opts);

/* Apply a facts file (a JSON merge patch over the model's JSON form, see the
 * README) to a probed model. */
gboolean vc_host_caps_apply_facts_file(VcHostCaps **caps, const char *path,
                                       GError **error);

/* Format the model as libvirt's capabilities XML or as virtcaps JSON.  The
 * caller frees the result with g_free(). */
char *vc_host_caps_format_xml(const VcHostCaps *caps);
char *vc_host_caps_format_json(const VcHostCaps *caps);

/* Parse the JSON form back into a model (the inverse of format_json). */
VcHostCaps *vc_host_caps_parse_json(const char *json, const char *source,
                                    GError **error);

void vc_host_caps_free(VcHostCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcHostCaps, vc_host_caps_free)

const char *vc_version(void);

G_END_DECLS

#endif /* VIRTCAPS_H */
