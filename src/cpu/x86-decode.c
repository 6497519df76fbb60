/*
 * Vendor, signature and feature list from CPUID data (libvirt's x86Decode
 * up to the model choice: x86DataToVendor, x86DataToSignature,
 * x86DataFilterTSX, x86DataToCPUFeatures).
 */
#include <string.h>

#include "cpu/x86-decode.h"

/* Signature bits libvirt compares (reserved and processor type masked). */
#define SIGNATURE_MASK 0x0fff3fff

static void
decode_vendor(const VcX86FeatureDb *db, const VcCpuidData *data,
              VcX86Decoded *d)
{
    const VcCpuidLeaf *leaf0 = vc_cpuid_data_get(data, 0, 0);

    if (!leaf0)
        return;
    /* The vendor string is ebx, edx, ecx, little endian. */
    for (int i = 0; i < 4; i++) {
        d->vendor_string[i] = (char)(leaf0->ebx >> (8 * i));
        d->vendor_string[4 + i] = (char)(leaf0->edx >> (8 * i));
        d->vendor_string[8 + i] = (char)(leaf0->ecx >> (8 * i));
    }
    d->vendor_string[12] = '\0';
    d->vendor = vc_x86_feature_db_vendor(db, d->vendor_string);
}

/* family = ext family + family; model = ext model << 4 + model (libvirt
 * applies the extended model for every family). */
static void
decode_signature(const VcCpuidData *data, VcX86Decoded *d)
{
    const VcCpuidLeaf *leaf1 = vc_cpuid_data_get(data, 1, 0);
    guint32 eax;

    if (!leaf1)
        return;
    eax = leaf1->eax;
    d->has_signature = TRUE;
    d->signature = eax & SIGNATURE_MASK;
    d->family = ((eax >> 20) & 0xff) + ((eax >> 8) & 0xf);
    d->model = ((eax >> 12) & 0xf0) + ((eax >> 4) & 0xf);
    d->stepping = eax & 0xf;
}

static gboolean
filter_applies(const VcX86Filter *f, const VcX86Decoded *d)
{
    return d->vendor && d->has_signature &&
           strcmp(f->vendor, d->vendor->name) == 0 &&
           f->family == d->family && f->model == d->model &&
           d->stepping < f->stepping_below;
}

static gboolean
dropped(const VcX86FeatureDb *db, const VcX86Decoded *d, const VcX86Feature *feat)
{
    for (guint i = 0; i < db->filters->len; i++) {
        const VcX86Filter *f = g_ptr_array_index(db->filters, i);
        if (filter_applies(f, d) && g_ptr_array_find(f->drop, feat, NULL))
            return TRUE;
    }
    return FALSE;
}

VcX86Decoded *
vc_x86_decode(const VcX86FeatureDb *db, const VcCpuidData *data)
{
    VcX86Decoded *d = g_new0(VcX86Decoded, 1);

    d->features = g_ptr_array_new();
    decode_vendor(db, data, d);
    decode_signature(data, d);
    for (guint i = 0; i < db->features->len; i++) {
        const VcX86Feature *f = g_ptr_array_index(db->features, i);
        if (!f->not_in_libvirt && vc_x86_feature_in_data(f, data) && !dropped(db, d, f))
            g_ptr_array_add(d->features, (gpointer)f);
    }
    return d;
}

void
vc_x86_decoded_free(VcX86Decoded *d)
{
    if (!d)
        return;
    g_ptr_array_unref(d->features);
    g_free(d);
}

gboolean
vc_x86_decoded_has(const VcX86Decoded *d, const char *name)
{
    for (guint i = 0; i < d->features->len; i++)
        if (strcmp(((const VcX86Feature *)g_ptr_array_index(d->features, i))->name,
                   name) == 0)
            return TRUE;
    return FALSE;
}
