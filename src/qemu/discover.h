/*
 * discover.h - find the emulators of this host and turn them into <guest>
 * entries: discovery (qemu-system-TARGET for the QEMU targets of libvirt's
 * arch table, in PATH and the usual directories, or the binaries named, or
 * transcripts standing for binaries), libvirt's
 * choice of an emulator per guest arch (policy/guests.h), one probe per
 * distinct binary, all in parallel (parallel.h), and the guests in libvirt's
 * arch order.
 */
#ifndef VC_QEMU_DISCOVER_H
#define VC_QEMU_DISCOVER_H

#include "model/hostcaps.h"

G_BEGIN_DECLS

typedef struct {
    /* Directory standing for "/" when looking for binaries; NULL: "/". */
    const char *root;
    /* Only these binaries (paths), instead of searching. */
    const char *const *emulators;
    /* "ARCH=FILE": FILE, a .replies transcript, answers for the emulator
     * /usr/bin/qemu-system-ARCH, which serves guest ARCH (when ARCH is
     * libvirt's name of an arch).  Replays replace the search. */
    const char *const *replays;
    /* Only these guest archs (libvirt's names); NULL: all. */
    const char *const *archs;
    const char *accel;       /* first session's accelerators; NULL: kvm:tcg */
    guint timeout_ms;        /* 0: the default */
    guint max_parallel;      /* 0: the number of CPUs */
    const char *cache_dir;   /* the facts cache; NULL: the default */
    gboolean no_cache;       /* probe every emulator, store nothing */
    GPtrArray *warnings;     /* one line per emulator that could not be probed */
} VcGuestProbeOptions;

/* One emulator found: the name libvirt looks up, its path as printed, the
 * file to run (path under root) and the transcript standing for it. */
typedef struct {
    char *name;
    char *path;
    char *file;
    char *replay;
    char *pinned_arch;
} VcEmulator;

/* The emulators of opts (search, --emulator or replays), sorted by name.
 * Errors: an --emulator that is not an executable file, a bad replay spec. */
GPtrArray *vc_qemu_discover(const VcGuestProbeOptions *opts, GError **error);

/* The <guest> entries (VcGuest, in libvirt's order) for a host of arch
 * host_arch (libvirt's name).  An emulator that fails to probe is left out
 * with a warning, as libvirt leaves out a binary it cannot query.  NULL
 * and *error for an unknown guest arch or a bad --emulator/--replay. */
GPtrArray *vc_qemu_probe_guests(const char *host_arch, const VcGuestProbeOptions *opts,
                                GError **error);


G_END_DECLS

#endif
