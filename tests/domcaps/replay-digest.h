/*
 * replay-digest.h - for the domcaps test programs: the digest of a .replies
 * transcript's facts (qemu/digest.h), which is what the CLI builds domain
 * capabilities from.  Failures abort the test.
 */
#ifndef VC_TESTS_DOMCAPS_REPLAY_DIGEST_H
#define VC_TESTS_DOMCAPS_REPLAY_DIGEST_H

#include "qemu/digest.h"
#include "qemu/probe.h"
#include "qemu/replies.h"
#include "qemu/transport.h"

static inline json_object *
replay_digest(const char *path)
{
    g_autoptr(VcReplies) replies = NULL;
    g_autoptr(VcQemuSource) src = NULL;
    g_autoptr(GError) err = NULL;
    VcQemuProbeOptions popts = { NULL };
    json_object *raw, *digest;

    replies = vc_replies_load(path, &err);
    g_assert_no_error(err);
    src = vc_qemu_source_new_replay(replies);
    raw = vc_qemu_probe(src, &popts, &err);
    g_assert_no_error(err);
    digest = vc_qemu_digest_of_facts(raw);
    json_object_put(raw);
    return digest;
}

#endif /* VC_TESTS_DOMCAPS_REPLAY_DIGEST_H */
