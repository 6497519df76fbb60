/*
 * Unit tests of the QMP client over a socketpair, and of transcripts:
 * parsing errors, writing, canonical JSON, replay lookup, fact keys.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu/probe.h"

#define GREETING "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n"

typedef struct {
    int fd;
    const char *script;
    gboolean bytewise;  /* one byte at a time, to exercise incremental parsing */
} Writer;

static gpointer
writer_thread(gpointer data)
{
    Writer *w = data;
    gsize len = strlen(w->script);

    for (gsize off = 0; off < len;) {
        ssize_t n = write(w->fd, w->script + off, w->bytewise ? 1 : len - off);

        if (n <= 0)
            break;
        off += (gsize)n;
    }
    return NULL;
}

/* A client whose peer writes script and then keeps the socket open until
 * the test ends (so a missing answer is a timeout, not EOF). */
typedef struct {
    VcQmpClient *client;
    int peer;
    GThread *thread;
    Writer w;
} Fixture;

static void
fixture_start(Fixture *f, const char *script, gboolean bytewise, const VcQmpLimits *limits)
{
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    f->client = vc_qmp_client_new(sv[0], limits);
    f->peer = sv[1];
    f->w = (Writer){ sv[1], script, bytewise };
    f->thread = g_thread_new("qmp-peer", writer_thread, &f->w);
}

static void
fixture_stop(Fixture *f)
{
    g_thread_join(f->thread);
    vc_qmp_client_free(f->client);
    close(f->peer);
}

static void
test_execute_bytewise_with_events(void)
{
    Fixture f;
    g_autoptr(GError) err = NULL;
    g_autoptr(VcJson) ret = NULL;

    fixture_start(&f,
                  GREETING
                  "{\"return\": {}, \"id\": \"virtcaps-1\"}\r\n"
                  "{\"event\": \"RESUME\", \"timestamp\": {\"seconds\": 1}}\r\n"
                  "{\"event\": \"STOP\"}{\"return\": {\"arch\": \"x86_64\"}, \"id\": \"virtcaps-2\"}\r\n",
                  TRUE, NULL);
    g_assert_true(vc_qmp_handshake(f.client, &err));
    g_assert_no_error(err);
    g_assert_true(vc_qmp_execute(f.client, "query-target", NULL, &ret, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(json_object_get_string(json_object_object_get(ret, "arch")), ==, "x86_64");
    fixture_stop(&f);
}

static void
test_error_reply(void)
{
    Fixture f;
    g_autoptr(GError) err = NULL;
    g_autoptr(VcJson) ret = NULL;

    fixture_start(&f,
                  GREETING "{\"return\": {}, \"id\": \"virtcaps-1\"}\r\n"
                  "{\"id\": \"virtcaps-2\", \"error\": {\"class\": \"DeviceNotFound\", "
                  "\"desc\": \"Device 'virtio-net-ccw' not found\"}}\r\n",
                  FALSE, NULL);
    g_assert_true(vc_qmp_handshake(f.client, &err));
    g_assert_false(vc_qmp_execute(f.client, "device-list-properties",
                                  "{\"typename\": \"virtio-net-ccw\"}", &ret, &err));
    g_assert_error(err, VC_QEMU_ERROR, VC_QEMU_ERROR_COMMAND);
    g_assert_cmpstr(err->message, ==, "DeviceNotFound: Device 'virtio-net-ccw' not found");
    g_assert_null(ret);
    fixture_stop(&f);
}

/* Each script breaks the exchange after the handshake in one way. */
static const struct {
    const char *name;
    const char *after_handshake;
    VcQemuError code;
    const char *message;
} broken_cases[] = {
    { "wrong-id", "{\"return\": {}, \"id\": \"libvirt-9\"}\r\n", VC_QEMU_ERROR_PROTOCOL,
      "received a reply with id \"libvirt-9\", expected \"virtcaps-2\"" },
    { "invalid-json", "{\"return\": [1, 2,, ]}\r\n", VC_QEMU_ERROR_PROTOCOL,
      "received invalid JSON (unexpected character)" },
    { "not-an-object", "[1, 2]\r\n", VC_QEMU_ERROR_PROTOCOL,
      "received a JSON value that is not an object" },
    { "null", "null\r\n", VC_QEMU_ERROR_PROTOCOL,
      "received a JSON value that is not an object" },
    { "neither", "{\"id\": \"virtcaps-2\"}\r\n", VC_QEMU_ERROR_PROTOCOL,
      "received a message that is neither a reply nor an event" },
    { "deep",
      "{\"return\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]",
      VC_QEMU_ERROR_PROTOCOL, "received invalid JSON (nesting too deep)" },
    { "silence", "", VC_QEMU_ERROR_TIMEOUT, "no answer within 0.3 s" },
};

static void
test_broken(gconstpointer data)
{
    gsize i = GPOINTER_TO_SIZE(data);
    g_autofree char *script = g_strconcat(GREETING "{\"return\": {}, \"id\": \"virtcaps-1\"}\r\n",
                                          broken_cases[i].after_handshake, NULL);
    VcQmpLimits limits = { .timeout_ms = 300 };
    Fixture f;
    g_autoptr(GError) err = NULL;
    g_autoptr(VcJson) ret = NULL;
    gint64 start;

    fixture_start(&f, script, FALSE, &limits);
    g_assert_true(vc_qmp_handshake(f.client, &err));
    g_assert_no_error(err);
    start = g_get_monotonic_time();
    g_assert_false(vc_qmp_execute(f.client, "query-version", NULL, &ret, &err));
    g_assert_error(err, VC_QEMU_ERROR, (gint)broken_cases[i].code);
    g_assert_cmpstr(err->message, ==, broken_cases[i].message);
    g_assert_cmpint(g_get_monotonic_time() - start, <, 1000 * 1000);
    fixture_stop(&f);
}

static void
test_eof(void)
{
    Fixture f;
    g_autoptr(GError) err = NULL;

    fixture_start(&f, "{\"QMP\": {", FALSE, NULL);
    g_thread_join(f.thread);
    shutdown(f.peer, SHUT_WR);
    f.thread = g_thread_new("noop", writer_thread, &(Writer){ -1, "", FALSE });
    g_assert_false(vc_qmp_read_greeting(f.client, NULL, &err));
    g_assert_error(err, VC_QEMU_ERROR, VC_QEMU_ERROR_EOF);
    g_assert_cmpstr(err->message, ==, "waiting for the QMP greeting: connection closed by the peer");
    fixture_stop(&f);
}

static void
test_message_cap(void)
{
    VcQmpLimits limits = { .max_message = 4096 };
    g_autofree char *big = g_strnfill(10000, 'x');
    g_autofree char *script = g_strdup_printf("{\"QMP\": {\"junk\": \"%s\"}}\r\n", big);
    Fixture f;
    g_autoptr(GError) err = NULL;

    fixture_start(&f, script, FALSE, &limits);
    g_assert_false(vc_qmp_read_greeting(f.client, NULL, &err));
    g_assert_error(err, VC_QEMU_ERROR, VC_QEMU_ERROR_PROTOCOL);
    g_assert_cmpstr(err->message, ==,
                    "waiting for the QMP greeting: received a message larger than 4096 bytes");
    shutdown(f.peer, SHUT_RDWR);
    fixture_stop(&f);
}

/* Transcripts ------------------------------------------------------------ */

#define CMD(n, execute) "{\n  \"execute\": \"" execute "\",\n  \"id\": \"libvirt-" #n "\"\n}"
#define RET(n, value) "{\n  \"return\": " value ",\n  \"id\": \"libvirt-" #n "\"\n}"

static const char good_transcript[] =
    CMD(1, "qmp_capabilities") "\n\n" RET(1, "{}") "\n\n"
    "{\n  \"execute\": \"qom-list-properties\",\n  \"arguments\": {\n    \"typename\": \"a\"\n  },\n"
    "  \"id\": \"libvirt-2\"\n}\n\n" RET(2, "[\n    1\n  ]") "\n\n"
    "{\n  \"execute\": \"qom-list-properties\",\n  \"arguments\": {\n    \"typename\": \"a\"\n  },\n"
    "  \"id\": \"libvirt-3\"\n}\n\n" RET(3, "[\n    2\n  ]") "\n\n"
    CMD(1, "qmp_capabilities") "\n\n" RET(1, "{}") "\n\n"
    CMD(2, "query-machines") "\n\n"
    "{\n  \"id\": \"libvirt-2\",\n  \"error\": {\n    \"class\": \"GenericError\",\n"
    "    \"desc\": \"a/b\"\n  }\n}\n";

static void
test_transcript_round_trip(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcReplies) r = vc_replies_parse(good_transcript, strlen(good_transcript), "t", &err);
    g_autofree char *text = NULL;

    g_assert_no_error(err);
    g_assert_cmpuint(vc_replies_n_sessions(r), ==, 2);
    g_assert_cmpuint(vc_replies_n_pairs(r), ==, 5);
    g_assert_cmpuint(((VcRepliesPair *)vc_replies_session(r, 1)->pdata[1])->line, ==, 51);
    text = vc_replies_format(r);
    g_assert_cmpstr(text, ==, good_transcript);
}

static const struct {
    const char *text;
    const char *message;
} bad_transcripts[] = {
    { "", "t: empty transcript" },
    { CMD(1, "qmp_capabilities") "\n\n\n" RET(1, "{}") "\n",
      "t:6: invalid transcript: more than one blank line" },
    { CMD(1, "qmp_capabilities") "\n\n" RET(1, "{}") "\n\n" CMD(2, "query-kvm") "\n",
      "t:11: invalid transcript: a command without a reply" },
    { CMD(1, "qmp_capabilities") "\n\n{\n  \"return\": [1,\n}\n",
      "t:6: invalid transcript: unexpected character" },
    { CMD(1, "qmp_capabilities") "\n" RET(1, "{}") "\n",
      "t:1: invalid transcript: text after the JSON object (objects must be separated by a blank line)" },
    { CMD(1, "query-kvm") "\n\n" RET(1, "{}") "\n",
      "t:1: invalid transcript: the transcript does not start with qmp_capabilities" },
    { CMD(1, "qmp_capabilities") "\n\n" RET(2, "{}") "\n",
      "t:1: invalid transcript: the reply's id differs from the command's" },
    { CMD(1, "qmp_capabilities") "\n\n" CMD(1, "qmp_capabilities") "\n",
      "t:1: invalid transcript: the object after a command is not a reply" },
    { "[1]\n\n[2]\n", "t:1: invalid transcript: not a JSON object" },
};

static void
test_transcript_errors(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(bad_transcripts); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VcReplies) r = vc_replies_parse(bad_transcripts[i].text,
                                                  strlen(bad_transcripts[i].text), "t", &err);

        g_assert_null(r);
        g_assert_error(err, VC_QEMU_ERROR, VC_QEMU_ERROR_TRANSCRIPT);
        g_assert_cmpstr(err->message, ==, bad_transcripts[i].message);
    }
}

static json_object *
command(const char *json)
{
    return json_tokener_parse(json);
}

static const char *
reply_text(json_object *reply)
{
    return json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void
test_replay(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcReplies) r = vc_replies_parse(good_transcript, strlen(good_transcript), "t", &err);
    g_autoptr(VcReplay) rp = vc_replay_new(r);
    g_autoptr(GString) report = g_string_new(NULL);
    json_object *c, *a;

    g_assert_true(vc_replay_next_session(rp, &err));
    /* Repeats come back first in, first out, with the caller's id; member
     * order of the arguments does not matter. */
    c = command("{\"execute\": \"qom-list-properties\", \"arguments\": {\"typename\": \"a\"}, \"id\": \"x-7\"}");
    a = vc_replay_answer(rp, c);
    g_assert_cmpstr(reply_text(a), ==, "{\"return\":[1],\"id\":\"x-7\"}");
    json_object_put(a);
    a = vc_replay_answer(rp, c);
    g_assert_cmpstr(reply_text(a), ==, "{\"return\":[2],\"id\":\"x-7\"}");
    json_object_put(a);
    a = vc_replay_answer(rp, c);
    g_assert_cmpstr(reply_text(a), ==,
                    "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"The command "
                    "qom-list-properties has not been found\"},\"id\":\"x-7\"}");
    json_object_put(a);
    json_object_put(c);
    g_assert_cmpuint(vc_replay_unused(rp, report), ==, 3);
    g_assert_cmpstr(report->str, ==, "t:1: qmp_capabilities \nt:41: qmp_capabilities \nt:51: query-machines \n");
    g_assert_true(vc_replay_next_session(rp, &err));
    g_assert_false(vc_replay_next_session(rp, &err));
    g_assert_error(err, VC_QEMU_ERROR, VC_QEMU_ERROR_TRANSCRIPT);
    g_assert_cmpstr(err->message, ==, "t: the transcript has no session 3 (it holds 2)");
}

static void
test_fact_keys(void)
{
    static const struct {
        const char *args;
        const char *key;
    } cases[] = {
        { NULL, "x" },
        { "{}", "x" },
        { "{\"typename\": \"virtio-blk-pci\"}", "x:virtio-blk-pci" },
        { "{\"type\": \"static\", \"model\": {\"name\": \"host\"}}", "x:static:host" },
        { "{\"type\": \"full\", \"model\": {\"name\": \"host\", \"props\": {\"migratable\": false, "
          "\"hv-passthrough\": true}}}", "x:full:host:migratable=false,hv-passthrough=true" },
        { "{\"b\": [1, {\"d\": 1, \"c\": \"/\"}], \"a\": null}",
          "x:{\"a\":null,\"b\":[1,{\"c\":\"/\",\"d\":1}]}" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(VcJson) args = cases[i].args ? json_tokener_parse(cases[i].args) : NULL;
        g_autofree char *key = vc_qemu_fact_key("x", args);

        g_assert_cmpstr(key, ==, cases[i].key);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp/execute-bytewise-events", test_execute_bytewise_with_events);
    g_test_add_func("/qmp/error-reply", test_error_reply);
    for (gsize i = 0; i < G_N_ELEMENTS(broken_cases); i++) {
        g_autofree char *path = g_strdup_printf("/qmp/broken/%s", broken_cases[i].name);

        g_test_add_data_func(path, GSIZE_TO_POINTER(i), test_broken);
    }
    g_test_add_func("/qmp/eof", test_eof);
    g_test_add_func("/qmp/message-cap", test_message_cap);
    g_test_add_func("/replies/round-trip", test_transcript_round_trip);
    g_test_add_func("/replies/errors", test_transcript_errors);
    g_test_add_func("/replies/replay", test_replay);
    g_test_add_func("/replies/fact-keys", test_fact_keys);
    return g_test_run();
}
