/*
 * .replies transcripts (libvirt's QMP test data format): vc_replies_parse,
 * the writer's round trip (parse -> format -> parse -> format, stable), and
 * the QEMU probe replaying the transcript, which is how every reply reaches
 * the probe's own readers (schema, types, machines, CPU expansion).
 */
#include "fuzz.h"

#include <string.h>

#include "qemu/probe.h"

static void
check_format_roundtrip(const VcReplies *replies)
{
    g_autofree char *text = vc_replies_format(replies);
    g_autofree char *again_text = NULL;
    g_autoptr(VcReplies) again = NULL;
    g_autoptr(GError) error = NULL;

    if (!(again = vc_replies_parse(text, strlen(text), "formatted", &error)))
        vc_fuzz_fail("formatted transcript does not parse", error->message);
    again_text = vc_replies_format(again);
    if (g_strcmp0(text, again_text) != 0)
        vc_fuzz_fail("transcript round trip is not stable", text);
}

static void
replay_probe(const VcReplies *replies)
{
    g_autoptr(VcQemuSource) src = vc_qemu_source_new_replay(replies);
    g_autoptr(GString) report = g_string_new(NULL);
    json_object *facts = vc_qemu_probe(src, NULL, NULL);

    if (facts) {
        (void)vc_qemu_facts_n_sessions(facts);
        json_object_put(facts);
    }
    (void)vc_replay_unused(vc_qemu_source_replay(src), report);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(VcReplies) replies =
        vc_replies_parse((const char *)data, size, "fuzz", NULL);

    if (!replies)
        return 0;
    check_format_roundtrip(replies);
    replay_probe(replies);
    return 0;
}
