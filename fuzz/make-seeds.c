/*
 * Turns the project's fixtures into seed inputs for the harnesses whose
 * inputs are not plain files (tools/fuzz-run calls it):
 *
 *   make-seeds host-probe ROOT OUT      pack a host tree as host-probe input
 *   make-seeds replies FILE OUT_REPLIES OUT_QMP
 *       a transcript cut down to fuzzing size (.replies), and the first
 *       session's replies as the byte stream QEMU would send (qmp-stream)
 *   make-seeds cpuid-json XML OUT       a libvirt CPUID dump as our JSON dump
 *   make-seeds cache-entry REPLIES OUT  the digest of a transcript's facts as
 *       cache-entry inputs OUT.0 (a whole entry file, of another key),
 *       OUT.1 (its payload) and OUT.2 (the digest alone)
 *
 * The QEMU and CPU modes exist when the library has those parsers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "host-probe-files.h"
#ifdef VC_FUZZ_HAVE_QEMU
#include "qemu/digest.h"
#include "policy/guests.h"
#include "qemu/probe.h"
#include "qemu/replies.h"

#include <zlib.h>
#endif
#ifdef VC_FUZZ_HAVE_CPU
#include "cpu/cpuid.h"
#endif

/* Arrays in replies are cut to this many elements: the shape is what
 * matters to a parser, and whole transcripts are ~800 KiB. */
#define SEED_ARRAY_MAX 4
/* Pairs of the first session that go into a qmp-stream seed. */
#define SEED_QMP_PAIRS 9

static void
write_or_die(const char *path, const char *text, gsize len)
{
    g_autoptr(GError) error = NULL;

    if (!g_file_set_contents(path, text, (gssize)len, &error)) {
        fprintf(stderr, "make-seeds: %s\n", error->message);
        exit(1);
    }
}

static int
pack_host_tree(const char *root, const char *out)
{
    g_autoptr(GString) packed = g_string_new(NULL);
    gsize last = 0;

    for (gsize i = 0; i < G_N_ELEMENTS(vc_fuzz_host_files); i++) {
        g_autofree char *path = g_build_filename(root, vc_fuzz_host_files[i], NULL);
        g_autofree char *text = NULL;
        gsize len = 0;

        if (i)
            g_string_append_c(packed, VC_FUZZ_SEPARATOR);
        /* An absent file is an empty piece; trailing absent files are
         * dropped so they stay absent in the harness. */
        if (g_file_get_contents(path, &text, &len, NULL)) {
            g_string_append_len(packed, text, (gssize)len);
            last = packed->len;
        }
    }
    write_or_die(out, packed->str, last);
    return 0;
}

#ifdef VC_FUZZ_HAVE_QEMU
/* A copy of value with every array cut to SEED_ARRAY_MAX elements. */
static json_object *
shrink(json_object *value)
{
    json_object *copy;

    switch (json_object_get_type(value)) {
    case json_type_array:
        copy = json_object_new_array();
        for (size_t i = 0; i < json_object_array_length(value) && i < SEED_ARRAY_MAX; i++)
            json_object_array_add(copy, shrink(json_object_array_get_idx(value, i)));
        return copy;
    case json_type_object:
        copy = json_object_new_object();
        json_object_object_foreach(value, key, member)
            json_object_object_add(copy, key, shrink(member));
        return copy;
    default:
        return json_object_get(value);
    }
}

static const char *
execute_of(const VcRepliesPair *pair)
{
    json_object *name = NULL;

    json_object_object_get_ex(pair->cmd, "execute", &name);
    return json_object_get_string(name);
}

/* Every session, without query-qmp-schema (so the probe sends every
 * command rather than the few a cut-down schema would list). */
static char *
small_transcript(const VcReplies *replies)
{
    g_autoptr(GString) out = g_string_new(NULL);

    for (guint s = 0; s < vc_replies_n_sessions(replies); s++) {
        const GPtrArray *pairs = vc_replies_session(replies, s);

        for (guint i = 0; i < pairs->len; i++) {
            const VcRepliesPair *pair = pairs->pdata[i];
            g_autoptr(VcJson) reply = NULL;

            if (g_strcmp0(execute_of(pair), "query-qmp-schema") == 0)
                continue;
            reply = shrink(pair->reply);
            vc_replies_append(out, pair->cmd, reply);
        }
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* Greeting, then the first session's replies renumbered as the QMP client
 * numbers its commands, with an event after the first reply. */
static char *
qmp_stream(const VcReplies *replies)
{
    g_autoptr(GString) out = g_string_new(
        "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 8},"
        " \"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n");
    const GPtrArray *pairs = vc_replies_session(replies, 0);

    for (guint i = 0; i < pairs->len && i < SEED_QMP_PAIRS; i++) {
        const VcRepliesPair *pair = pairs->pdata[i];
        g_autoptr(VcJson) reply = shrink(pair->reply);
        g_autofree char *id = g_strdup_printf("virtcaps-%u", i + 1);

        json_object_object_add(reply, "id", json_object_new_string(id));
        g_string_append_printf(out, "%s\r\n",
                               json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN));
        if (i == 0)
            g_string_append(out, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2},"
                                 " \"event\": \"RESUME\"}\r\n");
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static int
cut_transcript(const char *file, const char *out_replies, const char *out_qmp)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VcReplies) replies = vc_replies_load(file, &error);
    g_autofree char *small = NULL;
    g_autofree char *stream = NULL;

    if (!replies) {
        fprintf(stderr, "make-seeds: %s\n", error->message);
        return 1;
    }
    small = small_transcript(replies);
    write_or_die(out_replies, small, strlen(small));
    if (vc_replies_n_sessions(replies)) {
        stream = qmp_stream(replies);
        write_or_die(out_qmp, stream, strlen(stream));
    }
    return 0;
}
#endif

#ifdef VC_FUZZ_HAVE_QEMU
/* One cache-entry input: its mode byte, then bytes. */
static void
write_mode(const char *out, int mode, const void *bytes, gsize len)
{
    g_autofree char *path = g_strdup_printf("%s.%d", out, mode);
    g_autofree char *buf = g_malloc(len + 1);

    buf[0] = (char)mode;
    memcpy(buf + 1, bytes, len);
    write_or_die(path, buf, len + 1);
}

/* A whole entry: cache.c's header (magic, format, CRC, size) + payload. */
static void
write_whole_entry(const char *out, const void *payload, gsize len)
{
    struct { char magic[8]; guint32 format, crc; guint64 size; } h = { .format = 2, .size = len };
    g_autofree char *buf = g_malloc(sizeof(h) + len);

    memcpy(h.magic, "VIRTCAPS", 8);
    h.crc = (guint32)crc32_z(0, payload, len);
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), payload, len);
    write_mode(out, 0, buf, sizeof(h) + len);
}

static int
cache_entry_seeds(const char *file, const char *out)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VcReplies) replies = vc_replies_load(file, &error);
    g_autoptr(VcQemuSource) src = NULL;
    g_autoptr(GVariant) digest = NULL, payload = NULL;
    json_object *facts;

    if (!replies || !(facts = vc_qemu_probe(src = vc_qemu_source_new_replay(replies), NULL,
                                            &error))) {
        fprintf(stderr, "make-seeds: %s\n", error->message);
        return 1;
    }
    digest = g_variant_ref_sink(vc_qemu_digest_serialize(facts));
    {   /* mode 3: the guest summary derived from that digest */
        g_autoptr(VcJson) tree = vc_qemu_digest_of_facts(facts);
        g_autoptr(GVariant) summary = vc_guest_summary_new(tree);

        write_mode(out, 3, g_variant_get_data(summary), g_variant_get_size(summary));
    }
    json_object_put(facts);
    payload = g_variant_ref_sink(g_variant_new("(@ay@" VC_QEMU_DIGEST_TYPE ")",
                                               g_variant_new_bytestring("{\"cache_format\":2}"),
                                               digest));
    write_whole_entry(out, g_variant_get_data(payload), g_variant_get_size(payload));
    write_mode(out, 1, g_variant_get_data(payload), g_variant_get_size(payload));
    write_mode(out, 2, g_variant_get_data(digest), g_variant_get_size(digest));
    return 0;
}
#endif

#ifdef VC_FUZZ_HAVE_CPU
static int
convert_cpuid(const char *xml, const char *out)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;
    g_autofree char *json = NULL;
    g_autoptr(VcCpuidData) data = NULL;
    gsize len;

    if (!g_file_get_contents(xml, &text, &len, &error) ||
        !(data = vc_cpuid_parse_libvirt_xml(text, len, xml, &error))) {
        fprintf(stderr, "make-seeds: %s\n", error->message);
        return 1;
    }
    json = vc_cpuid_format_json(data);
    write_or_die(out, json, strlen(json));
    return 0;
}
#endif

int
main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "host-probe") == 0)
        return pack_host_tree(argv[2], argv[3]);
#ifdef VC_FUZZ_HAVE_QEMU
    if (argc == 5 && strcmp(argv[1], "replies") == 0)
        return cut_transcript(argv[2], argv[3], argv[4]);
    if (argc == 4 && strcmp(argv[1], "cache-entry") == 0)
        return cache_entry_seeds(argv[2], argv[3]);
#endif
#ifdef VC_FUZZ_HAVE_CPU
    if (argc == 4 && strcmp(argv[1], "cpuid-json") == 0)
        return convert_cpuid(argv[2], argv[3]);
#endif
    fprintf(stderr, "usage: make-seeds host-probe ROOT OUT | replies FILE OUT_REPLIES OUT_QMP"
                    " | cpuid-json XML OUT | cache-entry REPLIES OUT\n");
    return 2;
}
