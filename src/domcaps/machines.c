/*
 * machines.c - machine types and architectures as libvirt sees them: the
 * machine families of qemu_domain.c, native architectures, and each
 * accelerator's machine list with libvirt's preferred machine first
 * (virQEMUCapsProbeQMPMachineTypes).
 */
#include <string.h>

#include "domcaps/machines.h"
#include "domcaps/policy.h"
#include "qemu/probe.h"

typedef enum { FAM_I440FX, FAM_Q35, FAM_XENFV, FAM_PSERIES, FAM_ARM_VIRT, FAM_BUILTIN_IDE } Family;

/* Architecture groups of libvirt's ARCH_IS_* macros. */
static const char *const x86_arches[] = { "x86_64", "i686", NULL };
static const char *const ppc64_arches[] = { "ppc64", "ppc64le", NULL };
static const char *const arm_arches[] = { "armv6l", "armv7l", "aarch64", NULL };
static const char *const s390_arches[] = { "s390", "s390x", NULL };

/* A machine is in a family if its arch is in the group (NULL: any) and its
 * name is exact or starts with prefix. */
static const struct {
    Family family;
    const char *const *arches;
    const char *exact;
    const char *prefix;
} families[] = {
    { FAM_I440FX, x86_arches, "pc", "pc-i440fx-" },
    { FAM_I440FX, x86_arches, NULL, "pc-0." },
    { FAM_I440FX, x86_arches, NULL, "pc-1." },
    { FAM_I440FX, x86_arches, NULL, "rhel" },
    { FAM_Q35, x86_arches, "q35", "pc-q35-" },
    { FAM_XENFV, x86_arches, "xenfv", "xenfv-" },
    { FAM_PSERIES, ppc64_arches, "pseries", "pseries-" },
    { FAM_ARM_VIRT, arm_arches, "virt", "virt-" },
    { FAM_BUILTIN_IDE, NULL, "malta", NULL },
    { FAM_BUILTIN_IDE, NULL, "sun4u", NULL },
    { FAM_BUILTIN_IDE, NULL, "g3beige", NULL },
};

/* libvirt's preferredMachines: the default machine per architecture. */
static const struct {
    const char *arch;
    const char *machine;
} preferred_machines[] = {
    { "alpha", "clipper" }, { "armv6l", "integratorcp" }, { "armv7l", "virt" },
    { "armv7b", "virt" }, { "aarch64", "virt" }, { "cris", "axis-dev88" }, { "i686", "pc" },
    { "lm32", "lm32-evr" }, { "m68k", "mcf5208evb" }, { "microblaze", "petalogix-s3adsp1800" },
    { "microblazeel", "petalogix-s3adsp1800" }, { "mips", "malta" }, { "mipsel", "malta" },
    { "mips64", "malta" }, { "mips64el", "malta" }, { "or32", "or1k-sim" }, { "ppc", "g3beige" },
    { "ppcle", "g3beige" }, { "ppc64", "pseries" }, { "ppc64le", "pseries" },
    { "ppcemb", "bamboo" }, { "riscv32", "virt" }, { "riscv64", "virt" },
    { "s390x", "s390-ccw-virtio" }, { "sh4", "shix" }, { "sh4eb", "shix" }, { "sparc", "SS-5" },
    { "sparc64", "sun4u" }, { "unicore32", "puv3" }, { "x86_64", "pc" }, { "xtensa", "sim" },
    { "xtensaeb", "sim" }, { "loongarch64", "virt" },
};

static gboolean
in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (strcmp(*list, s) == 0)
            return TRUE;
    return FALSE;
}

static gboolean
in_family(Family family, const char *machine, const char *arch)
{
    for (gsize i = 0; machine && i < G_N_ELEMENTS(families); i++) {
        if (families[i].family != family || (families[i].arches && !in_list(families[i].arches, arch)))
            continue;
        if (g_strcmp0(families[i].exact, machine) == 0 ||
            (families[i].prefix && g_str_has_prefix(machine, families[i].prefix)))
            return TRUE;
    }
    return FALSE;
}

gboolean vc_machine_is_i440fx(const char *m, const char *a) { return in_family(FAM_I440FX, m, a); }
gboolean vc_machine_is_q35(const char *m, const char *a) { return in_family(FAM_Q35, m, a); }
gboolean vc_machine_is_xenfv(const char *m, const char *a) { return in_family(FAM_XENFV, m, a); }
gboolean vc_machine_is_pseries(const char *m, const char *a) { return in_family(FAM_PSERIES, m, a); }
gboolean vc_machine_is_arm_virt(const char *m, const char *a) { return in_family(FAM_ARM_VIRT, m, a); }

gboolean
vc_machine_has_builtin_ide(const char *machine, const char *arch)
{
    return in_family(FAM_I440FX, machine, arch) || in_family(FAM_BUILTIN_IDE, machine, arch);
}

gboolean
vc_arch_is_s390(const char *arch)
{
    return in_list(s390_arches, arch);
}

/* libvirt's virQEMUCapsGuestIsNative. */
gboolean
vc_arch_is_native(const char *host, const char *guest)
{
    return strcmp(host, guest) == 0 ||
        (strcmp(host, "x86_64") == 0 && strcmp(guest, "i686") == 0) ||
        (strcmp(host, "aarch64") == 0 && strcmp(guest, "armv7l") == 0) ||
        (in_list(ppc64_arches, host) && in_list(ppc64_arches, guest));
}

static const char *
str_member(json_object *obj, const char *key)
{
    json_object *v = json_object_object_get(obj, key);

    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static VcMachine
machine_from_json(json_object *m)
{
    json_object *cpus = json_object_object_get(m, "cpu-max");
    json_object *def = json_object_object_get(m, "is-default");
    VcMachine mach = { str_member(m, "name"), str_member(m, "alias"), 0, FALSE };

    if (json_object_is_type(cpus, json_type_int) && json_object_get_int64(cpus) > 0)
        mach.max_cpus = (guint)MIN(json_object_get_int64(cpus), G_MAXUINT);
    mach.is_default = json_object_is_type(def, json_type_boolean) && json_object_get_boolean(def);
    return mach;
}

static gboolean
is_preferred(const VcMachine *m, const char *arch)
{
    for (gsize i = 0; i < G_N_ELEMENTS(preferred_machines); i++)
        if (strcmp(preferred_machines[i].arch, arch) == 0)
            return g_strcmp0(m->alias, preferred_machines[i].machine) == 0 ||
                g_strcmp0(m->name, preferred_machines[i].machine) == 0;
    return FALSE;
}

GArray *
vc_machines_from_reply(json_object *machines, const char *arch)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(VcMachine));
    gint preferred = -1, qemu_default = -1;

    for (size_t i = 0; json_object_is_type(machines, json_type_array) &&
         i < json_object_array_length(machines); i++) {
        VcMachine m = machine_from_json(json_object_array_get_idx(machines, i));

        if (!m.name || strcmp(m.name, "none") == 0)
            continue;
        g_array_append_val(out, m);
        if (is_preferred(&m, arch))
            preferred = (gint)out->len - 1;
        if (m.is_default)
            qemu_default = (gint)out->len - 1;
    }
    if (preferred < 0)
        preferred = qemu_default;
    if (preferred > 0) {
        VcMachine first = g_array_index(out, VcMachine, preferred);

        g_array_remove_index(out, (guint)preferred);
        g_array_prepend_val(out, first);
    }
    return out;
}

const VcMachine *
vc_machines_find(const GArray *machines, const char *name)
{
    for (guint i = 0; machines && name && i < machines->len; i++)
        if (strcmp(g_array_index(machines, VcMachine, i).name, name) == 0)
            return &g_array_index(machines, VcMachine, i);
    return NULL;
}

const char *
vc_machines_canonical(const GArray *machines, const char *name)
{
    for (guint i = 0; machines && i < machines->len; i++)
        if (g_strcmp0(g_array_index(machines, VcMachine, i).alias, name) == 0)
            return g_array_index(machines, VcMachine, i).name;
    return name;
}
