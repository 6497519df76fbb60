/*
 * The QEMU installed on this machine (Debian's qemu-system-x86_64), when
 * there is one (else exit 77):
 *
 * - a live probe, recorded, and the replay of that recording give the same
 *   facts, and the recording is a well-formed transcript;
 * - the fixture recorded from Debian's QEMU 7.2 with `virtcaps qemu-probe
 *   --record` replays completely (every pair used, nothing missing), and
 *   its binary-only replies equal the installed QEMU's when that is the
 *   same build (host-dependent replies - KVM, CPU models - are not compared).
 *
 * Usage: test-live FIXTURE.replies
 */
#include <stdio.h>
#include <string.h>

#include "qemu/probe.h"

#define EMULATOR "/usr/bin/qemu-system-x86_64"

static const char *fixture;

static char *
facts_text(json_object *facts)
{
    return g_strdup(json_object_to_json_string_ext(facts, JSON_C_TO_STRING_PLAIN));
}

static json_object *
replay(const VcReplies *r, GError **error)
{
    g_autoptr(VcQemuSource) src = vc_qemu_source_new_replay(r);
    g_autoptr(GString) unused = g_string_new(NULL);
    json_object *facts = vc_qemu_probe(src, NULL, error);

    if (facts && vc_replay_unused(vc_qemu_source_replay(src), unused) != 0)
        g_error("%s: the probe left recorded commands unused:\n%s", vc_replies_name(r), unused->str);
    return facts;
}

static void
test_live_equals_replay(void)
{
    g_autoptr(VcQemuSource) src = vc_qemu_source_new_live(EMULATOR, NULL);
    g_autoptr(GString) record = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(VcJson) live = NULL, replayed = NULL;
    g_autoptr(VcReplies) r = NULL;
    g_autofree char *a = NULL, *b = NULL;
    gint64 start = g_get_monotonic_time();
    json_object *kvm;

    vc_qemu_source_set_record(src, record);
    live = vc_qemu_probe(src, NULL, &err);
    g_assert_no_error(err);
    g_test_message("live probe of %s: %.3f s, %u session(s)", EMULATOR,
                   (g_get_monotonic_time() - start) / 1e6, vc_qemu_facts_n_sessions(live));
    g_assert_cmpstr(json_object_get_string(json_object_object_get(
                        vc_qemu_facts_return(live, 0, "query-target"), "arch")), ==, "x86_64");
    g_assert_nonnull(vc_qemu_facts_return(live, 0, "query-machines"));
    kvm = vc_qemu_facts_return(live, 0, "query-kvm");
    g_assert_cmpuint(vc_qemu_facts_n_sessions(live), ==,
                     json_object_get_boolean(json_object_object_get(kvm, "enabled")) ? 2 : 1);

    r = vc_replies_parse(record->str, record->len, "recording", &err);
    g_assert_no_error(err);
    replayed = replay(r, &err);
    g_assert_no_error(err);
    a = facts_text(live);
    b = facts_text(replayed);
    g_assert_true(strcmp(a, b) == 0);
}

static const char *
model_name(json_object *expansion)
{
    return json_object_get_string(
        json_object_object_get(json_object_object_get(expansion, "model"), "name"));
}

static void
test_fixture(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcReplies) r = vc_replies_load(fixture, &err);
    g_autoptr(VcJson) facts = NULL;
    json_object *version, *machines;

    g_assert_no_error(err);
    g_assert_cmpuint(vc_replies_n_sessions(r), ==, 2);
    g_assert_cmpuint(vc_replies_n_pairs(r), ==, 56);
    facts = replay(r, &err);
    g_assert_no_error(err);
    version = json_object_object_get(vc_qemu_facts_return(facts, 0, "query-version"), "qemu");
    g_assert_cmpint(json_object_get_int(json_object_object_get(version, "major")), ==, 7);
    g_assert_cmpint(json_object_get_int(json_object_object_get(version, "minor")), ==, 2);
    g_assert_true(json_object_get_boolean(json_object_object_get(
        vc_qemu_facts_return(facts, 0, "query-kvm"), "enabled")));
    machines = vc_qemu_facts_return(facts, 1, "query-machines");
    g_assert_cmpuint(json_object_array_length(machines), ==, 59);
    g_assert_cmpstr(model_name(vc_qemu_facts_return(facts, 0, "query-cpu-model-expansion:static:host")),
                    ==, "base");
    g_assert_cmpstr(model_name(vc_qemu_facts_return(facts, 1, "query-cpu-model-expansion:static:max")),
                    ==, "base");
    g_assert_cmpstr(vc_qmp_error_class(vc_qemu_facts_reply(facts, 0, "query-sev-capabilities")),
                    ==, "GenericError");
    g_assert_cmpstr(vc_qmp_error_class(vc_qemu_facts_reply(
                        facts, 0, "device-list-properties:virtio-net-ccw")), ==, "DeviceNotFound");
}

/* Replies that depend on the binary only, not on the host or KVM. */
static const char *const binary_only_keys[] = {
    "query-version", "query-target", "query-qmp-schema", "qom-list-types",
    "device-list-properties:virtio-blk-pci", "device-list-properties:virtio-net-ccw",
    "qom-list-properties:memory-backend-file", "qom-list-properties:none-machine",
    "query-tpm-models", "query-tpm-types", "query-command-line-options",
    "query-migrate-capabilities",
};

/* When the installed QEMU is the one the fixture was recorded from, the
 * fixture's binary-only facts are the live ones. */
static void
test_fixture_matches_installed(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcReplies) r = vc_replies_load(fixture, &err);
    g_autoptr(VcQemuSource) src = vc_qemu_source_new_live(EMULATOR, NULL);
    g_autoptr(VcJson) recorded = NULL, live = NULL;
    g_autofree char *rv = NULL, *lv = NULL;

    g_assert_no_error(err);
    recorded = replay(r, &err);
    g_assert_no_error(err);
    live = vc_qemu_probe(src, NULL, &err);
    g_assert_no_error(err);
    rv = facts_text(vc_qemu_facts_reply(recorded, 0, "query-version"));
    lv = facts_text(vc_qemu_facts_reply(live, 0, "query-version"));
    if (strcmp(rv, lv) != 0) {
        g_test_skip("the installed QEMU is not the one of the fixture");
        return;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(binary_only_keys); i++) {
        g_autofree char *a = facts_text(vc_qemu_facts_reply(recorded, 0, binary_only_keys[i]));
        g_autofree char *b = facts_text(vc_qemu_facts_reply(live, 0, binary_only_keys[i]));

        if (strcmp(a, b) != 0)
            g_error("%s differs between %s and the installed QEMU", binary_only_keys[i], fixture);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc != 2) {
        fprintf(stderr, "usage: test-live FIXTURE\n");
        return 2;
    }
    fixture = argv[1];
    g_test_add_func("/live/fixture", test_fixture);
    if (g_file_test(EMULATOR, G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_add_func("/live/equals-replay", test_live_equals_replay);
        g_test_add_func("/live/fixture-matches-installed", test_fixture_matches_installed);
    } else
        g_test_message("%s is not installed: live probe skipped", EMULATOR);
    return g_test_run();
}
