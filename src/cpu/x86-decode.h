/*
 * Decoding raw x86 CPUID data with the feature database: vendor, signature
 * and the features present, in libvirt's order and spelling.  Choosing the
 * closest CPU model (and so the subset libvirt prints) is the model
 * database's job, not this one's.
 */
#ifndef VC_CPU_X86_DECODE_H
#define VC_CPU_X86_DECODE_H

#include "cpu/x86-features.h"

typedef struct {
    char vendor_string[13];       /* CPUID leaf 0, "" when absent */
    const VcX86Vendor *vendor;    /* NULL: libvirt knows no such vendor */
    gboolean has_signature;       /* leaf 1 present */
    guint32 signature;            /* leaf 1 eax & 0x0fff3fff (libvirt's mask) */
    guint family;
    guint model;
    guint stepping;
    GPtrArray *features;          /* const VcX86Feature *, libvirt's order */
} VcX86Decoded;

VcX86Decoded *vc_x86_decode(const VcX86FeatureDb *db, const VcCpuidData *data);
void vc_x86_decoded_free(VcX86Decoded *decoded);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcX86Decoded, vc_x86_decoded_free)

gboolean vc_x86_decoded_has(const VcX86Decoded *decoded, const char *name);

#endif
