/*
 * test-digest.c - the digest of a probe's facts (src/qemu/digest.h): what it
 * keeps, what it drops, its flags, and its round trip through the
 * serialised form that the cache stores.
 *
 * usage: test-qemu-digest TRANSCRIPT.replies
 */
#include <string.h>

#include "domcaps/flags.h"
#include "qemu/digest.h"
#include "qemu/probe.h"

static const char *transcript;

static json_object *
replayed_facts(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcReplies) r = vc_replies_load(transcript, &err);
    g_autoptr(VcQemuSource) src = NULL;
    json_object *facts;

    g_assert_no_error(err);
    src = vc_qemu_source_new_replay(r);
    facts = vc_qemu_probe(src, NULL, &err);
    g_assert_no_error(err);
    return facts;
}

static json_object *
session_replies(json_object *tree, guint s)
{
    return json_object_object_get(
        json_object_array_get_idx(json_object_object_get(tree, "sessions"), s), "replies");
}

/* Every reply but the flag-only ones, equal after the round trip; the
 * flag-only ones gone; the accelerators kept. */
static void
test_replies(void)
{
    g_autoptr(VcJson) facts = replayed_facts();
    g_autoptr(VcJson) digest = vc_qemu_digest_of_facts(facts);
    guint kept = 0, dropped = 0;

    g_assert_true(vc_qemu_is_digest(digest));
    g_assert_false(vc_qemu_is_digest(facts));
    g_assert_cmpuint(vc_qemu_facts_n_sessions(digest), ==, vc_qemu_facts_n_sessions(facts));
    for (guint s = 0; s < vc_qemu_facts_n_sessions(facts); s++) {
        json_object_object_foreach(session_replies(facts, s), key, reply) {
            json_object *got = vc_qemu_facts_reply(digest, s, key);

            if (vc_qemu_digest_drops(key)) {
                g_assert_null(got);
                dropped++;
                continue;
            }
            g_autoptr(VcJson) stored = vc_qemu_digest_stored_reply(key, reply);
            if (!json_object_equal(got, stored))
                g_error("session %u: %s differs after the round trip", s, key);
            kept++;
        }
        g_assert_cmpuint(json_object_object_length(session_replies(digest, s)), <=, kept);
    }
    g_assert_cmpuint(kept, >, 10);
    g_assert_cmpuint(dropped, >, 10);
    g_assert_nonnull(vc_qemu_facts_return(digest, 0, "query-machines"));
    g_assert_null(vc_qemu_facts_reply(digest, 0, "query-qmp-schema"));
    g_assert_null(vc_qemu_facts_reply(digest, 0, "qom-list-types"));
}

/* query-machines keeps every machine, with only the members read, each
 * with its value. */
static void
test_slim_machines(void)
{
    g_autoptr(VcJson) facts = replayed_facts();
    g_autoptr(VcJson) digest = vc_qemu_digest_of_facts(facts);
    json_object *raw = vc_qemu_facts_return(facts, 0, "query-machines");
    json_object *kept = vc_qemu_facts_return(digest, 0, "query-machines");
    static const char *const read[] = { "name", "alias", "is-default", "cpu-max", "deprecated" };

    g_assert_cmpuint(json_object_array_length(kept), ==, json_object_array_length(raw));
    g_assert_cmpuint(json_object_array_length(raw), >, 10);
    for (size_t i = 0; i < json_object_array_length(raw); i++) {
        json_object *r = json_object_array_get_idx(raw, i), *k = json_object_array_get_idx(kept, i);
        guint present = 0;

        g_assert_true(json_object_object_get_ex(r, "default-ram-id", NULL) ||
                      json_object_object_get_ex(r, "hotpluggable-cpus", NULL));
        g_assert_false(json_object_object_get_ex(k, "hotpluggable-cpus", NULL));
        for (gsize m = 0; m < G_N_ELEMENTS(read); m++) {
            json_object *rv = NULL, *kv = NULL;

            if (json_object_object_get_ex(r, read[m], &rv))
                present++;
            g_assert_true(json_object_object_get_ex(k, read[m], &kv) == (rv != NULL));
            g_assert_true(json_object_equal(rv, kv));
        }
        g_assert_cmpuint(json_object_object_length(k), ==, present);
    }
}

/* The precomputed flags are the flags of the raw facts. */
static void
test_flags(void)
{
    g_autoptr(VcJson) facts = replayed_facts();
    g_autoptr(VcJson) digest = vc_qemu_digest_of_facts(facts);
    VcQemuFlags computed, read;

    vc_qemu_flags_compute(facts, &computed);
    vc_qemu_flags_read(digest, &read);
    for (int f = 0; f < VC_QEMU_FLAG_LAST; f++)
        if (computed.set[f] != read.set[f])
            g_error("flag %s: computed %d, digest %d", vc_qemu_flag_name((VcQemuFlag)f),
                    computed.set[f], read.set[f]);
    g_assert_true(read.set[VC_QEMU_FLAG_TCG]);
}

/* serialise -> bytes -> deserialise gives the same tree, whether the
 * replies were read (parsed in place) or not; a digest of another format
 * or type is refused with a reason. */
static void
test_round_trip(void)
{
    g_autoptr(VcJson) facts = replayed_facts();
    g_autoptr(GVariant) v = g_variant_ref_sink(vc_qemu_digest_serialize(facts));
    g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes(v);
    g_autoptr(GVariant) back = g_variant_ref_sink(
        g_variant_new_from_bytes(G_VARIANT_TYPE(VC_QEMU_DIGEST_TYPE), bytes, FALSE));
    g_autoptr(VcJson) a = NULL, b = NULL, wrong = NULL;
    g_autoptr(GVariant) other = NULL;
    g_autofree char *why = NULL;

    a = vc_qemu_digest_deserialize(v, &why);
    b = vc_qemu_digest_deserialize(back, &why);
    g_assert_null(why);
    g_assert_true(json_object_equal(a, b));
    vc_qemu_digest_thaw_all(a);
    vc_qemu_digest_thaw_all(b);
    g_assert_true(json_object_equal(a, b));
    g_assert_true(json_object_is_type(vc_qemu_facts_reply(a, 0, "query-target"), json_type_object));

    other = g_variant_ref_sink(g_variant_new("(uasa(sa(say)))", VC_QEMU_DIGEST_FORMAT + 1, NULL, NULL));
    g_assert_null(vc_qemu_digest_deserialize(other, &why));
    g_assert_nonnull(strstr(why, "digest format"));
    g_clear_pointer(&why, g_free);
    g_clear_pointer(&other, g_variant_unref);
    other = g_variant_ref_sink(g_variant_new_string("x"));
    g_assert_null((wrong = vc_qemu_digest_deserialize(other, &why)));
    g_assert_cmpstr(why, ==, "not a virtcaps digest");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc != 2) {
        g_printerr("usage: %s TRANSCRIPT.replies\n", argv[0]);
        return 2;
    }
    transcript = argv[1];
    g_test_add_func("/digest/replies", test_replies);
    g_test_add_func("/digest/slim-machines", test_slim_machines);
    g_test_add_func("/digest/flags", test_flags);
    g_test_add_func("/digest/round-trip", test_round_trip);
    return g_test_run();
}
