/*
 * libvirt's guest rules (see guests.h) as tables: one row per virArch, in
 * virArch order, holding everything the rules need about an arch.
 */
#include "policy/guests.h"

#include <string.h>

#include "domcaps/flags.h"
#include "qemu/target.h"
#include "qemu/probe.h"

enum {
    ARCH_X86 = 1 << 0,     /* ARCH_IS_X86: apic */
    ARCH_ACPI = 1 << 1,    /* acpi default='on' toggle='yes' */
    ARCH_PAE = 1 << 2,     /* i686: pae and nonpae */
    ARCH_PPC64 = 1 << 3,   /* ARCH_IS_PPC64: one family for native and target rules */
};

typedef struct {
    const char *name;       /* virArchToString */
    guint wordsize;         /* virArchGetWordSize */
    const char *qemu;       /* virQEMUCapsArchToString: qemu-system-<qemu> */
    const char *machine;    /* preferredMachines[]: listed first */
    guint flags;
} ArchInfo;

static const ArchInfo archs[] = {
    { "alpha", 64, "alpha", "clipper", 0 },
    { "armv6l", 32, "arm", "integratorcp", 0 },
    { "armv7l", 32, "arm", "virt", 0 },
    { "armv7b", 32, "armv7b", "virt", 0 },
    { "aarch64", 64, "aarch64", "virt", ARCH_ACPI },
    { "cris", 32, "cris", "axis-dev88", 0 },
    { "i686", 32, "i386", "pc", ARCH_X86 | ARCH_ACPI | ARCH_PAE },
    { "ia64", 64, "ia64", NULL, 0 },
    { "lm32", 32, "lm32", "lm32-evr", 0 },
    { "loongarch64", 64, "loongarch64", "virt", ARCH_ACPI },
    { "m68k", 32, "m68k", "mcf5208evb", 0 },
    { "microblaze", 32, "microblaze", "petalogix-s3adsp1800", 0 },
    { "microblazeel", 32, "microblazeel", "petalogix-s3adsp1800", 0 },
    { "mips", 32, "mips", "malta", 0 },
    { "mipsel", 32, "mipsel", "malta", 0 },
    { "mips64", 64, "mips64", "malta", 0 },
    { "mips64el", 64, "mips64el", "malta", 0 },
    { "openrisc", 32, "or32", "or1k-sim", 0 },
    { "parisc", 32, "parisc", NULL, 0 },
    { "parisc64", 64, "parisc64", NULL, 0 },
    { "ppc", 32, "ppc", "g3beige", 0 },
    { "ppcle", 32, "ppcle", "g3beige", 0 },
    { "ppc64", 64, "ppc64", "pseries", ARCH_PPC64 },
    { "ppc64le", 64, "ppc64le", "pseries", ARCH_PPC64 },
    { "ppcemb", 32, "ppcemb", "bamboo", 0 },
    { "riscv32", 32, "riscv32", "virt", 0 },
    { "riscv64", 64, "riscv64", "virt", 0 },
    { "s390", 32, "s390", NULL, 0 },
    { "s390x", 64, "s390x", "s390-ccw-virtio", 0 },
    { "sh4", 32, "sh4", "shix", 0 },
    { "sh4eb", 64, "sh4eb", "shix", 0 },
    { "sparc", 32, "sparc", "SS-5", 0 },
    { "sparc64", 64, "sparc64", "sun4u", 0 },
    { "unicore32", 32, "unicore32", "puv3", 0 },
    { "x86_64", 64, "x86_64", "pc", ARCH_X86 | ARCH_ACPI },
    { "xtensa", 32, "xtensa", "sim", 0 },
    { "xtensaeb", 32, "xtensaeb", "sim", 0 },
};

/* virQEMUCapsGuestIsNative's pairs besides host == guest and the ppc64
 * family: a host runs these guests natively (needs only -cpu changes). */
static const struct {
    const char *host, *guest;
} native_pairs[] = {
    { "x86_64", "i686" },
    { "aarch64", "armv7l" },
};

/* The RHEL binary libvirt tries last for native guests. */
#define QEMU_KVM_PATH "/usr/libexec/qemu-kvm"

static const ArchInfo *
arch_info(const char *name)
{
    for (gsize i = 0; name && i < G_N_ELEMENTS(archs); i++)
        if (strcmp(archs[i].name, name) == 0)
            return &archs[i];
    return NULL;
}

const char *const *
vc_guest_arch_names(void)
{
    static const char *names[G_N_ELEMENTS(archs) + 1];

    if (!names[0])
        for (gsize i = 0; i < G_N_ELEMENTS(archs); i++)
            names[i] = archs[i].name;
    return names;
}

gboolean
vc_guest_arch_known(const char *name)
{
    return arch_info(name) != NULL;
}

const char *const *
vc_guest_qemu_targets(void)
{
    static const char *targets[G_N_ELEMENTS(archs) + 1];
    static gsize done;

    if (g_once_init_enter(&done)) {
        gsize n = 0;

        for (gsize i = 0; i < G_N_ELEMENTS(archs); i++)
            if (!g_strv_contains(targets, archs[i].qemu))
                targets[n++] = archs[i].qemu;
        g_once_init_leave(&done, 1);
    }
    return targets;
}

static gboolean
is_native(const ArchInfo *host, const ArchInfo *guest)
{
    if (!host)
        return FALSE;
    if (host == guest || (host->flags & guest->flags & ARCH_PPC64))
        return TRUE;
    for (gsize i = 0; i < G_N_ELEMENTS(native_pairs); i++)
        if (strcmp(host->name, native_pairs[i].host) == 0 &&
            strcmp(guest->name, native_pairs[i].guest) == 0)
            return TRUE;
    return FALSE;
}

/* virQEMUCapsFindTarget: the arch whose binary a guest falls back to. */
static const ArchInfo *
find_target(const ArchInfo *host, const ArchInfo *guest)
{
    if (is_native(host, guest))
        guest = host;
    if (guest->flags & ARCH_PPC64)
        guest = arch_info("ppc64");
    return guest;
}

static gint
find_named(const VcEmulatorRef *emulators, guint n, const char *name)
{
    for (guint i = 0; i < n; i++)
        if (strcmp(emulators[i].name, name) == 0)
            return (gint)i;
    return -1;
}

static gint
find_qemu_system(const VcEmulatorRef *emulators, guint n, const ArchInfo *arch)
{
    g_autofree char *name = g_strconcat("qemu-system-", arch->qemu, NULL);

    return find_named(emulators, n, name);
}

static gint
find_pinned(const VcEmulatorRef *emulators, guint n, const ArchInfo *guest)
{
    for (guint i = 0; i < n; i++)
        if (g_strcmp0(emulators[i].pinned_arch, guest->name) == 0)
            return (gint)i;
    return -1;
}

/* virQEMUCapsGetDefaultEmulator over the given emulators instead of PATH. */
static gint
default_emulator(const ArchInfo *host, const ArchInfo *guest, const VcEmulatorRef *emulators,
                 guint n)
{
    const ArchInfo *target;
    gint i;

    if ((i = find_pinned(emulators, n, guest)) >= 0)
        return i;
    /* armv7l guests get KVM on aarch64 hosts only through qemu-system-aarch64 */
    if (host && strcmp(host->name, "aarch64") == 0 && strcmp(guest->name, "armv7l") == 0 &&
        (i = find_qemu_system(emulators, n, host)) >= 0)
        return i;
    if ((i = find_qemu_system(emulators, n, guest)) >= 0)
        return i;
    target = find_target(host, guest);
    if (target != guest && (i = find_qemu_system(emulators, n, target)) >= 0)
        return i;
    if (is_native(host, guest))
        return find_named(emulators, n, "qemu-kvm");
    return -1;
}

GArray *
vc_guests_assign(const char *host_arch, const VcEmulatorRef *emulators, guint n_emulators,
                 const char *const *only)
{
    GArray *out = g_array_sized_new(FALSE, FALSE, sizeof(gint), G_N_ELEMENTS(archs));
    const ArchInfo *host = arch_info(host_arch);

    for (gsize a = 0; a < G_N_ELEMENTS(archs); a++) {
        gint i = -1;

        if (!only || g_strv_contains(only, archs[a].name))
            i = default_emulator(host, &archs[a], emulators, n_emulators);
        g_array_append_val(out, i);
    }
    return out;
}

/* ---- facts ---------------------------------------------------------- */

static json_object *
member(json_object *obj, const char *key, json_type type)
{
    json_object *v = NULL;

    if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, type))
        return NULL;
    return v;
}

static const char *
member_string(json_object *obj, const char *key)
{
    json_object *v = member(obj, key, json_type_string);
    return v ? json_object_get_string(v) : NULL;
}

static gboolean
member_true(json_object *obj, const char *key)
{
    json_object *v = member(obj, key, json_type_boolean);
    return v && json_object_get_boolean(v);
}

/* libvirt's capability flags that decide the guest's domain types. */
typedef struct {
    gboolean tcg, kvm, hvf;
} AccelFlags;

static const char *
session_accel(json_object *facts, guint session)
{
    json_object *sessions = member(facts, "sessions", json_type_array);

    if (!sessions || session >= json_object_array_length(sessions))
        return NULL;
    return member_string(json_object_array_get_idx(sessions, session), "accel");
}

/* QEMU_CAPS_TCG (the tcg-accel type: precomputed in the digest, which has no
 * qom-list-types), QEMU_CAPS_KVM from query-kvm, and QEMU_CAPS_HVF when HVF
 * was asked for (libvirt asks only where it exists). */
static AccelFlags
accel_flags(json_object *facts)
{
    VcQemuFlags flags;
    AccelFlags f;

    vc_qemu_flags_read(facts, &flags);
    f.tcg = flags.set[VC_QEMU_FLAG_TCG];
    f.kvm = member_true(vc_qemu_facts_return(facts, 0, "query-kvm"), "enabled");
    f.hvf = g_str_has_prefix(session_accel(facts, 0) ? session_accel(facts, 0) : "", "hvf");
    return f;
}

/* virQEMUCapsArchFromString: the arch of the binary (query-target). */
static const ArchInfo *
target_arch(json_object *facts)
{
    const char *name = member_string(vc_qemu_facts_return(facts, 0, "query-target"), "arch");

    return name ? arch_info(vc_arch_from_qemu(name)) : NULL;
}

static guint
machine_max_cpus(json_object *m)
{
    json_object *v = member(m, "cpu-max", json_type_int);
    gint64 n = v ? json_object_get_int64(v) : 0;

    return n > 0 && n <= G_MAXINT ? (guint)n : 0;
}

/* Index (among the kept machines) of the machine listed first: libvirt's
 * preferred machine of the binary's arch, else QEMU's default. */
static gint
first_machine(json_object *list, const ArchInfo *target)
{
    const char *preferred = target ? target->machine : NULL;
    gint kept = 0, pref = -1, def = -1;

    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *m = json_object_array_get_idx(list, i);
        const char *name = member_string(m, "name");

        if (!name || strcmp(name, "none") == 0)
            continue;
        if (preferred && (g_strcmp0(member_string(m, "alias"), preferred) == 0 ||
                          strcmp(name, preferred) == 0))
            pref = kept;
        if (member_true(m, "is-default"))
            def = kept;
        kept++;
    }
    return pref >= 0 ? pref : def;
}

/* query-machines as libvirt stores it: without "none", the first machine
 * moved to the front; an aliased machine is listed under its alias. */
static GArray *
probed_machines(json_object *facts)
{
    json_object *list = vc_qemu_facts_return(facts, 0, "query-machines");
    GArray *out = vc_guest_machines_new();
    gint first;

    if (!json_object_is_type(list, json_type_array))
        return out;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *m = json_object_array_get_idx(list, i);
        const char *name = member_string(m, "name"), *alias = member_string(m, "alias");

        if (!name || strcmp(name, "none") == 0)
            continue;
        vc_guest_machines_add(out, alias ? alias : name, alias ? name : NULL,
                              machine_max_cpus(m), member_true(m, "deprecated"));
    }
    first = first_machine(list, target_arch(facts));
    if (first > 0) {
        VcGuestMachine tmp = g_array_index(out, VcGuestMachine, first);
        memmove(&g_array_index(out, VcGuestMachine, 1), &g_array_index(out, VcGuestMachine, 0),
                (gsize)first * sizeof(VcGuestMachine));
        g_array_index(out, VcGuestMachine, 0) = tmp;
    }
    return out;
}

static gboolean
machines_have_name(const GArray *machines, const char *name)
{
    for (guint i = 0; i < machines->len; i++)
        if (strcmp(g_array_index(machines, VcGuestMachine, i).name, name) == 0)
            return TRUE;
    return FALSE;
}

/* virQEMUCapsGetMachineTypesCaps: every canonical name gets an entry of its
 * own, just before the first alias entry pointing to it. */
static void
add_machines(VcGuest *guest, const GArray *probed)
{
    for (guint i = 0; i < probed->len; i++) {
        const VcGuestMachine *m = &g_array_index(probed, VcGuestMachine, i);

        if (m->canonical && !machines_have_name(probed, m->canonical) &&
            !machines_have_name(guest->machines, m->canonical))
            vc_guest_machines_add(guest->machines, m->canonical, NULL, m->max_cpus,
                                  m->deprecated);
        vc_guest_machines_add(guest->machines, m->name, m->canonical, m->max_cpus,
                              m->deprecated);
    }
}

/* virQEMUCapsInitGuestFromBinary's features: the ones every QEMU guest has,
 * then the ones of x86, ACPI-capable and 32-bit x86 archs, in print order. */
static const struct {
    VcGuestFeatureType type;
    guint if_flag;           /* 0: always */
    VcTristate default_on, toggle;
} feature_rules[] = {
    { VC_GUEST_FEATURE_CPUSELECTION, 0, VC_TRISTATE_ABSENT, VC_TRISTATE_ABSENT },
    { VC_GUEST_FEATURE_DEVICEBOOT, 0, VC_TRISTATE_ABSENT, VC_TRISTATE_ABSENT },
    { VC_GUEST_FEATURE_DISKSNAPSHOT, 0, VC_TRISTATE_YES, VC_TRISTATE_NO },
    { VC_GUEST_FEATURE_EXTERNAL_SNAPSHOT, 0, VC_TRISTATE_ABSENT, VC_TRISTATE_ABSENT },
    { VC_GUEST_FEATURE_ACPI, ARCH_ACPI, VC_TRISTATE_YES, VC_TRISTATE_YES },
    { VC_GUEST_FEATURE_APIC, ARCH_X86, VC_TRISTATE_YES, VC_TRISTATE_NO },
    { VC_GUEST_FEATURE_PAE, ARCH_PAE, VC_TRISTATE_ABSENT, VC_TRISTATE_ABSENT },
    { VC_GUEST_FEATURE_NONPAE, ARCH_PAE, VC_TRISTATE_ABSENT, VC_TRISTATE_ABSENT },
};

/* Strings packed one after the other, each with its NUL: the table reads
 * back with no GVariant call per string (one per child costs a thousand
 * instructions, most of a warm guest). */
static GVariant *
packed_strings(const GArray *machines, gboolean canonical)
{
    g_autoptr(GString) out = g_string_new(NULL);

    for (guint i = 0; i < machines->len; i++) {
        const VcGuestMachine *m = &g_array_index(machines, VcGuestMachine, i);
        const char *s = canonical ? m->canonical : m->name;

        g_string_append_len(out, s ? s : "", (gssize)strlen(s ? s : "") + 1);
    }
    return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, out->str, out->len, 1);
}

GVariant *
vc_guest_summary_new(json_object *facts)
{
    g_autoptr(GArray) probed = probed_machines(facts);
    g_autofree guint32 *max_cpus = g_new0(guint32, probed->len + 1);
    g_autofree guchar *deprecated = g_new0(guchar, probed->len + 1);
    AccelFlags f = accel_flags(facts);

    for (guint i = 0; i < probed->len; i++) {
        max_cpus[i] = g_array_index(probed, VcGuestMachine, i).max_cpus;
        deprecated[i] = (guchar)g_array_index(probed, VcGuestMachine, i).deprecated;
    }
    return g_variant_ref_sink(g_variant_new(
        "(bbb@ay@ay@au@ay)", f.tcg, f.kvm, f.hvf, packed_strings(probed, FALSE),
        packed_strings(probed, TRUE),
        g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, max_cpus, probed->len, sizeof(guint32)),
        g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, deprecated, probed->len, 1)));
}

/* The next string of a packed table (see packed_strings), or NULL at its
 * end or when what is left is not a NUL-terminated UTF-8 string (the
 * table comes from a cache file; the strings end up in XML). */
static const char *
next_packed(const char **p, const char *end)
{
    const char *s = *p;
    const char *nul = s < end ? memchr(s, '\0', (gsize)(end - s)) : NULL;

    if (!nul || !g_utf8_validate_len(s, (gsize)(nul - s), NULL))
        return NULL;
    *p = nul + 1;
    return s;
}

/* The probed machines of a summary, in its order; a table whose columns
 * disagree (a damaged cache file) ends where the shortest does. */
static GArray *
summary_machines(GVariant *summary)
{
    g_autoptr(GVariant) names_v = g_variant_get_child_value(summary, 3);
    g_autoptr(GVariant) canon_v = g_variant_get_child_value(summary, 4);
    g_autoptr(GVariant) cpus_v = g_variant_get_child_value(summary, 5);
    g_autoptr(GVariant) depr_v = g_variant_get_child_value(summary, 6);
    gsize n_names, n_canon, n_cpus, n_depr;
    const char *names = g_variant_get_fixed_array(names_v, &n_names, 1);
    const char *canon = g_variant_get_fixed_array(canon_v, &n_canon, 1);
    const guint32 *cpus = g_variant_get_fixed_array(cpus_v, &n_cpus, sizeof(guint32));
    const guchar *depr = g_variant_get_fixed_array(depr_v, &n_depr, 1);
    /* an empty column's data is NULL, where even + 0 is undefined */
    const char *name_end = names ? names + n_names : NULL;
    const char *canon_end = canon ? canon + n_canon : NULL;
    GArray *out = vc_guest_machines_new();

    for (gsize i = 0; i < MIN(n_cpus, n_depr); i++) {
        const char *name = next_packed(&names, name_end);
        const char *c = next_packed(&canon, canon_end);

        if (!name || !c)
            break;
        vc_guest_machines_add(out, name, *c ? c : NULL, cpus[i], depr[i] != 0);
    }
    return out;
}

VcGuest *
vc_guest_from_summary(const char *arch, const char *emulator_path, GVariant *summary)
{
    const ArchInfo *info = arch_info(arch);
    g_autoptr(GArray) probed = NULL;
    gboolean tcg, kvm, hvf;
    VcGuest *guest;

    g_return_val_if_fail(info != NULL, NULL);
    g_return_val_if_fail(g_variant_is_of_type(summary, G_VARIANT_TYPE(VC_GUEST_SUMMARY_TYPE)),
                         NULL);
    g_variant_get_child(summary, 0, "b", &tcg);
    g_variant_get_child(summary, 1, "b", &kvm);
    g_variant_get_child(summary, 2, "b", &hvf);
    probed = summary_machines(summary);
    guest = vc_guest_new("hvm", info->name, info->wordsize, emulator_path);
    add_machines(guest, probed);
    for (gsize i = 0; i < G_N_ELEMENTS(feature_rules); i++)
        if (!feature_rules[i].if_flag || (info->flags & feature_rules[i].if_flag))
            vc_guest_set_feature(guest, feature_rules[i].type, feature_rules[i].default_on,
                                 feature_rules[i].toggle);
    if (tcg)
        vc_guest_add_domain(guest, "qemu");
    if (kvm)
        vc_guest_add_domain(guest, "kvm");
    if (hvf)
        vc_guest_add_domain(guest, "hvf");
    return guest;
}
