/*
 * cmd-qemu.c - `virtcaps qemu-probe`: the QMP facts of one emulator as JSON.
 *
 * Live (--emulator, default qemu-system-$(uname -m) from PATH) or replayed
 * from a .replies transcript (--replay); --record writes the exchange as a
 * transcript, only once the probe succeeded.  --digest prints the digest
 * (src/qemu/digest.h) instead: what capabilities and domcapabilities read,
 * and what the cache keeps; a live --digest answers from the cache when its
 * key matches (--no-cache: always probe; see src/qemu/cache.h).  The raw
 * facts are never cached, so they always come from QEMU or the transcript.
 * Output goes to stdout in one
 * piece after everything succeeded; errors are one line on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli/cmd-qemu.h"
#include "qemu/cache.h"
#include "qemu/digest.h"
#include "qemu/probe.h"

typedef struct {
    char *emulator;
    char *replay;
    char *record;
    char *format;
    char *accel;
    double timeout;
    gboolean no_cache;
    gboolean digest;
    char *cache_dir;
} QemuProbeOptions;

static void
qemu_probe_options_clear(QemuProbeOptions *o)
{
    g_free(o->emulator);
    g_free(o->replay);
    g_free(o->record);
    g_free(o->format);
    g_free(o->accel);
    g_free(o->cache_dir);
}

static gboolean
check_options(QemuProbeOptions *o, int argc, char **argv, GError **error)
{
    if (argc > 1) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unexpected argument '%s'",
                    argv[1]);
        return FALSE;
    }
    if (o->emulator && o->replay) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--emulator and --replay exclude each other");
        return FALSE;
    }
    if (o->format && strcmp(o->format, "json") != 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "unknown format '%s' (expected json)", o->format);
        return FALSE;
    }
    if (!(o->timeout > 0 && o->timeout <= 3600)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--timeout must be between 0 and 3600 seconds");
        return FALSE;
    }
    return TRUE;
}

static char *
default_emulator(void)
{
    struct utsname u;

    if (uname(&u) < 0)
        return g_strdup("qemu-system-x86_64");
    return g_strconcat("qemu-system-", u.machine, NULL);
}

/* Recorded commands we did not send are worth a note, not an error: the
 * transcript may come from another probe (libvirt's, an older virtcaps). */
static void
note_unused(const VcReplay *replay)
{
    g_autoptr(GString) report = g_string_new(NULL);
    guint n = vc_replay_unused(replay, report);

    if (n)
        g_log("virtcaps-replay", G_LOG_LEVEL_DEBUG, "%u recorded command(s) not sent, e.g.:\n%s",
              n, report->str);
}

/* A live digest goes through the cache (cache.h). */
static json_object *
cached_digest(const QemuProbeOptions *o, GError **error)
{
    g_autofree char *binary = o->emulator ? g_strdup(o->emulator) : default_emulator();
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    VcQemuCacheOptions copts = { .cache_dir = o->cache_dir, .no_cache = o->no_cache,
                                 .timeout_ms = (guint)(o->timeout * 1000), .accel = o->accel,
                                 .warnings = warnings };
    json_object *digest = vc_qemu_digest_for_binary(binary, &copts, NULL, error);

    for (guint i = 0; i < warnings->len; i++)
        fprintf(stderr, "virtcaps: warning: %s\n", (const char *)warnings->pdata[i]);
    return digest;
}

static json_object *
probe(const QemuProbeOptions *o, GString *record, GError **error)
{
    g_autoptr(VcReplies) replies = NULL;
    g_autoptr(VcQemuSource) src = NULL;
    VcQemuProbeOptions popts = { o->accel };
    json_object *facts;

    if (o->replay) {
        if (!(replies = vc_replies_load(o->replay, error)))
            return NULL;
        src = vc_qemu_source_new_replay(replies);
    } else if (o->digest && !record) {
        return cached_digest(o, error);
    } else {
        g_autofree char *binary = o->emulator ? g_strdup(o->emulator) : default_emulator();
        VcQemuProcessOptions lopts = { .limits.timeout_ms = (guint)(o->timeout * 1000) };

        src = vc_qemu_source_new_live(binary, &lopts);
    }
    if (record)
        vc_qemu_source_set_record(src, record);
    facts = vc_qemu_probe(src, &popts, error);
    if (facts && replies)
        note_unused(vc_qemu_source_replay(src));
    if (facts && o->digest) {
        g_autoptr(VcJson) raw = facts;

        facts = vc_qemu_digest_of_facts(raw);
    }
    return facts;
}

int
vc_cmd_qemu_probe(int argc, char **argv)
{
    QemuProbeOptions o = { .timeout = VC_QMP_DEFAULT_TIMEOUT_MS / 1000.0 };
    GOptionEntry entries[] = {
        { "emulator", 'e', 0, G_OPTION_ARG_FILENAME, &o.emulator,
          "The QEMU binary (default: qemu-system-ARCH of this host, from PATH)", "PATH" },
        { "replay", 0, 0, G_OPTION_ARG_FILENAME, &o.replay,
          "Answer from a .replies transcript instead of a live QEMU", "FILE" },
        { "record", 0, 0, G_OPTION_ARG_FILENAME, &o.record,
          "Write the QMP exchange to FILE as a .replies transcript", "FILE" },
        { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &o.timeout,
          "Time limit of QEMU's start and of every QMP exchange (default 10)", "SECONDS" },
        { "accel", 0, 0, G_OPTION_ARG_STRING, &o.accel,
          "Accelerators of the first session (default kvm:tcg)", "LIST" },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &o.format, "Output format: json", "FORMAT" },
        { "digest", 0, 0, G_OPTION_ARG_NONE, &o.digest,
          "Print the digest (flags and the replies other code reads), as cached", NULL },
        { "no-cache", 0, 0, G_OPTION_ARG_NONE, &o.no_cache,
          "With --digest: probe even if the cache has the answer, and do not store it", NULL },
        { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.cache_dir,
          "The cache directory (default: $XDG_CACHE_HOME/virtcaps, root: /var/cache/virtcaps)",
          "DIR" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- print the QMP facts of a QEMU binary");
    g_autoptr(GError) err = NULL;
    g_autoptr(GString) record = NULL;
    g_autoptr(VcJson) facts = NULL;
    const char *out;
    int rc = 1;

    /* Debug notes (G_MESSAGES_DEBUG=virtcaps-qemu) must not mix with the JSON. */
    g_log_writer_default_set_use_stderr(TRUE);
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err) || !check_options(&o, argc, argv, &err))
        goto out;
    if (o.record)
        record = g_string_new(NULL);
    if (!(facts = probe(&o, record, &err)))
        goto out;
    if (o.digest)
        vc_qemu_digest_thaw_all(facts);   /* print replies as JSON, not text */
    if (o.record && !g_file_set_contents(o.record, record->str, (gssize)record->len, &err))
        goto out;
    out = json_object_to_json_string_ext(facts, JSON_C_TO_STRING_PRETTY |
                                         JSON_C_TO_STRING_SPACED |
                                         JSON_C_TO_STRING_NOSLASHESCAPE);
    if (fputs(out, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
        fprintf(stderr, "virtcaps: cannot write output: %s\n", g_strerror(errno));
    else
        rc = 0;
 out:
    if (err)
        fprintf(stderr, "virtcaps: %s\n", err->message);
    qemu_probe_options_clear(&o);
    return rc;
}
