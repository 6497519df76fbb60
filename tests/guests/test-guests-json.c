/*
 * The JSON form of <guest> entries: a model using every member round-trips
 * exactly (JSON -> model -> JSON and the XML of both), and the reader is
 * strict about guest members.
 */
#include <string.h>

#include "model/hostcaps.h"

static VcGuest *
full_guest(void)
{
    VcGuest *g = vc_guest_new("hvm", "i686", 32, "/usr/bin/qemu-system-i386");
    VcGuestDomain *d;

    g->loader = g_strdup("/usr/lib/xen/boot/hvmloader");
    vc_guest_machines_add(g->machines, "pc-i440fx-7.2", NULL, 255, FALSE);
    vc_guest_machines_add(g->machines, "pc", "pc-i440fx-7.2", 255, FALSE);
    vc_guest_machines_add(g->machines, "pc-i440fx-1.4", NULL, 0, TRUE);
    vc_guest_add_domain(g, "qemu");
    d = vc_guest_domain_new("kvm");
    d->emulator = g_strdup("/usr/bin/qemu-kvm");
    d->loader = g_strdup("/usr/share/loader.fd");
    vc_guest_machines_add(d->machines, "q35", "pc-q35-7.2", 288, TRUE);
    g_ptr_array_add(g->domains, d);
    for (guint f = 0; f < VC_GUEST_FEATURE_LAST; f++)
        vc_guest_set_feature(g, f, f % 3, (f + 1) % 3);
    return g;
}

static void
test_round_trip(void)
{
    g_autoptr(VcHostCaps) caps = vc_host_caps_new();
    g_autoptr(VcHostCaps) back = NULL;
    g_autofree char *json = NULL, *json2 = NULL, *xml = NULL, *xml2 = NULL;
    g_autoptr(GError) err = NULL;

    caps->cpu.arch = g_strdup("x86_64");
    g_ptr_array_add(caps->guests, full_guest());
    g_ptr_array_add(caps->guests, vc_guest_new("hvm", "x86_64", 64, NULL));
    json = vc_host_caps_format_json(caps);
    back = vc_host_caps_parse_json(json, "test", &err);
    g_assert_no_error(err);
    json2 = vc_host_caps_format_json(back);
    g_assert_cmpstr(json, ==, json2);
    xml = vc_host_caps_format_xml(caps);
    xml2 = vc_host_caps_format_xml(back);
    g_assert_cmpstr(xml, ==, xml2);
    /* per-domain machines never print deprecated; guest-level ones do */
    g_assert_nonnull(strstr(xml, "      <machine deprecated='yes'>pc-i440fx-1.4</machine>\n"));
    g_assert_nonnull(strstr(xml, "      <machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine>\n"));
    g_assert_nonnull(strstr(xml, "  </guest>\n\n  <guest>\n"));
    g_assert_nonnull(strstr(xml, "<arch name='x86_64'>\n      <wordsize>64</wordsize>\n    </arch>\n  </guest>\n\n</capabilities>\n"));
}

static void
expect_error(const char *json, const char *message)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcHostCaps) caps = vc_host_caps_parse_json(json, "t.json", &err);

    g_assert_null(caps);
    g_assert_nonnull(err);
    if (!strstr(err->message, message))
        g_error("'%s' does not contain '%s'", err->message, message);
}

#define HOST "\"host\": {\"cpu\": {}, \"iommu\": {\"support\": false}}"

static void
test_strict(void)
{
    expect_error("{" HOST ", \"guests\": [{\"arch\": \"x86_64\", \"wordsize\": 64, \"features\": {}}]}",
                 "t.json: guests[0].os_type: missing member");
    expect_error("{" HOST ", \"guests\": [{\"os_type\": \"hvm\", \"arch\": \"x86_64\", "
                 "\"wordsize\": 64, \"features\": {\"acpi\": {\"default\": \"yes\"}}}]}",
                 "guests[0].features.acpi.default: unknown value \"yes\"");
    expect_error("{" HOST ", \"guests\": [{\"os_type\": \"hvm\", \"arch\": \"x86_64\", "
                 "\"wordsize\": 64, \"features\": {\"smm\": {}}}]}",
                 "guests[0].features.smm: unknown member");
    expect_error("{" HOST ", \"guests\": [{\"os_type\": \"hvm\", \"arch\": \"x86_64\", "
                 "\"wordsize\": 64, \"features\": {}, \"machines\": [{\"maxCpus\": 1}]}]}",
                 "guests[0].machines[0].name: missing member");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/guests/json/round-trip", test_round_trip);
    g_test_add_func("/guests/json/strict", test_strict);
    return g_test_run();
}
