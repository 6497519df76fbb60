/*
 * <cache> banks and <memory_bandwidth> nodes, following libvirt's
 * virCapabilitiesInitCaches, virCapabilitiesInitResctrlMemory and
 * virresctrl.c (virResctrlGetInfo, virResctrlInfoGetCache,
 * virResctrlInfoGetMemoryBandwidth, virResctrlInfoGetMonitorPrefix).
 *
 * Where libvirt gives up on all cache information because of one bad file,
 * we leave out only the element that file describes and warn instead.
 */
#include "probe/probe.h"

#include <string.h>

#define CPU_DIR "/sys/devices/system/cpu"
#define RESCTRL_INFO "/sys/fs/resctrl/info"

/* libvirt exposes no cache level below this (cache_min_level). */
#define CACHE_MIN_LEVEL 3
/* For now the resctrl monitor only exists for the L3 cache. */
#define MONITOR_CACHE_LEVEL 3

/* Kernel names of cache types, indexed by VcCacheType. */
static const char *const kernel_cache_types[] = { "Unified", "Instruction", "Data" };
/* Suffixes of resctrl info directories ("L3", "L3CODE"), by VcCacheType. */
static const char *const resctrl_type_suffixes[] = { "", "CODE", "DATA" };

G_STATIC_ASSERT(G_N_ELEMENTS(kernel_cache_types) == G_N_ELEMENTS(vc_cache_type_names));
G_STATIC_ASSERT(G_N_ELEMENTS(resctrl_type_suffixes) == G_N_ELEMENTS(vc_cache_type_names));

/* resctrl info of one cache type on one level (libvirt's
 * virResctrlInfoPerType).  The size, and what follows from it, is taken
 * from the first bank of that level that asks for controls. */
typedef struct {
    guint level;
    VcCacheType type;
    guint bits;
    guint min_cbm_bits;
    guint max_allocs;
    gboolean has_size;
    guint64 size;
    guint64 granularity;
    guint64 min;
} ResctrlCache;

typedef struct {
    GArray *caches;              /* ResctrlCache */
    gboolean has_membw;
    guint membw_granularity;
    guint membw_min;
    guint membw_max_allocs;
    gboolean has_monitor;
    guint max_monitors;
    guint reuse_threshold;
    GStrv features;
} ResctrlInfo;

static void
resctrl_info_clear(ResctrlInfo *info)
{
    g_clear_pointer(&info->caches, g_array_unref);
    g_clear_pointer(&info->features, g_strfreev);
}

/* libvirt's virResctrlInfoIsEmpty: no resctrl, no controls or monitors. */
static gboolean
resctrl_info_empty(const ResctrlInfo *info)
{
    return !info->has_membw && !info->has_monitor && info->caches->len == 0;
}

typedef enum {
    READ_OK,
    READ_MISSING,
    READ_BAD,                    /* already warned about */
} ReadResult;

/* libvirt treats a missing file and a bad one differently. */
static ReadResult
read_uint(const VcHost *host, const char *path, guint *value)
{
    if (!vc_host_exists(host, path))
        return READ_MISSING;
    return vc_host_read_uint(host, path, value) ? READ_OK : READ_BAD;
}

/* A file libvirt requires once it uses the directory: missing, it drops
 * what is described there (and so do we, with a warning). */
static gboolean
read_required_uint(const VcHost *host, const char *what, const char *path, guint *value)
{
    switch (read_uint(host, path, value)) {
    case READ_MISSING:
        vc_host_warn(host, "ignoring %s: %s is missing", what, path);
        return FALSE;
    case READ_BAD:
        return FALSE;
    case READ_OK:
        break;
    }
    return TRUE;
}

/* A file's text without the trailing newlines libvirt strips
 * (virStringTrimOptionalNewline); NULL when missing or unreadable. */
static char *
read_trimmed(const VcHost *host, const char *path)
{
    char *text = vc_host_read(host, path, VC_FILE_MAX_SMALL);
    gsize len;

    if (!text)
        return NULL;
    len = strlen(text);
    while (len > 0 && text[len - 1] == '\n')
        text[--len] = '\0';
    return text;
}

/* ---- /sys/fs/resctrl/info ---------------------------------------------- */

/* Number of set bits in a hex mask such as "fffff" (virBitmapNewString):
 * 0 when the text is not a non-empty hex string. */
static guint
count_mask_bits(const char *text)
{
    static const guint8 nibble_bits[16] = { 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4 };
    guint bits = 0;

    for (const char *p = text; *p; p++) {
        int nibble = g_ascii_xdigit_value(*p);
        if (nibble < 0)
            return 0;
        bits += nibble_bits[nibble];
    }
    return bits;
}

/* "L3", "L2CODE", "L3DATA" -> level and type; FALSE for anything else
 * ("L3_MON", "MB"). */
static gboolean
parse_cache_info_name(const char *name, guint *level, VcCacheType *type)
{
    const char *p = name + 1;
    guint64 v = 0;
    int idx;

    if (name[0] != 'L' || !g_ascii_isdigit(*p))
        return FALSE;
    for (; g_ascii_isdigit(*p); p++) {
        v = v * 10 + (guint64)(*p - '0');
        if (v > G_MAXUINT)
            return FALSE;
    }
    if ((idx = VC_NAME_INDEX(resctrl_type_suffixes, p)) < 0)
        return FALSE;
    *level = (guint)v;
    *type = (VcCacheType)idx;
    return TRUE;
}

static ResctrlCache *
find_resctrl_cache(const ResctrlInfo *info, guint level, VcCacheType type)
{
    for (guint i = 0; i < info->caches->len; i++) {
        ResctrlCache *c = &g_array_index(info->caches, ResctrlCache, i);
        if (c->level == level && c->type == type)
            return c;
    }
    return NULL;
}

/* Read info/<name>/{num_closids,cbm_mask,min_cbm_bits} into c. */
static gboolean
read_resctrl_cache(const VcHost *host, const char *name, ResctrlCache *c)
{
    g_autofree char *closids = g_strdup_printf(RESCTRL_INFO "/%s/num_closids", name);
    g_autofree char *mask_path = g_strdup_printf(RESCTRL_INFO "/%s/cbm_mask", name);
    g_autofree char *min_path = g_strdup_printf(RESCTRL_INFO "/%s/min_cbm_bits", name);
    g_autofree char *mask = NULL;

    switch (read_uint(host, closids, &c->max_allocs)) {
    case READ_BAD:
        return FALSE;
    case READ_MISSING:
        /* libvirt still uses this cache type, with maxAllocs 0. */
        vc_host_warn(host, "%s is missing; using maxAllocs 0 as libvirt does", closids);
        c->max_allocs = 0;
        break;
    case READ_OK:
        break;
    }
    if (!(mask = read_trimmed(host, mask_path))) {
        if (!vc_host_exists(host, mask_path))
            vc_host_warn(host, "ignoring " RESCTRL_INFO "/%s: %s is missing", name, mask_path);
        return FALSE;
    }
    /* No bits would make the granularity a division by zero. */
    if ((c->bits = count_mask_bits(mask)) == 0) {
        vc_host_warn(host, "ignoring %s: '%.32s' is not a usable cache mask",
                     mask_path, mask);
        return FALSE;
    }
    return read_required_uint(host, "resctrl cache allocation", min_path,
                              &c->min_cbm_bits);
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every name in a directory, sorted so the result does not depend
 * on readdir order. */
static GPtrArray *
list_names(const VcHost *host, const char *dir)
{
    g_autofree char *real = vc_host_path(host, dir);
    g_autoptr(GDir) d = g_dir_open(real, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    while (d && (name = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_names);
    return names;
}

static void
read_resctrl_caches(const VcHost *host, ResctrlInfo *info)
{
    g_autoptr(GPtrArray) names = list_names(host, RESCTRL_INFO);

    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        ResctrlCache c = { 0 };

        if (!parse_cache_info_name(name, &c.level, &c.type))
            continue;
        if (find_resctrl_cache(info, c.level, c.type)) {
            vc_host_warn(host, "ignoring " RESCTRL_INFO "/%s: duplicate cache type "
                         "for level %u", name, c.level);
            continue;
        }
        if (read_resctrl_cache(host, name, &c))
            g_array_append_val(info->caches, c);
    }
}

static void
read_resctrl_membw(const VcHost *host, ResctrlInfo *info)
{
    static const char gran[] = RESCTRL_INFO "/MB/bandwidth_gran";
    static const char min[] = RESCTRL_INFO "/MB/min_bandwidth";
    static const char closids[] = RESCTRL_INFO "/MB/num_closids";

    /* No bandwidth_gran: no memory bandwidth allocation. */
    if (read_uint(host, gran, &info->membw_granularity) != READ_OK)
        return;
    info->has_membw =
        read_required_uint(host, "memory bandwidth allocation", min, &info->membw_min) &&
        read_required_uint(host, "memory bandwidth allocation", closids,
                           &info->membw_max_allocs);
}

static void
read_resctrl_monitor(const VcHost *host, ResctrlInfo *info)
{
    static const char rmids[] = RESCTRL_INFO "/L3_MON/num_rmids";
    static const char threshold[] = RESCTRL_INFO "/L3_MON/max_threshold_occupancy";
    static const char features[] = RESCTRL_INFO "/L3_MON/mon_features";
    g_autofree char *text = NULL;

    /* No num_rmids: no monitoring. */
    if (read_uint(host, rmids, &info->max_monitors) != READ_OK)
        return;
    /* Without CMT there is no threshold; libvirt then reports 0. */
    info->reuse_threshold = 0;
    if (read_uint(host, threshold, &info->reuse_threshold) == READ_BAD)
        return;
    text = read_trimmed(host, features);
    if (!text || !*text) {
        vc_host_warn(host, "ignoring resctrl monitoring: %s is missing or empty",
                     features);
        return;
    }
    info->features = g_strsplit(text, "\n", 0);
    info->has_monitor = TRUE;
}

/* libvirt's virResctrlGetInfo; all empty without /sys/fs/resctrl/info. */
static void
read_resctrl_info(const VcHost *host, ResctrlInfo *info)
{
    info->caches = g_array_new(FALSE, TRUE, sizeof(ResctrlCache));
    if (!vc_host_exists(host, RESCTRL_INFO))
        return;
    read_resctrl_membw(host, info);
    read_resctrl_caches(host, info);
    read_resctrl_monitor(host, info);
}

/* ---- CPU cache banks --------------------------------------------------- */

/* A byte count in libvirt's virFileReadValueScaledInt syntax: a decimal
 * number and an optional suffix ("32K", "33M", "1GiB", "5MB", "12b"); a
 * bare number counts KiB. */
static gboolean
parse_scaled(const char *text, guint64 *value)
{
    static const char powers[] = "kmgtpe";
    const char *suffix = text;
    guint64 v = 0, scale = 1, base = 1024;
    const char *pos;

    if (!g_ascii_isdigit(*suffix))
        return FALSE;
    for (; g_ascii_isdigit(*suffix); suffix++) {
        guint digit = (guint)(*suffix - '0');
        if (v > (G_MAXUINT64 - digit) / 10)
            return FALSE;
        v = v * 10 + digit;
    }
    if (!*suffix) {
        scale = 1024;
    } else if (!g_ascii_strcasecmp(suffix, "b") || !g_ascii_strcasecmp(suffix, "byte") ||
               !g_ascii_strcasecmp(suffix, "bytes")) {
        scale = 1;
    } else {
        if (suffix[1] && g_ascii_strcasecmp(suffix + 1, "iB") != 0) {
            if (g_ascii_tolower(suffix[1]) != 'b' || suffix[2])
                return FALSE;
            base = 1000;
        }
        if (!(pos = strchr(powers, g_ascii_tolower(suffix[0]))))
            return FALSE;
        for (gsize i = 0; i <= (gsize)(pos - powers); i++)
            scale *= base;
    }
    if (v && v > G_MAXUINT64 / scale)
        return FALSE;
    *value = v * scale;
    return TRUE;
}

static gboolean
read_bank_size(const VcHost *host, const char *dir, guint64 *size)
{
    g_autofree char *path = g_strdup_printf("%s/size", dir);
    g_autofree char *text = read_trimmed(host, path);

    if (!text)
        return FALSE;
    if (!parse_scaled(text, size)) {
        vc_host_warn(host, "ignoring %s: '%.32s' is not a size", path, text);
        return FALSE;
    }
    return TRUE;
}

static gboolean
read_bank_type(const VcHost *host, const char *dir, VcCacheType *type)
{
    g_autofree char *path = g_strdup_printf("%s/type", dir);
    g_autofree char *text = read_trimmed(host, path);
    int idx;

    if (!text)
        return FALSE;
    if ((idx = VC_NAME_INDEX(kernel_cache_types, text)) < 0) {
        vc_host_warn(host, "ignoring %s: unknown cache type '%.32s'", path, text);
        return FALSE;
    }
    *type = (VcCacheType)idx;
    return TRUE;
}

/* What identifies a bank; libvirt keeps one bank per distinct value, since
 * every CPU sharing a cache lists it. */
typedef struct {
    guint id;
    guint level;
    VcCacheType type;
    guint64 size;
    VcBitmap *cpus;
} BankFacts;

static void
bank_facts_clear(BankFacts *f)
{
    g_clear_pointer(&f->cpus, vc_bitmap_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(BankFacts, bank_facts_clear)

/* One cpuN/cache/indexM directory.  FALSE when it is below
 * CACHE_MIN_LEVEL, lacks id, type, size or shared_cpu_list (libvirt skips
 * those silently) or has a bad or no level file (skipped with a warning). */
static gboolean
read_bank(const VcHost *host, guint cpu, guint index, BankFacts *f)
{
    g_autofree char *dir = g_strdup_printf(CPU_DIR "/cpu%u/cache/index%u", cpu, index);
    g_autofree char *level_path = g_strdup_printf("%s/level", dir);
    g_autofree char *id_path = g_strdup_printf("%s/id", dir);
    g_autofree char *cpus_path = g_strdup_printf("%s/shared_cpu_list", dir);

    if (!read_required_uint(host, dir, level_path, &f->level) ||
        f->level < CACHE_MIN_LEVEL)
        return FALSE;
    return read_uint(host, id_path, &f->id) == READ_OK &&
           read_bank_type(host, dir, &f->type) &&
           read_bank_size(host, dir, &f->size) &&
           (f->cpus = vc_host_read_list(host, cpus_path)) != NULL;
}

static char *
bank_key(const BankFacts *f)
{
    g_autofree char *cpus = vc_bitmap_format(f->cpus);
    return g_strdup_printf("%u/%u/%d/%" G_GUINT64_FORMAT "/%s", f->level, f->id,
                           (int)f->type, f->size, cpus);
}

static VcCacheBank *
bank_new(BankFacts *f)
{
    VcCacheBank *bank = vc_cache_bank_new();

    bank->id = f->id;
    bank->level = f->level;
    bank->type = f->type;
    bank->size_bytes = f->size;
    vc_bitmap_free(bank->cpus);
    bank->cpus = g_steal_pointer(&f->cpus);
    return bank;
}

/* libvirt's virResctrlInfoGetCache for a newly found bank: one control per
 * resctrl cache type of its level.  The first bank of a level fixes the
 * size the granularity is computed from; a bank of another size gets no
 * controls (libvirt stops collecting cache information there). */
static void
add_controls(const VcHost *host, ResctrlInfo *info, VcCacheBank *bank)
{
    for (guint t = 0; t < G_N_ELEMENTS(vc_cache_type_names); t++) {
        ResctrlCache *c = find_resctrl_cache(info, bank->level, (VcCacheType)t);
        VcCacheControl ctl;

        if (!c)
            continue;
        if (!c->has_size) {
            c->has_size = TRUE;
            c->size = bank->size_bytes;
            c->granularity = c->size / c->bits;
            c->min = c->min_cbm_bits != 1 ? c->min_cbm_bits * c->granularity : 0;
        } else if (c->size != bank->size_bytes) {
            vc_host_warn(host, "no resctrl controls for level %u cache %u: size %"
                         G_GUINT64_FORMAT " does not match expected size %"
                         G_GUINT64_FORMAT, bank->level, bank->id,
                         bank->size_bytes, c->size);
            g_array_set_size(bank->controls, 0);
            return;
        }
        ctl = (VcCacheControl) {
            .granularity_bytes = c->granularity,
            .min_bytes = c->min,
            .scope = c->type,
            .max_allocs = c->max_allocs,
        };
        g_array_append_val(bank->controls, ctl);
    }
}

static void
read_cpu_banks(const VcHost *host, guint cpu, GHashTable *seen,
               ResctrlInfo *info, GPtrArray *banks)
{
    g_autofree char *dir = g_strdup_printf(CPU_DIR "/cpu%u/cache", cpu);
    g_autoptr(GArray) indexes = vc_host_list_numbered(host, dir, "index");

    for (guint i = 0; i < indexes->len; i++) {
        g_auto(BankFacts) facts = { 0 };
        VcCacheBank *bank;

        if (!read_bank(host, cpu, g_array_index(indexes, guint, i), &facts) ||
            !g_hash_table_add(seen, bank_key(&facts)))
            continue;
        bank = bank_new(&facts);
        if (!resctrl_info_empty(info))
            add_controls(host, info, bank);
        g_ptr_array_add(banks, bank);
    }
}

static gint
compare_banks(gconstpointer a, gconstpointer b)
{
    const VcCacheBank *x = *(VcCacheBank *const *)a;
    const VcCacheBank *y = *(VcCacheBank *const *)b;

    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return 0;
}

/* libvirt reads caches of online CPUs only: offline ones have none. */
static gboolean
read_banks(const VcHost *host, ResctrlInfo *info, GPtrArray *banks)
{
    g_autoptr(VcBitmap) online = vc_host_read_list(host, CPU_DIR "/online");
    g_autoptr(GHashTable) seen = NULL;

    if (!online) {
        if (vc_host_exists(host, CPU_DIR))
            vc_host_warn(host, "no CPU cache information: cannot use "
                         CPU_DIR "/online");
        return FALSE;
    }
    seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < vc_bitmap_count(online); i++)
        read_cpu_banks(host, vc_bitmap_nth(online, i), seen, info, banks);
    /* Stable, so equal (level, id) keep their discovery order. */
    g_ptr_array_sort(banks, compare_banks);
    return TRUE;
}

/* ---- memory bandwidth and monitors ------------------------------------- */

/* One memory bandwidth controller per last level cache bank. */
static void
add_membw_nodes(const ResctrlInfo *info, VcHostCaps *caps)
{
    guint last_level = 0;

    if (!info->has_membw)
        return;
    for (guint i = 0; i < caps->cache_banks->len; i++) {
        const VcCacheBank *bank = g_ptr_array_index(caps->cache_banks, i);
        last_level = MAX(last_level, bank->level);
    }
    for (guint i = 0; i < caps->cache_banks->len; i++) {
        const VcCacheBank *bank = g_ptr_array_index(caps->cache_banks, i);
        VcMemBwNode *node;

        if (bank->level != last_level)
            continue;
        node = vc_membw_node_new();
        node->id = bank->id;
        vc_bitmap_free(node->cpus);
        node->cpus = vc_bitmap_copy(bank->cpus);
        node->granularity = info->membw_granularity;
        node->min = info->membw_min;
        node->max_allocs = info->membw_max_allocs;
        g_ptr_array_add(caps->membw_nodes, node);
    }
}

/* The monitor for the features named prefix*, or NULL when there are
 * none (libvirt's virResctrlInfoGetMonitorPrefix). */
static VcResctrlMonitor *
make_monitor(const ResctrlInfo *info, const char *prefix, gboolean is_cache)
{
    VcResctrlMonitor *mon;

    if (!info->has_monitor)
        return NULL;
    mon = vc_resctrl_monitor_new();
    mon->is_cache = is_cache;
    mon->max_monitors = info->max_monitors;
    if (is_cache) {
        mon->level = MONITOR_CACHE_LEVEL;
        mon->reuse_threshold = info->reuse_threshold;
    }
    for (GStrv f = info->features; *f; f++)
        if (g_str_has_prefix(*f, prefix))
            g_ptr_array_add(mon->features, g_strdup(*f));
    if (!mon->features->len)
        g_clear_pointer(&mon, vc_resctrl_monitor_free);
    return mon;
}

void
vc_probe_cache(const VcHost *host, VcHostCaps *caps)
{
    ResctrlInfo info = { 0 };

    read_resctrl_info(host, &info);
    /* libvirt reports nothing, not even resctrl monitors, without the
     * online CPU list. */
    if (read_banks(host, &info, caps->cache_banks)) {
        add_membw_nodes(&info, caps);
        caps->membw_monitor = make_monitor(&info, "mbm_", FALSE);
        caps->cache_monitor = make_monitor(&info, "llc_", TRUE);
    }
    resctrl_info_clear(&info);
}
