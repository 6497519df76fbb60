/*
 * A set of small non-negative integers (CPU and node numbers) with libvirt's
 * list syntax "0-3,8,10-11".  Kept sorted and unique, so two bitmaps with the
 * same members always format the same.
 */
#ifndef VC_UTIL_BITMAP_H
#define VC_UTIL_BITMAP_H

#include <glib.h>

typedef struct _VcBitmap VcBitmap;

/* Largest member accepted when parsing: sysfs never lists CPUs this high, and
 * the bound keeps a garbage file from allocating gigabytes. */
#define VC_BITMAP_MAX_MEMBER 1048575u

VcBitmap *vc_bitmap_new(void);
VcBitmap *vc_bitmap_copy(const VcBitmap *b);
void vc_bitmap_free(VcBitmap *b);
void vc_bitmap_add(VcBitmap *b, guint member);
gboolean vc_bitmap_has(const VcBitmap *b, guint member);
guint vc_bitmap_count(const VcBitmap *b);
/* The i-th smallest member; i < count. */
guint vc_bitmap_nth(const VcBitmap *b, guint i);
gboolean vc_bitmap_equal(const VcBitmap *a, const VcBitmap *b);
/* Parse "0-3,8" (whitespace around it allowed, empty string = empty set). */
VcBitmap *vc_bitmap_parse(const char *text, GError **error);
/* Parse a sysfs mask such as "00000000,0000000f" (32-bit words, high first). */
VcBitmap *vc_bitmap_parse_mask(const char *text, GError **error);
/* Format as "0-3,8"; the empty set is "". */
char *vc_bitmap_format(const VcBitmap *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcBitmap, vc_bitmap_free)

#endif
