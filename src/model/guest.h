/*
 * The guest part of the capabilities model: one VcGuest per <guest> element
 * of libvirt's capabilities XML (virCapsGuest in capabilities.h).  Plain data:
 * policy/guests.c fills it from QEMU facts, the formatters print it.
 */
#ifndef VC_MODEL_GUEST_H
#define VC_MODEL_GUEST_H

#include <glib.h>

#include "model/tristate.h"

extern const char *const vc_tristate_switch_names[3];
extern const char *const vc_tristate_bool_names[3];

typedef struct {
    char *name;
    char *canonical;             /* NULL: name is canonical */
    guint max_cpus;              /* 0: not printed */
    gboolean deprecated;
} VcGuestMachine;

/* <domain type>, with the optional per-domain emulator, loader and machines
 * (the QEMU driver never sets them; other drivers do). */
typedef struct {
    char *type;
    char *emulator;
    char *loader;
    GArray *machines;            /* VcGuestMachine */
} VcGuestDomain;

/* In the order libvirt prints them (virCapsGuestFeatureType). */
typedef enum {
    VC_GUEST_FEATURE_PAE,
    VC_GUEST_FEATURE_NONPAE,
    VC_GUEST_FEATURE_IA64_BE,
    VC_GUEST_FEATURE_ACPI,
    VC_GUEST_FEATURE_APIC,
    VC_GUEST_FEATURE_CPUSELECTION,
    VC_GUEST_FEATURE_DEVICEBOOT,
    VC_GUEST_FEATURE_DISKSNAPSHOT,
    VC_GUEST_FEATURE_EXTERNAL_SNAPSHOT,
    VC_GUEST_FEATURE_LAST
} VcGuestFeatureType;

extern const char *const vc_guest_feature_names[VC_GUEST_FEATURE_LAST];

typedef struct {
    gboolean present;
    VcTristate default_on;       /* "default" attribute, a switch */
    VcTristate toggle;           /* "toggle" attribute, a boolean */
} VcGuestFeature;

typedef struct {
    char *os_type;
    char *arch;
    guint wordsize;
    char *emulator;              /* NULL: none */
    char *loader;                /* NULL: none */
    GArray *machines;            /* VcGuestMachine */
    GPtrArray *domains;          /* VcGuestDomain * */
    VcGuestFeature features[VC_GUEST_FEATURE_LAST];
} VcGuest;

VcGuest *vc_guest_new(const char *os_type, const char *arch, guint wordsize,
                      const char *emulator);
void vc_guest_free(VcGuest *guest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VcGuest, vc_guest_free)

VcGuestDomain *vc_guest_domain_new(const char *type);
void vc_guest_domain_free(VcGuestDomain *domain);

/* A new, empty GArray of VcGuestMachine that frees its members. */
GArray *vc_guest_machines_new(void);
void vc_guest_machines_add(GArray *machines, const char *name, const char *canonical,
                           guint max_cpus, gboolean deprecated);

void vc_guest_add_domain(VcGuest *guest, const char *type);
void vc_guest_set_feature(VcGuest *guest, VcGuestFeatureType type, VcTristate default_on,
                          VcTristate toggle);

#endif
