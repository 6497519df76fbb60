/*
 * The JSON form of the host capabilities model (docs/json.md): the tree of
 * libvirt's <host> element with XML's element and attribute names.  One set
 * of schema tables drives both directions, so reading is the exact inverse
 * of writing, and every member the reader does not know is an error.
 */
#include "format/hostcaps-json.h"

#include <string.h>

/* Enums are stored and read as guint through the tables. */
G_STATIC_ASSERT(sizeof(VcTscScaling) == sizeof(guint));
G_STATIC_ASSERT(sizeof(VcNumaCacheAssociativity) == sizeof(guint));
G_STATIC_ASSERT(sizeof(VcNumaCachePolicy) == sizeof(guint));
G_STATIC_ASSERT(sizeof(VcInterconnectType) == sizeof(guint));
G_STATIC_ASSERT(sizeof(VcMemoryAccess) == sizeof(guint));
G_STATIC_ASSERT(sizeof(VcCacheType) == sizeof(guint));
G_STATIC_ASSERT(sizeof(VcTristate) == sizeof(guint));

/* CPU list members a whole document may hold: far above any real host, low
 * enough that "0-1048575" repeated cannot take minutes or gigabytes. */
#define VC_JSON_BITMAP_BUDGET (1u << 22)

/* ---- paths and errors ------------------------------------------------- */

void
vc_json_ctx_init(VcJsonCtx *ctx, const char *source, GError **error)
{
    ctx->source = source ? source : "(JSON)";
    ctx->path = g_string_new(NULL);
    ctx->bitmap_budget = VC_JSON_BITMAP_BUDGET;
    ctx->error = error;
}

void
vc_json_ctx_clear(VcJsonCtx *ctx)
{
    g_string_free(ctx->path, TRUE);
    ctx->path = NULL;
}

void
vc_json_append_quoted(GString *out, const char *text)
{
    gsize n = 0;

    for (const guchar *p = (const guchar *)text; *p && n < 64; p++, n++) {
        if (*p >= 0x20 && *p < 0x7f && *p != '\\')
            g_string_append_c(out, (char)*p);
        else
            g_string_append_printf(out, "\\x%02x", *p);
    }
    if (text[n])
        g_string_append(out, "...");
}

gsize
vc_json_path_push_member(VcJsonCtx *ctx, const char *name)
{
    gsize mark = ctx->path->len;

    if (mark)
        g_string_append_c(ctx->path, '.');
    vc_json_append_quoted(ctx->path, name);
    return mark;
}

gsize
vc_json_path_push_index(VcJsonCtx *ctx, gsize index)
{
    gsize mark = ctx->path->len;

    g_string_append_printf(ctx->path, "[%" G_GSIZE_FORMAT "]", index);
    return mark;
}

void
vc_json_path_pop(VcJsonCtx *ctx, gsize mark)
{
    g_string_truncate(ctx->path, mark);
}

gboolean
vc_json_fail(VcJsonCtx *ctx, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    for (char *c = msg; *c; c++)   /* details from other parsers: one line */
        if ((guchar)*c < 0x20 || *c == 0x7f)
            *c = '?';
    g_set_error(ctx->error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: %s: %s",
                ctx->source, ctx->path->len ? ctx->path->str : "(top level)", msg);
    return FALSE;
}

/* ---- schema ------------------------------------------------------------ */

typedef enum {
    M_UINT,      /* guint */
    M_INT,       /* gint */
    M_UINT64,    /* guint64; JSON allows 0..G_MAXINT64 */
    M_BOOL,      /* gboolean */
    M_STRING,    /* char * */
    M_ENUM,      /* guint index into names, written as the name */
    M_CONST,     /* no storage: always names[0] */
    M_FLAGS,     /* guint bit i <-> names[i], an array of names */
    M_BITMAP,    /* VcBitmap *, a CPU list string "0-3,8" */
    M_STRLIST,   /* GPtrArray * of char *, an array of strings */
    M_GROUP,     /* an object (or inline members), see GroupPresence */
    M_ARRAY,     /* GArray * of structs or GPtrArray * of pointers to them */
} MemberKind;

/* Optional: omitted when zero / NULL / the enum's first value, and may be
 * absent from input.  Arrays are always written and may always be absent. */
#define F_OPTIONAL (1u << 0)
/* Positive: 0 is rejected on input (the XML formatter divides by it). */
#define F_POSITIVE (1u << 1)

typedef enum {
    GROUP_ALWAYS,     /* always written; required in input */
    GROUP_FLAG,       /* written when the gboolean at flag_offset is set */
    GROUP_FIELD_SET,  /* written when its member at flag_offset (a pointer) is set */
    GROUP_OWNED,      /* the struct is a pointer at offset, NULL when absent */
    GROUP_FUNC,       /* written when present(parent) */
} GroupPresence;

typedef struct _Schema Schema;

typedef struct {
    const char *name;              /* NULL: a group whose members are inline */
    MemberKind kind;
    gsize offset;                  /* in the parent struct */
    guint flags;
    const char *const *names;      /* M_ENUM, M_FLAGS, M_CONST */
    gsize n_names;
    const Schema *schema;          /* M_GROUP, M_ARRAY elements */
    GroupPresence presence;
    gsize flag_offset;
    gpointer (*new_struct)(void);  /* GROUP_OWNED; M_ARRAY of pointers */
    gboolean (*present)(const void *parent);
} Member;

struct _Schema {
    const Member *members;
    gsize n_members;
};

#define SCALAR(n, k, T, m, fl) \
    { .name = n, .kind = k, .offset = G_STRUCT_OFFSET(T, m), .flags = fl }
#define NAMED(n, k, T, m, fl, table) \
    { .name = n, .kind = k, .offset = G_STRUCT_OFFSET(T, m), .flags = fl, \
      .names = table, .n_names = G_N_ELEMENTS(table) }
#define GROUP(n, pres, off, flag_off, sch) \
    { .name = n, .kind = M_GROUP, .offset = off, .presence = pres, \
      .flag_offset = flag_off, .schema = &sch }
#define ARRAY(n, T, m, new_fn, sch) \
    { .name = n, .kind = M_ARRAY, .offset = G_STRUCT_OFFSET(T, m), \
      .new_struct = new_fn, .schema = &sch }
#define SCHEMA(var, members) \
    static const Schema var = { members, G_N_ELEMENTS(members) }

static const char *const tsc_counter_names[] = { "tsc" };

/* -- <cpu> -- */

static const Member microcode_members[] = {
    SCALAR("version", M_UINT, VcHostCpu, microcode, 0),
};
SCHEMA(microcode_schema, microcode_members);

static const Member signature_members[] = {
    SCALAR("family", M_UINT, VcHostCpu, family, 0),
    SCALAR("model", M_UINT, VcHostCpu, model_number, 0),
    SCALAR("stepping", M_UINT, VcHostCpu, stepping, 0),
};
SCHEMA(signature_schema, signature_members);

static const Member counter_members[] = {
    { .name = "name", .kind = M_CONST, .flags = F_OPTIONAL,
      .names = tsc_counter_names, .n_names = 1 },
    SCALAR("frequency", M_UINT64, VcHostCpu, tsc_frequency, 0),
    NAMED("scaling", M_ENUM, VcHostCpu, tsc_scaling, F_OPTIONAL, vc_tsc_scaling_names),
};
SCHEMA(counter_schema, counter_members);

static const Member cpu_topology_members[] = {
    SCALAR("sockets", M_UINT, VcHostCpu, sockets, 0),
    SCALAR("dies", M_UINT, VcHostCpu, dies, 0),
    SCALAR("clusters", M_UINT, VcHostCpu, clusters, 0),
    SCALAR("cores", M_UINT, VcHostCpu, cores, 0),
    SCALAR("threads", M_UINT, VcHostCpu, threads, 0),
};
SCHEMA(cpu_topology_schema, cpu_topology_members);

static const Member maxphysaddr_members[] = {
    SCALAR("mode", M_STRING, VcHostCpu, maxphysaddr_mode, 0),
    SCALAR("bits", M_UINT, VcHostCpu, maxphysaddr_bits, F_OPTIONAL),
};
SCHEMA(maxphysaddr_schema, maxphysaddr_members);

static const Member cpu_page_members[] = {
    SCALAR("size", M_UINT, VcPageInfo, size_kib, 0),
};
SCHEMA(cpu_page_schema, cpu_page_members);

#define CPU_FLAG(m) G_STRUCT_OFFSET(VcHostCpu, m)
static const Member cpu_members[] = {
    SCALAR("arch", M_STRING, VcHostCpu, arch, F_OPTIONAL),
    SCALAR("model", M_STRING, VcHostCpu, model, F_OPTIONAL),
    SCALAR("vendor", M_STRING, VcHostCpu, vendor, F_OPTIONAL),
    GROUP("microcode", GROUP_FLAG, 0, CPU_FLAG(has_microcode), microcode_schema),
    GROUP("signature", GROUP_FLAG, 0, CPU_FLAG(has_signature), signature_schema),
    GROUP("counter", GROUP_FLAG, 0, CPU_FLAG(has_tsc), counter_schema),
    GROUP("topology", GROUP_FLAG, 0, CPU_FLAG(has_topology), cpu_topology_schema),
    GROUP("maxphysaddr", GROUP_FIELD_SET, 0, CPU_FLAG(maxphysaddr_mode), maxphysaddr_schema),
    SCALAR("features", M_STRLIST, VcHostCpu, features, 0),
    ARRAY("pages", VcHostCpu, pages, NULL, cpu_page_schema),
};
SCHEMA(cpu_schema, cpu_members);

/* -- <topology> -- */

static const Member cell_page_members[] = {
    SCALAR("size", M_UINT, VcPageInfo, size_kib, 0),
    SCALAR("count", M_UINT64, VcPageInfo, count, 0),
};
SCHEMA(cell_page_schema, cell_page_members);

static const Member distance_members[] = {
    SCALAR("id", M_UINT, VcDistance, node, 0),
    SCALAR("value", M_UINT, VcDistance, value, 0),
};
SCHEMA(distance_schema, distance_members);

static const Member numa_cache_members[] = {
    SCALAR("level", M_UINT, VcNumaCache, level, 0),
    NAMED("associativity", M_ENUM, VcNumaCache, associativity, F_OPTIONAL,
          vc_numa_cache_associativity_names),
    NAMED("policy", M_ENUM, VcNumaCache, policy, F_OPTIONAL, vc_numa_cache_policy_names),
    SCALAR("size", M_UINT64, VcNumaCache, size_kib, 0),
    SCALAR("line", M_UINT, VcNumaCache, line_bytes, 0),
};
SCHEMA(numa_cache_schema, numa_cache_members);

/* libvirt prints a CPU's topology only with its siblings: all or none. */
static const Member cell_cpu_topology_members[] = {
    SCALAR("socket_id", M_INT, VcCellCpu, socket_id, 0),
    SCALAR("die_id", M_INT, VcCellCpu, die_id, 0),
    SCALAR("cluster_id", M_INT, VcCellCpu, cluster_id, 0),
    SCALAR("core_id", M_INT, VcCellCpu, core_id, 0),
    SCALAR("siblings", M_BITMAP, VcCellCpu, siblings, 0),
};
SCHEMA(cell_cpu_topology_schema, cell_cpu_topology_members);

static const Member cell_cpu_members[] = {
    SCALAR("id", M_UINT, VcCellCpu, id, 0),
    GROUP(NULL, GROUP_FIELD_SET, 0, G_STRUCT_OFFSET(VcCellCpu, siblings),
          cell_cpu_topology_schema),
};
SCHEMA(cell_cpu_schema, cell_cpu_members);

static const Member cell_members[] = {
    SCALAR("id", M_UINT, VcNumaCell, id, 0),
    SCALAR("memory", M_UINT64, VcNumaCell, memory_kib, F_OPTIONAL),
    ARRAY("pages", VcNumaCell, pages, NULL, cell_page_schema),
    ARRAY("distances", VcNumaCell, distances, NULL, distance_schema),
    ARRAY("caches", VcNumaCell, caches, NULL, numa_cache_schema),
    ARRAY("cpus", VcNumaCell, cpus, NULL, cell_cpu_schema),
};
SCHEMA(cell_schema, cell_members);

static const Member interconnect_members[] = {
    NAMED("kind", M_ENUM, VcInterconnect, type, 0, vc_interconnect_type_names),
    SCALAR("initiator", M_UINT, VcInterconnect, initiator, 0),
    SCALAR("target", M_UINT, VcInterconnect, target, 0),
    SCALAR("cache", M_UINT, VcInterconnect, cache, F_OPTIONAL),
    NAMED("type", M_ENUM, VcInterconnect, access, 0, vc_memory_access_names),
    SCALAR("value", M_UINT64, VcInterconnect, value, 0),
};
SCHEMA(interconnect_schema, interconnect_members);

static gpointer
new_cell(void)
{
    return vc_numa_cell_new(0);
}

static const Member topology_members[] = {
    ARRAY("cells", VcHostCaps, cells, new_cell, cell_schema),
    ARRAY("interconnects", VcHostCaps, interconnects, NULL, interconnect_schema),
};
SCHEMA(topology_schema, topology_members);

/* -- <cache> and <memory_bandwidth> -- */

static const Member monitor_cache_members[] = {
    SCALAR("level", M_UINT, VcResctrlMonitor, level, 0),
    SCALAR("reuseThreshold", M_UINT, VcResctrlMonitor, reuse_threshold, 0),
};
SCHEMA(monitor_cache_schema, monitor_cache_members);

static const Member monitor_common_members[] = {
    SCALAR("maxMonitors", M_UINT, VcResctrlMonitor, max_monitors, 0),
    SCALAR("features", M_STRLIST, VcResctrlMonitor, features, 0),
};
SCHEMA(monitor_common_schema, monitor_common_members);

static const Member monitor_members[] = {
    GROUP(NULL, GROUP_FLAG, 0, G_STRUCT_OFFSET(VcResctrlMonitor, is_cache),
          monitor_cache_schema),
    GROUP(NULL, GROUP_ALWAYS, 0, 0, monitor_common_schema),
};
SCHEMA(monitor_schema, monitor_members);

static const Member cache_control_members[] = {
    SCALAR("granularity", M_UINT64, VcCacheControl, granularity_bytes, F_POSITIVE),
    SCALAR("min", M_UINT64, VcCacheControl, min_bytes, F_OPTIONAL),
    NAMED("type", M_ENUM, VcCacheControl, scope, 0, vc_cache_type_names),
    SCALAR("maxAllocs", M_UINT, VcCacheControl, max_allocs, 0),
};
SCHEMA(cache_control_schema, cache_control_members);

static const Member cache_bank_members[] = {
    SCALAR("id", M_UINT, VcCacheBank, id, 0),
    SCALAR("level", M_UINT, VcCacheBank, level, 0),
    NAMED("type", M_ENUM, VcCacheBank, type, 0, vc_cache_type_names),
    SCALAR("size", M_UINT64, VcCacheBank, size_bytes, 0),
    SCALAR("cpus", M_BITMAP, VcCacheBank, cpus, 0),
    ARRAY("controls", VcCacheBank, controls, NULL, cache_control_schema),
};
SCHEMA(cache_bank_schema, cache_bank_members);

static gpointer
new_cache_bank(void)
{
    return vc_cache_bank_new();
}

static gpointer
new_monitor(void)
{
    return vc_resctrl_monitor_new();
}

static const Member cache_members[] = {
    ARRAY("banks", VcHostCaps, cache_banks, new_cache_bank, cache_bank_schema),
    { .name = "monitor", .kind = M_GROUP, .offset = G_STRUCT_OFFSET(VcHostCaps, cache_monitor),
      .presence = GROUP_OWNED, .new_struct = new_monitor, .schema = &monitor_schema },
};
SCHEMA(cache_schema, cache_members);

static const Member membw_control_members[] = {
    SCALAR("granularity", M_UINT, VcMemBwNode, granularity, 0),
    SCALAR("min", M_UINT, VcMemBwNode, min, 0),
    SCALAR("maxAllocs", M_UINT, VcMemBwNode, max_allocs, 0),
};
SCHEMA(membw_control_schema, membw_control_members);

static const Member membw_node_members[] = {
    SCALAR("id", M_UINT, VcMemBwNode, id, 0),
    SCALAR("cpus", M_BITMAP, VcMemBwNode, cpus, 0),
    GROUP("control", GROUP_ALWAYS, 0, 0, membw_control_schema),
};
SCHEMA(membw_node_schema, membw_node_members);

static gpointer
new_membw_node(void)
{
    return vc_membw_node_new();
}

static const Member membw_members[] = {
    ARRAY("nodes", VcHostCaps, membw_nodes, new_membw_node, membw_node_schema),
    { .name = "monitor", .kind = M_GROUP, .offset = G_STRUCT_OFFSET(VcHostCaps, membw_monitor),
      .presence = GROUP_OWNED, .new_struct = new_monitor, .schema = &monitor_schema },
};
SCHEMA(membw_schema, membw_members);

/* -- <secmodel> -- */

static const Member baselabel_members[] = {
    SCALAR("type", M_STRING, VcBaseLabel, type, 0),
    SCALAR("label", M_STRING, VcBaseLabel, label, 0),
};
SCHEMA(baselabel_schema, baselabel_members);

static const Member secmodel_members[] = {
    SCALAR("model", M_STRING, VcSecModel, model, 0),
    SCALAR("doi", M_STRING, VcSecModel, doi, 0),
    ARRAY("baselabels", VcSecModel, baselabels, NULL, baselabel_schema),
};
SCHEMA(secmodel_schema, secmodel_members);

static gpointer
new_secmodel(void)
{
    return vc_secmodel_new(NULL, NULL);
}

/* -- <guest> (docs/guests.md) -- */

static const Member guest_machine_members[] = {
    SCALAR("name", M_STRING, VcGuestMachine, name, 0),
    SCALAR("canonical", M_STRING, VcGuestMachine, canonical, F_OPTIONAL),
    SCALAR("maxCpus", M_UINT, VcGuestMachine, max_cpus, F_OPTIONAL),
    SCALAR("deprecated", M_BOOL, VcGuestMachine, deprecated, F_OPTIONAL),
};
SCHEMA(guest_machine_schema, guest_machine_members);

static const Member guest_domain_members[] = {
    SCALAR("type", M_STRING, VcGuestDomain, type, 0),
    SCALAR("emulator", M_STRING, VcGuestDomain, emulator, F_OPTIONAL),
    SCALAR("loader", M_STRING, VcGuestDomain, loader, F_OPTIONAL),
    ARRAY("machines", VcGuestDomain, machines, NULL, guest_machine_schema),
};
SCHEMA(guest_domain_schema, guest_domain_members);

static const Member guest_feature_members[] = {
    NAMED("default", M_ENUM, VcGuestFeature, default_on, F_OPTIONAL, vc_tristate_switch_names),
    NAMED("toggle", M_ENUM, VcGuestFeature, toggle, F_OPTIONAL, vc_tristate_bool_names),
};
SCHEMA(guest_feature_schema, guest_feature_members);

/* One object per present feature, in libvirt's order (vc_guest_feature_names). */
#define GUEST_FEATURE(n, t) \
    GROUP(n, GROUP_FLAG, G_STRUCT_OFFSET(VcGuest, features) + (t) * sizeof(VcGuestFeature), \
          G_STRUCT_OFFSET(VcGuest, features) + (t) * sizeof(VcGuestFeature) + \
          G_STRUCT_OFFSET(VcGuestFeature, present), guest_feature_schema)
static const Member guest_features_members[] = {
    GUEST_FEATURE("pae", VC_GUEST_FEATURE_PAE),
    GUEST_FEATURE("nonpae", VC_GUEST_FEATURE_NONPAE),
    GUEST_FEATURE("ia64_be", VC_GUEST_FEATURE_IA64_BE),
    GUEST_FEATURE("acpi", VC_GUEST_FEATURE_ACPI),
    GUEST_FEATURE("apic", VC_GUEST_FEATURE_APIC),
    GUEST_FEATURE("cpuselection", VC_GUEST_FEATURE_CPUSELECTION),
    GUEST_FEATURE("deviceboot", VC_GUEST_FEATURE_DEVICEBOOT),
    GUEST_FEATURE("disksnapshot", VC_GUEST_FEATURE_DISKSNAPSHOT),
    GUEST_FEATURE("externalSnapshot", VC_GUEST_FEATURE_EXTERNAL_SNAPSHOT),
};
SCHEMA(guest_features_schema, guest_features_members);
G_STATIC_ASSERT(G_N_ELEMENTS(guest_features_members) == VC_GUEST_FEATURE_LAST);

static gpointer
new_guest_domain(void)
{
    return vc_guest_domain_new(NULL);
}

static const Member guest_members[] = {
    SCALAR("os_type", M_STRING, VcGuest, os_type, 0),
    SCALAR("arch", M_STRING, VcGuest, arch, 0),
    SCALAR("wordsize", M_UINT, VcGuest, wordsize, 0),
    SCALAR("emulator", M_STRING, VcGuest, emulator, F_OPTIONAL),
    SCALAR("loader", M_STRING, VcGuest, loader, F_OPTIONAL),
    ARRAY("machines", VcGuest, machines, NULL, guest_machine_schema),
    ARRAY("domains", VcGuest, domains, new_guest_domain, guest_domain_schema),
    GROUP("features", GROUP_ALWAYS, 0, 0, guest_features_schema),
};
SCHEMA(guest_schema, guest_members);

static gpointer
new_guest(void)
{
    return vc_guest_new(NULL, NULL, 0, NULL);
}

/* -- <host> -- */

static gboolean
has_topology(const void *parent)
{
    return ((const VcHostCaps *)parent)->cells->len > 0;
}

static gboolean
has_cache(const void *parent)
{
    const VcHostCaps *caps = parent;
    return caps->cache_banks->len || caps->cache_monitor;
}

static gboolean
has_membw(const void *parent)
{
    const VcHostCaps *caps = parent;
    return caps->membw_nodes->len || caps->membw_monitor;
}

static const Member iommu_members[] = {
    SCALAR("support", M_BOOL, VcHostCaps, iommu, 0),
};
SCHEMA(iommu_schema, iommu_members);

static const Member migration_members[] = {
    SCALAR("live", M_BOOL, VcHostCaps, migration_live, 0),
    SCALAR("uri_transports", M_STRLIST, VcHostCaps, uri_transports, 0),
};
SCHEMA(migration_schema, migration_members);

#define HOST_SECTION(n, fn, sch) \
    { .name = n, .kind = M_GROUP, .presence = GROUP_FUNC, .present = fn, .schema = &sch }
static const Member host_members[] = {
    SCALAR("uuid", M_STRING, VcHostCaps, uuid, F_OPTIONAL),
    GROUP("cpu", GROUP_ALWAYS, G_STRUCT_OFFSET(VcHostCaps, cpu), 0, cpu_schema),
    NAMED("power_management", M_FLAGS, VcHostCaps, power_management, 0, vc_pm_target_names),
    GROUP("iommu", GROUP_ALWAYS, 0, 0, iommu_schema),
    GROUP("migration_features", GROUP_FLAG, 0, G_STRUCT_OFFSET(VcHostCaps, migration_offline),
          migration_schema),
    HOST_SECTION("topology", has_topology, topology_schema),
    HOST_SECTION("cache", has_cache, cache_schema),
    HOST_SECTION("memory_bandwidth", has_membw, membw_schema),
    ARRAY("secmodels", VcHostCaps, secmodels, new_secmodel, secmodel_schema),
};
SCHEMA(host_schema, host_members);

static const Member root_members[] = {
    GROUP("host", GROUP_ALWAYS, 0, 0, host_schema),
    ARRAY("guests", VcHostCaps, guests, new_guest, guest_schema),
};
SCHEMA(root_schema, root_members);

/* ---- helpers ------------------------------------------------------------ */

#define AT(base, off, T) ((T *)(void *)((char *)(base) + (off)))
#define AT_CONST(base, off, T) ((T const *)(const void *)((const char *)(base) + (off)))

static json_object *
new_json_u64(guint64 v)
{
    return v <= (guint64)G_MAXINT64 ? json_object_new_int64((gint64)v) : json_object_new_uint64(v);
}

/* ---- writing ------------------------------------------------------------ */

static void format_schema(json_object *obj, const Schema *schema, const void *base);

static gboolean
scalar_is_unset(const Member *m, const void *p)
{
    switch (m->kind) {
    case M_UINT:
    case M_INT:
    case M_ENUM:
    case M_FLAGS:
        return *(const guint *)p == 0;
    case M_UINT64:
        return *(const guint64 *)p == 0;
    case M_BOOL:
        return !*(const gboolean *)p;
    case M_STRING:
    case M_BITMAP:
        return *(const void *const *)p == NULL;
    default:
        return FALSE;
    }
}

static json_object *
strlist_to_json(const GPtrArray *list)
{
    json_object *arr = json_object_new_array();

    for (guint i = 0; list && i < list->len; i++)
        json_object_array_add(arr, json_object_new_string(g_ptr_array_index(list, i)));
    return arr;
}

static json_object *
flags_to_json(const Member *m, guint flags)
{
    json_object *arr = json_object_new_array();

    for (gsize bit = 0; bit < m->n_names; bit++)
        if (flags & (1u << bit))
            json_object_array_add(arr, json_object_new_string(m->names[bit]));
    return arr;
}

static json_object *
bitmap_to_json(const VcBitmap *b)
{
    g_autofree char *text = vc_bitmap_format(b);
    return json_object_new_string(text);
}

/* The JSON value of a scalar member, NULL when there is nothing to write. */
static json_object *
scalar_to_json(const Member *m, const void *p)
{
    switch (m->kind) {
    case M_UINT:
        return json_object_new_int64(*(const guint *)p);
    case M_INT:
        return json_object_new_int64(*(const gint *)p);
    case M_UINT64:
        return new_json_u64(*(const guint64 *)p);
    case M_BOOL:
        return json_object_new_boolean(*(const gboolean *)p);
    case M_STRING:
        return *(char *const *)p ? json_object_new_string(*(char *const *)p) : NULL;
    case M_ENUM:
        return *(const guint *)p < m->n_names
            ? json_object_new_string(m->names[*(const guint *)p]) : NULL;
    case M_CONST:
        return json_object_new_string(m->names[0]);
    case M_FLAGS:
        return flags_to_json(m, *(const guint *)p);
    case M_BITMAP:
        return *(VcBitmap *const *)p ? bitmap_to_json(*(VcBitmap *const *)p) : NULL;
    case M_STRLIST:
        return strlist_to_json(*(GPtrArray *const *)p);
    default:
        return NULL;
    }
}

static gboolean
group_is_present(const Member *m, const void *parent)
{
    switch (m->presence) {
    case GROUP_ALWAYS:
        return TRUE;
    case GROUP_FLAG:
        return *AT_CONST(parent, m->flag_offset, gboolean);
    case GROUP_FIELD_SET:
        return *AT_CONST(parent, m->flag_offset, void *) != NULL;
    case GROUP_OWNED:
        return *AT_CONST(parent, m->offset, void *) != NULL;
    case GROUP_FUNC:
        return m->present(parent);
    }
    return FALSE;
}

static const void *
group_base(const Member *m, const void *parent)
{
    if (m->presence == GROUP_OWNED)
        return *AT_CONST(parent, m->offset, void *);
    return AT_CONST(parent, m->offset, char);
}

static void
format_group(json_object *obj, const Member *m, const void *parent)
{
    json_object *sub;

    if (!group_is_present(m, parent))
        return;
    if (!m->name) {
        format_schema(obj, m->schema, group_base(m, parent));
        return;
    }
    sub = json_object_new_object();
    format_schema(sub, m->schema, group_base(m, parent));
    json_object_object_add(obj, m->name, sub);
}

static void
format_array(json_object *obj, const Member *m, const void *parent)
{
    json_object *arr = json_object_new_array();

    if (m->new_struct) {
        const GPtrArray *list = *AT_CONST(parent, m->offset, GPtrArray *);
        for (guint i = 0; i < list->len; i++) {
            json_object *elem = json_object_new_object();
            format_schema(elem, m->schema, g_ptr_array_index(list, i));
            json_object_array_add(arr, elem);
        }
    } else {
        GArray *list = *AT_CONST(parent, m->offset, GArray *);
        guint size = g_array_get_element_size(list);
        for (guint i = 0; i < list->len; i++) {
            json_object *elem = json_object_new_object();
            format_schema(elem, m->schema, list->data + (gsize)i * size);
            json_object_array_add(arr, elem);
        }
    }
    json_object_object_add(obj, m->name, arr);
}

static void
format_member(json_object *obj, const Member *m, const void *base)
{
    const void *p = AT_CONST(base, m->offset, char);
    json_object *value;

    if (m->kind == M_GROUP) {
        format_group(obj, m, base);
        return;
    }
    if (m->kind == M_ARRAY) {
        format_array(obj, m, base);
        return;
    }
    if ((m->flags & F_OPTIONAL) && scalar_is_unset(m, p))
        return;
    if ((value = scalar_to_json(m, p)))
        json_object_object_add(obj, m->name, value);
}

static void
format_schema(json_object *obj, const Schema *schema, const void *base)
{
    for (gsize i = 0; i < schema->n_members; i++)
        format_member(obj, &schema->members[i], base);
}

json_object *
vc_host_caps_to_json(const VcHostCaps *caps)
{
    json_object *root = json_object_new_object();

    format_schema(root, &root_schema, caps);
    return root;
}

char *
vc_host_caps_format_json(const VcHostCaps *caps)
{
    g_autoptr(json_object) root = vc_host_caps_to_json(caps);
    const char *text = json_object_to_json_string_ext(root,
        JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);

    return g_strconcat(text, "\n", NULL);
}

/* ---- reading ------------------------------------------------------------ */

static gboolean parse_schema(VcJsonCtx *ctx, json_object *obj, const Schema *schema,
                             void *base);
static gboolean parse_members(VcJsonCtx *ctx, json_object *obj, const Schema *schema,
                              void *base);

static const char *
json_type_label(json_object *v)
{
    static const char *const labels[] = {
        [json_type_null] = "null", [json_type_boolean] = "a boolean",
        [json_type_double] = "a number with a fraction or exponent",
        [json_type_int] = "an integer", [json_type_object] = "an object",
        [json_type_array] = "an array", [json_type_string] = "a string",
    };
    json_type t = json_object_get_type(v);

    return (gsize)t < G_N_ELEMENTS(labels) && labels[t] ? labels[t] : "something else";
}

static gboolean
expect_type(VcJsonCtx *ctx, json_object *v, json_type type, const char *what)
{
    if (json_object_is_type(v, type))
        return TRUE;
    return vc_json_fail(ctx, "expected %s, got %s", what, json_type_label(v));
}

static gboolean
get_u64(VcJsonCtx *ctx, json_object *v, guint64 max, guint64 *out)
{
    if (!expect_type(ctx, v, json_type_int, "an integer"))
        return FALSE;
    /* json-c saturates integers beyond 64 bits, so a saturated value is out
     * of range here too: max is at most G_MAXINT64. */
    if (json_object_get_int64(v) < 0 || json_object_get_uint64(v) > max)
        return vc_json_fail(ctx, "integer out of range (0 to %" G_GUINT64_FORMAT ")", max);
    *out = json_object_get_uint64(v);
    return TRUE;
}

static gboolean
get_int(VcJsonCtx *ctx, json_object *v, gint *out)
{
    gint64 i;

    if (!expect_type(ctx, v, json_type_int, "an integer"))
        return FALSE;
    i = json_object_get_int64(v);
    if (i < G_MININT || i > G_MAXINT)
        return vc_json_fail(ctx, "integer out of range (%d to %d)", G_MININT, G_MAXINT);
    *out = (gint)i;
    return TRUE;
}

static gboolean
get_string(VcJsonCtx *ctx, json_object *v, const char **out)
{
    if (!expect_type(ctx, v, json_type_string, "a string"))
        return FALSE;
    *out = json_object_get_string(v);
    if (strlen(*out) != (gsize)json_object_get_string_len(v))
        return vc_json_fail(ctx, "string contains a NUL character");
    return TRUE;
}

static gboolean
get_name(VcJsonCtx *ctx, json_object *v, const Member *m, guint *index)
{
    const char *s;
    int i;
    g_autoptr(GString) msg = NULL;

    if (!get_string(ctx, v, &s))
        return FALSE;
    if ((i = vc_name_index(m->names, m->n_names, s)) >= 0) {
        *index = (guint)i;
        return TRUE;
    }
    msg = g_string_new("unknown value \"");
    vc_json_append_quoted(msg, s);
    g_string_append(msg, "\" (expected one of:");
    for (gsize k = 0; k < m->n_names; k++)
        g_string_append_printf(msg, "%s %s", k ? "," : "", m->names[k]);
    g_string_append_c(msg, ')');
    return vc_json_fail(ctx, "%s", msg->str);
}

/* An upper bound of the members of a CPU list, without building it. */
static guint64
cpulist_weight(const char *text)
{
    guint64 total = 0;
    const char *p = text;

    while (*p) {
        char *end;
        guint64 first = g_ascii_strtoull(p, &end, 10), last = first;
        if (end == p)
            break;          /* malformed: vc_bitmap_parse says why */
        if (*end == '-') {
            p = end + 1;
            last = g_ascii_strtoull(p, &end, 10);
            if (end == p)
                break;
        }
        total += (last >= first ? MIN(last - first, G_MAXUINT32) : 0) + 1;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            break;
    }
    return total;
}

static gboolean
get_bitmap(VcJsonCtx *ctx, json_object *v, VcBitmap **out)
{
    g_autoptr(GError) err = NULL;
    const char *s;
    guint64 weight;
    VcBitmap *b;

    if (!get_string(ctx, v, &s))
        return FALSE;
    weight = cpulist_weight(s);
    if (weight > ctx->bitmap_budget)
        return vc_json_fail(ctx, "CPU lists of the document have too many members");
    ctx->bitmap_budget -= weight;
    if (!(b = vc_bitmap_parse(s, &err)))
        return vc_json_fail(ctx, "invalid CPU list: %s", err->message);
    vc_bitmap_free(*out);
    *out = b;
    return TRUE;
}

static gboolean
get_strlist(VcJsonCtx *ctx, json_object *v, GPtrArray *list)
{
    if (!expect_type(ctx, v, json_type_array, "an array of strings"))
        return FALSE;
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        gsize mark = vc_json_path_push_index(ctx, i);
        const char *s;
        if (!get_string(ctx, json_object_array_get_idx(v, i), &s))
            return FALSE;
        g_ptr_array_add(list, g_strdup(s));
        vc_json_path_pop(ctx, mark);
    }
    return TRUE;
}

static gboolean
get_flags(VcJsonCtx *ctx, json_object *v, const Member *m, guint *flags)
{
    if (!expect_type(ctx, v, json_type_array, "an array of names"))
        return FALSE;
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        gsize mark = vc_json_path_push_index(ctx, i);
        guint bit;
        if (!get_name(ctx, json_object_array_get_idx(v, i), m, &bit))
            return FALSE;
        if (*flags & (1u << bit))
            return vc_json_fail(ctx, "\"%s\" is listed twice", m->names[bit]);
        *flags |= 1u << bit;
        vc_json_path_pop(ctx, mark);
    }
    return TRUE;
}

static gboolean
get_const(VcJsonCtx *ctx, json_object *v, const Member *m)
{
    guint ignored;
    return get_name(ctx, v, m, &ignored);
}

static gboolean
parse_scalar(VcJsonCtx *ctx, json_object *v, const Member *m, void *p)
{
    guint64 u;
    const char *s;

    switch (m->kind) {
    case M_UINT:
        if (!get_u64(ctx, v, G_MAXUINT, &u))
            return FALSE;
        *(guint *)p = (guint)u;
        return TRUE;
    case M_UINT64:
        return get_u64(ctx, v, G_MAXINT64, (guint64 *)p);
    case M_INT:
        return get_int(ctx, v, (gint *)p);
    case M_BOOL:
        if (!expect_type(ctx, v, json_type_boolean, "true or false"))
            return FALSE;
        *(gboolean *)p = json_object_get_boolean(v);
        return TRUE;
    case M_STRING:
        if (!get_string(ctx, v, &s))
            return FALSE;
        g_free(*(char **)p);
        *(char **)p = g_strdup(s);
        return TRUE;
    case M_ENUM:
        return get_name(ctx, v, m, (guint *)p);
    case M_CONST:
        return get_const(ctx, v, m);
    case M_FLAGS:
        return get_flags(ctx, v, m, (guint *)p);
    case M_BITMAP:
        return get_bitmap(ctx, v, (VcBitmap **)p);
    case M_STRLIST:
        return get_strlist(ctx, v, *(GPtrArray **)p);
    default:
        return FALSE;
    }
}

static gboolean
parse_checked_scalar(VcJsonCtx *ctx, json_object *v, const Member *m, void *p)
{
    if (!parse_scalar(ctx, v, m, p))
        return FALSE;
    if ((m->flags & F_POSITIVE) && scalar_is_unset(m, p))
        return vc_json_fail(ctx, "must be positive");
    return TRUE;
}

/* Whether the schema (with its inline groups) has a member called key. */
static gboolean
schema_knows(const Schema *schema, const char *key)
{
    for (gsize i = 0; i < schema->n_members; i++) {
        const Member *m = &schema->members[i];
        if (m->name ? strcmp(m->name, key) == 0 : schema_knows(m->schema, key))
            return TRUE;
    }
    return FALSE;
}

static gboolean
check_members(VcJsonCtx *ctx, json_object *obj, const Schema *schema)
{
    json_object_object_foreach(obj, key, value) {
        (void)value;
        if (!schema_knows(schema, key)) {
            vc_json_path_push_member(ctx, key);
            return vc_json_fail(ctx, "unknown member");
        }
    }
    return TRUE;
}

/* Whether an inline group has any of its members in obj. */
static gboolean
inline_group_given(json_object *obj, const Schema *schema)
{
    for (gsize i = 0; i < schema->n_members; i++)
        if (schema->members[i].name &&
            json_object_object_get_ex(obj, schema->members[i].name, NULL))
            return TRUE;
    return FALSE;
}

static void *
group_base_for_parse(const Member *m, void *parent)
{
    void **owned;

    if (m->presence != GROUP_OWNED)
        return AT(parent, m->offset, char);
    owned = AT(parent, m->offset, void *);
    if (!*owned)
        *owned = m->new_struct();
    return *owned;
}

static gboolean
parse_group(VcJsonCtx *ctx, json_object *obj, const Member *m, void *parent)
{
    json_object *sub = obj;

    if (!m->name) {
        if (m->presence != GROUP_ALWAYS && !inline_group_given(obj, m->schema))
            return TRUE;
    } else if (!json_object_object_get_ex(obj, m->name, &sub)) {
        return m->presence != GROUP_ALWAYS || vc_json_fail(ctx, "missing member");
    }
    if (m->presence == GROUP_FLAG)
        *AT(parent, m->flag_offset, gboolean) = TRUE;
    if (!m->name)   /* the parent object checked the inline members */
        return parse_members(ctx, obj, m->schema, group_base_for_parse(m, parent));
    return parse_schema(ctx, sub, m->schema, group_base_for_parse(m, parent));
}

static void *
array_new_element(const Member *m, void *parent)
{
    if (m->new_struct) {
        GPtrArray *list = *AT(parent, m->offset, GPtrArray *);
        g_ptr_array_add(list, m->new_struct());
        return g_ptr_array_index(list, list->len - 1);
    } else {
        GArray *list = *AT(parent, m->offset, GArray *);
        g_array_set_size(list, list->len + 1);
        return list->data + (gsize)(list->len - 1) * g_array_get_element_size(list);
    }
}

static gboolean
parse_array(VcJsonCtx *ctx, json_object *v, const Member *m, void *parent)
{
    if (!expect_type(ctx, v, json_type_array, "an array"))
        return FALSE;
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        gsize mark = vc_json_path_push_index(ctx, i);
        if (!parse_schema(ctx, json_object_array_get_idx(v, i), m->schema,
                          array_new_element(m, parent)))
            return FALSE;
        vc_json_path_pop(ctx, mark);
    }
    return TRUE;
}

static gboolean
parse_member(VcJsonCtx *ctx, json_object *obj, const Member *m, void *base)
{
    json_object *v;
    gsize mark;
    gboolean ok;

    if (m->kind == M_GROUP && !m->name)
        return parse_group(ctx, obj, m, base);
    mark = vc_json_path_push_member(ctx, m->name);
    if (m->kind == M_GROUP)
        ok = parse_group(ctx, obj, m, base);
    else if (!json_object_object_get_ex(obj, m->name, &v))
        ok = m->kind == M_ARRAY || m->kind == M_STRLIST || m->kind == M_FLAGS ||
             (m->flags & F_OPTIONAL) || vc_json_fail(ctx, "missing member");
    else if (m->kind == M_ARRAY)
        ok = parse_array(ctx, v, m, base);
    else
        ok = parse_checked_scalar(ctx, v, m, AT(base, m->offset, char));
    if (ok)
        vc_json_path_pop(ctx, mark);
    return ok;
}

static gboolean
parse_members(VcJsonCtx *ctx, json_object *obj, const Schema *schema, void *base)
{
    for (gsize i = 0; i < schema->n_members; i++)
        if (!parse_member(ctx, obj, &schema->members[i], base))
            return FALSE;
    return TRUE;
}

static gboolean
parse_schema(VcJsonCtx *ctx, json_object *obj, const Schema *schema, void *base)
{
    return expect_type(ctx, obj, json_type_object, "an object") &&
           check_members(ctx, obj, schema) &&
           parse_members(ctx, obj, schema, base);
}

VcHostCaps *
vc_host_caps_from_json(json_object *root, const char *source, GError **error)
{
    g_autoptr(VcHostCaps) caps = vc_host_caps_new();
    VcJsonCtx ctx;
    gboolean ok;

    vc_json_ctx_init(&ctx, source, error);
    ok = parse_schema(&ctx, root, &root_schema, caps);
    vc_json_ctx_clear(&ctx);
    return ok ? g_steal_pointer(&caps) : NULL;
}
