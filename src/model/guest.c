#include "model/guest.h"

const char *const vc_tristate_switch_names[3] = { "absent", "on", "off" };
const char *const vc_tristate_bool_names[3] = { "absent", "yes", "no" };

/* libvirt's virCapsGuestFeatureInfos names. */
const char *const vc_guest_feature_names[VC_GUEST_FEATURE_LAST] = {
    "pae", "nonpae", "ia64_be", "acpi", "apic", "cpuselection", "deviceboot",
    "disksnapshot", "externalSnapshot",
};

static void
machine_clear(gpointer p)
{
    VcGuestMachine *m = p;

    g_free(m->name);
    g_free(m->canonical);
}

GArray *
vc_guest_machines_new(void)
{
    GArray *machines = g_array_new(FALSE, TRUE, sizeof(VcGuestMachine));

    g_array_set_clear_func(machines, machine_clear);
    return machines;
}

void
vc_guest_machines_add(GArray *machines, const char *name, const char *canonical,
                      guint max_cpus, gboolean deprecated)
{
    VcGuestMachine m = { g_strdup(name), g_strdup(canonical), max_cpus, deprecated };

    g_array_append_val(machines, m);
}

VcGuestDomain *
vc_guest_domain_new(const char *type)
{
    VcGuestDomain *d = g_new0(VcGuestDomain, 1);

    d->type = g_strdup(type);
    d->machines = vc_guest_machines_new();
    return d;
}

void
vc_guest_domain_free(VcGuestDomain *domain)
{
    if (!domain)
        return;
    g_free(domain->type);
    g_free(domain->emulator);
    g_free(domain->loader);
    g_array_unref(domain->machines);
    g_free(domain);
}

VcGuest *
vc_guest_new(const char *os_type, const char *arch, guint wordsize, const char *emulator)
{
    VcGuest *g = g_new0(VcGuest, 1);

    g->os_type = g_strdup(os_type);
    g->arch = g_strdup(arch);
    g->wordsize = wordsize;
    g->emulator = g_strdup(emulator);
    g->machines = vc_guest_machines_new();
    g->domains = g_ptr_array_new_with_free_func((GDestroyNotify)vc_guest_domain_free);
    return g;
}

void
vc_guest_free(VcGuest *guest)
{
    if (!guest)
        return;
    g_free(guest->os_type);
    g_free(guest->arch);
    g_free(guest->emulator);
    g_free(guest->loader);
    g_array_unref(guest->machines);
    g_ptr_array_unref(guest->domains);
    g_free(guest);
}

void
vc_guest_add_domain(VcGuest *guest, const char *type)
{
    g_ptr_array_add(guest->domains, vc_guest_domain_new(type));
}

void
vc_guest_set_feature(VcGuest *guest, VcGuestFeatureType type, VcTristate default_on,
                     VcTristate toggle)
{
    guest->features[type] = (VcGuestFeature){ TRUE, default_on, toggle };
}
