/*
 * The CPUID data container: sorted, unique leaves and MSRs.
 */
#include "cpu/cpuid.h"

VcCpuidData *
vc_cpuid_data_new(void)
{
    VcCpuidData *data = g_new0(VcCpuidData, 1);

    data->leaves = g_array_new(FALSE, TRUE, sizeof(VcCpuidLeaf));
    data->msrs = g_array_new(FALSE, TRUE, sizeof(VcMsr));
    return data;
}

void
vc_cpuid_data_free(VcCpuidData *data)
{
    if (!data)
        return;
    g_array_unref(data->leaves);
    g_array_unref(data->msrs);
    g_free(data);
}

static int
leaf_cmp(guint32 eax_in, guint32 ecx_in, const VcCpuidLeaf *l)
{
    if (eax_in != l->eax_in)
        return eax_in < l->eax_in ? -1 : 1;
    if (ecx_in != l->ecx_in)
        return ecx_in < l->ecx_in ? -1 : 1;
    return 0;
}

/* Binary search: the index of the leaf, or where it would be inserted. */
static guint
leaf_position(const VcCpuidData *data, guint32 eax_in, guint32 ecx_in,
              gboolean *found)
{
    guint lo = 0, hi = data->leaves->len;

    *found = FALSE;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        int c = leaf_cmp(eax_in, ecx_in,
                         &g_array_index(data->leaves, VcCpuidLeaf, mid));
        if (c == 0) {
            *found = TRUE;
            return mid;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

void
vc_cpuid_data_add_leaf(VcCpuidData *data, const VcCpuidLeaf *leaf)
{
    gboolean found;
    guint pos = leaf_position(data, leaf->eax_in, leaf->ecx_in, &found);

    if (found) {
        VcCpuidLeaf *l = &g_array_index(data->leaves, VcCpuidLeaf, pos);
        l->eax |= leaf->eax;
        l->ebx |= leaf->ebx;
        l->ecx |= leaf->ecx;
        l->edx |= leaf->edx;
        return;
    }
    g_array_insert_val(data->leaves, pos, *leaf);
}

const VcCpuidLeaf *
vc_cpuid_data_get(const VcCpuidData *data, guint32 eax_in, guint32 ecx_in)
{
    gboolean found;
    guint pos = leaf_position(data, eax_in, ecx_in, &found);

    return found ? &g_array_index(data->leaves, VcCpuidLeaf, pos) : NULL;
}

static guint
msr_position(const VcCpuidData *data, guint32 index, gboolean *found)
{
    guint i;

    /* A handful of MSRs at most: a linear scan is enough. */
    *found = FALSE;
    for (i = 0; i < data->msrs->len; i++) {
        guint32 cur = g_array_index(data->msrs, VcMsr, i).index;
        if (cur >= index) {
            *found = cur == index;
            break;
        }
    }
    return i;
}

void
vc_cpuid_data_add_msr(VcCpuidData *data, guint32 index, guint64 value)
{
    gboolean found;
    guint pos = msr_position(data, index, &found);
    VcMsr msr = { index, value };

    if (found)
        g_array_index(data->msrs, VcMsr, pos).value |= value;
    else
        g_array_insert_val(data->msrs, pos, msr);
}

gboolean
vc_cpuid_data_get_msr(const VcCpuidData *data, guint32 index, guint64 *value)
{
    gboolean found;
    guint pos = msr_position(data, index, &found);

    if (found && value)
        *value = g_array_index(data->msrs, VcMsr, pos).value;
    return found;
}
