#include "util/vc-bitmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtcaps.h"

struct _VcBitmap {
    GArray *members; /* guint, sorted ascending, unique */
};

VcBitmap *
vc_bitmap_new(void)
{
    VcBitmap *b = g_new0(VcBitmap, 1);
    b->members = g_array_new(FALSE, FALSE, sizeof(guint));
    return b;
}

VcBitmap *
vc_bitmap_copy(const VcBitmap *b)
{
    VcBitmap *c = vc_bitmap_new();
    g_array_append_vals(c->members, b->members->data, b->members->len);
    return c;
}

void
vc_bitmap_free(VcBitmap *b)
{
    if (!b)
        return;
    g_array_unref(b->members);
    g_free(b);
}

/* Position where member is or would be inserted (binary search). */
static guint
bitmap_position(const VcBitmap *b, guint member)
{
    guint lo = 0, hi = b->members->len;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (g_array_index(b->members, guint, mid) < member)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void
vc_bitmap_add(VcBitmap *b, guint member)
{
    guint pos;
    guint len = b->members->len;

    /* Members mostly arrive in ascending order: append without searching. */
    if (len == 0 || g_array_index(b->members, guint, len - 1) < member) {
        g_array_append_val(b->members, member);
        return;
    }
    pos = bitmap_position(b, member);
    if (g_array_index(b->members, guint, pos) != member)
        g_array_insert_val(b->members, pos, member);
}

gboolean
vc_bitmap_has(const VcBitmap *b, guint member)
{
    guint pos = bitmap_position(b, member);
    return pos < b->members->len && g_array_index(b->members, guint, pos) == member;
}

guint
vc_bitmap_count(const VcBitmap *b)
{
    return b->members->len;
}

guint
vc_bitmap_nth(const VcBitmap *b, guint i)
{
    g_return_val_if_fail(i < b->members->len, 0);
    return g_array_index(b->members, guint, i);
}

gboolean
vc_bitmap_equal(const VcBitmap *a, const VcBitmap *b)
{
    /* An empty GArray's data may be NULL, which memcmp must not see. */
    return a->members->len == b->members->len &&
           (a->members->len == 0 ||
            memcmp(a->members->data, b->members->data,
                   a->members->len * sizeof(guint)) == 0);
}

static gboolean
parse_member(const char **p, guint *out, GError **error)
{
    char *end = NULL;
    unsigned long v;

    if (!g_ascii_isdigit(**p)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "expected a number at '%.16s'", *p);
        return FALSE;
    }
    errno = 0;
    v = strtoul(*p, &end, 10);
    if (errno != 0 || v > VC_BITMAP_MAX_MEMBER) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "number out of range at '%.16s'", *p);
        return FALSE;
    }
    *p = end;
    *out = (guint)v;
    return TRUE;
}

/* The members of ranges (pairs first, last), ascending and unique.  Ranges
 * may come in any order and overlap ("8-38000" after "80030-800300"):
 * adding them one member at a time would insert into the middle of the
 * array each time, quadratic in the list's size (a fuzzer found 23 bytes
 * that took minutes), so they are marked in a bit array first. */
static void
add_ranges(VcBitmap *b, const GArray *ranges)
{
    g_autofree guint8 *bits = NULL;
    guint max = 0;

    for (guint i = 1; i < ranges->len; i += 2)
        max = MAX(max, g_array_index(ranges, guint, i));
    bits = g_malloc0(max / 8 + 1);
    for (guint i = 0; i + 1 < ranges->len; i += 2)
        for (guint m = g_array_index(ranges, guint, i); m <= g_array_index(ranges, guint, i + 1);
             m++) {
            /* whole bytes at once in the middle of a long range */
            if (m % 8 == 0 && m + 7 <= g_array_index(ranges, guint, i + 1)) {
                bits[m / 8] = 0xff;
                m += 7;
                continue;
            }
            bits[m / 8] |= (guint8)(1u << (m % 8));
        }
    for (guint m = 0; ranges->len && m <= max; m++)
        if (bits[m / 8] & (1u << (m % 8)))
            vc_bitmap_add(b, m);   /* ascending: appends */
}

VcBitmap *
vc_bitmap_parse(const char *text, GError **error)
{
    g_autoptr(VcBitmap) b = vc_bitmap_new();
    g_autoptr(GArray) ranges = g_array_new(FALSE, FALSE, sizeof(guint));
    const char *p = text;

    while (g_ascii_isspace(*p))
        p++;
    while (*p && !g_ascii_isspace(*p)) {
        guint first, last;
        if (!parse_member(&p, &first, error))
            return NULL;
        last = first;
        if (*p == '-') {
            p++;
            if (!parse_member(&p, &last, error))
                return NULL;
            if (last < first) {
                g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                            "range %u-%u is reversed", first, last);
                return NULL;
            }
        }
        g_array_append_val(ranges, first);
        g_array_append_val(ranges, last);
        if (*p == ',')
            p++;
        else if (*p && !g_ascii_isspace(*p)) {
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                        "unexpected '%c' in list", *p);
            return NULL;
        }
    }
    while (g_ascii_isspace(*p))
        p++;
    if (*p) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                    "trailing text '%.16s' after list", p);
        return NULL;
    }
    add_ranges(b, ranges);
    return g_steal_pointer(&b);
}

VcBitmap *
vc_bitmap_parse_mask(const char *text, GError **error)
{
    g_autoptr(VcBitmap) b = vc_bitmap_new();
    g_autofree char *digits = g_strstrip(g_strdup(text));
    gsize ndigits = 0;

    for (char *p = digits; *p; p++) {
        if (*p == ',')
            continue;
        if (!g_ascii_isxdigit(*p)) {
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                        "unexpected '%c' in mask", *p);
            return NULL;
        }
        ndigits++;
    }
    if (ndigits * 4 > VC_BITMAP_MAX_MEMBER + 1) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "mask too long");
        return NULL;
    }
    /* Walk from the least significant (last) digit up. */
    guint bit = 0;
    for (gssize i = (gssize)strlen(digits) - 1; i >= 0; i--) {
        if (digits[i] == ',')
            continue;
        int v = g_ascii_xdigit_value(digits[i]);
        for (int k = 0; k < 4; k++)
            if (v & (1 << k))
                vc_bitmap_add(b, bit + k);
        bit += 4;
    }
    return g_steal_pointer(&b);
}

char *
vc_bitmap_format(const VcBitmap *b)
{
    GString *s = g_string_new(NULL);
    guint i = 0, n = b->members->len;

    while (i < n) {
        guint first = g_array_index(b->members, guint, i);
        guint last = first;
        while (i + 1 < n && g_array_index(b->members, guint, i + 1) == last + 1) {
            last++;
            i++;
        }
        if (s->len)
            g_string_append_c(s, ',');
        if (first == last)
            g_string_append_printf(s, "%u", first);
        else
            g_string_append_printf(s, "%u-%u", first, last);
        i++;
    }
    return g_string_free(s, FALSE);
}
