/*
 * firmware.h - QEMU firmware descriptors (QEMU's docs/interop/firmware.json).
 *
 * Descriptors are *.json files in a list of directories of increasing
 * precedence (/usr/share/qemu/firmware < /etc/qemu/firmware <
 * $XDG_CONFIG_HOME/qemu/firmware): a file overrides the same-named file of
 * a lower directory, an empty file masks it, and the result is used in
 * order of file name.  A file that cannot be parsed is skipped with a
 * warning naming it.
 */
#ifndef VC_DOMCAPS_FIRMWARE_H
#define VC_DOMCAPS_FIRMWARE_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    VC_FIRMWARE_IFACE_BIOS = 1 << 0,
    VC_FIRMWARE_IFACE_UEFI = 1 << 1,
} VcFirmwareInterface;

typedef struct {
    char *arch;          /* libvirt's arch name (i686, armv7l, x86_64, ...) */
    GPtrArray *machines; /* glob patterns */
} VcFirmwareTarget;

typedef struct {
    char *path;              /* the descriptor file */
    guint interfaces;        /* VcFirmwareInterface bits */
    gboolean requires_smm;
    char *executable;        /* the firmware image */
    char *nvram_template;    /* NULL if none */
    GPtrArray *targets;      /* VcFirmwareTarget * */
} VcFirmware;

/* Load the descriptors of dirs (char *, lowest precedence first); warnings
 * (may be NULL) gets one line per skipped file. */
GPtrArray *vc_firmware_load(const GPtrArray *dirs, GPtrArray *warnings);
/* Parse one descriptor; errors name the file. */
VcFirmware *vc_firmware_parse(const char *path, const char *json, GError **error);
/* Does a target of fw have arch and a machine pattern matching machine? */
gboolean vc_firmware_matches(const VcFirmware *fw, const char *arch, const char *machine);
void vc_firmware_free(VcFirmware *fw);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcFirmware, vc_firmware_free)

G_END_DECLS

#endif /* VC_DOMCAPS_FIRMWARE_H */
