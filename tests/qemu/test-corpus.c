/*
 * libvirt's QMP transcripts (../shared/corpus/tests/qemucapabilitiesdata):
 *
 * - round trip: parsing and re-writing each file gives it back byte for byte;
 * - replay: the probe, answered from each file, consumes every recorded
 *   command exactly once, never asks for one that is not there, and yields
 *   the file's sessions with the right target and version;
 * - strict order: recording that replay gives the file back byte for byte,
 *   i.e. the probe sends libvirt's commands, arguments, ids and order.
 *
 * Usage: test-corpus CORPUS_DIR; exits 77 (skip) when the corpus is absent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/probe.h"

/* The 29 caps_*.replies files of ../shared/corpus hold 1,391 command/reply
 * pairs (the README's 1,594 counts libvirt's full set, part of which the
 * corpus leaves out). */
#define CORPUS_FILES 29
#define CORPUS_PAIRS 1391

static const char *corpus_dir;
static guint total_pairs;
static guint total_answered;
static guint total_files;

/* First differing line, so a mismatch does not print megabytes. */
static void
assert_same_text(const char *what, const char *got, const char *want)
{
    guint line = 1;
    const char *g = got, *w = want;

    for (; *g && *g == *w; g++, w++)
        line += *g == '\n';
    if (*g || *w) {
        g_autofree char *gl = g_strndup(g - (g - got > 20 ? 20 : g - got), 60);
        g_autofree char *wl = g_strndup(w - (w - want > 20 ? 20 : w - want), 60);

        g_error("%s: differs at line %u: got \"%s\", want \"%s\"", what, line, gl, wl);
    }
}

/* caps_V_A[+VARIANT].replies -> A, VARIANT and V as a number. */
static void
parse_name(const char *base, char **arch, char **variant, guint *version)
{
    g_auto(GStrv) parts = g_strsplit_set(base, "_", 3);
    g_auto(GStrv) v = NULL;
    char *dot;

    g_assert_cmpuint(g_strv_length(parts), ==, 3);
    v = g_strsplit(parts[1], ".", 3);
    *version = (guint)(atoi(v[0]) * 1000000 + atoi(v[1]) * 1000 + atoi(v[2]));
    dot = strstr(parts[2], ".replies");
    *dot = '\0';
    *variant = strchr(parts[2], '+') ? g_strdup(strchr(parts[2], '+') + 1) : NULL;
    if (strchr(parts[2], '+'))
        *strchr(parts[2], '+') = '\0';
    *arch = g_strdup(parts[2]);
}

/* libvirt's arch names to QEMU's query-target names. */
static const char *
qemu_target(const char *arch)
{
    static const struct {
        const char *libvirt, *qemu;
    } map[] = { { "armv7l", "arm" } };

    for (gsize i = 0; i < G_N_ELEMENTS(map); i++)
        if (strcmp(arch, map[i].libvirt) == 0)
            return map[i].qemu;
    return arch;
}

static guint
replies_in(json_object *facts, guint s)
{
    json_object *session = json_object_array_get_idx(json_object_object_get(facts, "sessions"), s);

    return (guint)json_object_object_length(json_object_object_get(session, "replies"));
}

static void
assert_no_command_not_found(json_object *facts, const char *base)
{
    for (guint s = 0; s < vc_qemu_facts_n_sessions(facts); s++) {
        json_object *session = json_object_array_get_idx(json_object_object_get(facts, "sessions"), s);

        json_object_object_foreach(json_object_object_get(session, "replies"), key, reply) {
            if (g_strcmp0(vc_qmp_error_class(reply), "CommandNotFound") == 0 &&
                json_object_object_get(reply, "error"))
                g_error("%s: session %u: %s was not in the transcript", base, s + 1, key);
        }
    }
}

static void
check_facts(json_object *facts, const VcReplies *r, const char *base)
{
    g_autofree char *arch = NULL, *variant = NULL;
    guint version, pairs = 0;
    json_object *qemu = json_object_object_get(vc_qemu_facts_return(facts, 0, "query-version"), "qemu");
    guint got_version = (guint)(json_object_get_int(json_object_object_get(qemu, "major")) * 1000000 +
                                json_object_get_int(json_object_object_get(qemu, "minor")) * 1000 +
                                json_object_get_int(json_object_object_get(qemu, "micro")));

    parse_name(base, &arch, &variant, &version);
    g_assert_cmpuint(vc_qemu_facts_n_sessions(facts), ==, vc_replies_n_sessions(r));
    for (guint s = 0; s < vc_qemu_facts_n_sessions(facts); s++)
        pairs += 1 + replies_in(facts, s); /* + qmp_capabilities */
    g_assert_cmpuint(pairs, ==, vc_replies_n_pairs(r));
    total_answered += pairs;
    g_assert_cmpstr(json_object_get_string(json_object_object_get(
                        vc_qemu_facts_return(facts, 0, "query-target"), "arch")), ==, qemu_target(arch));
    /* Pre-releases (9.0.90 for "9.1.0") are at most one major below. */
    g_assert_cmpuint(got_version, <=, version);
    g_assert_cmpuint(got_version, >, version - 1000000);
    g_assert_cmpstr(json_object_get_string(json_object_object_get(
                        json_object_array_get_idx(json_object_object_get(facts, "sessions"), 0),
                        "accel")), ==, variant && strcmp(variant, "hvf") == 0 ? "hvf:tcg" : "kvm:tcg");
    if (vc_qemu_facts_n_sessions(facts) > 1)
        g_assert_nonnull(vc_qemu_facts_reply(facts, 1, "query-machines"));
    assert_no_command_not_found(facts, base);
}

static void
test_file(gconstpointer data)
{
    const char *base = data;
    g_autofree char *path = g_build_filename(corpus_dir, base, NULL);
    g_autofree char *text = NULL, *written = NULL;
    gsize len = 0;
    g_autoptr(GError) err = NULL;
    g_autoptr(VcReplies) r = NULL;
    g_autoptr(VcQemuSource) src = NULL;
    g_autoptr(VcJson) facts = NULL;
    g_autoptr(GString) record = g_string_new(NULL);
    g_autoptr(GString) unused = g_string_new(NULL);
    VcQemuProbeOptions opts = { strstr(base, "+hvf") ? "hvf:tcg" : NULL };

    g_assert_true(g_file_get_contents(path, &text, &len, &err));
    r = vc_replies_parse(text, len, path, &err);
    g_assert_no_error(err);
    written = vc_replies_format(r);
    assert_same_text("round trip", written, text);

    src = vc_qemu_source_new_replay(r);
    vc_qemu_source_set_record(src, record);
    facts = vc_qemu_probe(src, &opts, &err);
    g_assert_no_error(err);
    if (vc_replay_unused(vc_qemu_source_replay(src), unused) != 0)
        g_error("%s: recorded commands the probe did not send:\n%s", base, unused->str);
    check_facts(facts, r, base);
    assert_same_text("replay recording", record->str, text);
    total_pairs += vc_replies_n_pairs(r);
    total_files++;
}

static void
test_total(void)
{
    g_test_message("%u files, %u pairs, %u answered", total_files, total_pairs, total_answered);
    g_assert_cmpuint(total_files, ==, CORPUS_FILES);
    g_assert_cmpuint(total_pairs, ==, CORPUS_PAIRS);
    g_assert_cmpuint(total_answered, ==, CORPUS_PAIRS);
}

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    g_test_init(&argc, &argv, NULL);
    if (argc != 2) {
        fprintf(stderr, "usage: test-corpus CORPUS_DIR\n");
        return 2;
    }
    corpus_dir = argv[1];
    if (!(dir = g_dir_open(corpus_dir, 0, NULL))) {
        printf("1..0 # SKIP no corpus at %s\n", corpus_dir);
        return 77;
    }
    while ((name = g_dir_read_name(dir)))
        if (g_str_has_prefix(name, "caps_") && g_str_has_suffix(name, ".replies"))
            g_ptr_array_add(files, g_strdup(name));
    g_ptr_array_sort(files, compare_names);
    for (guint i = 0; i < files->len; i++) {
        g_autofree char *path = g_strdup_printf("/corpus/%s", (char *)files->pdata[i]);

        g_test_add_data_func(path, files->pdata[i], test_file);
    }
    g_test_add_func("/corpus/~total", test_total);
    return g_test_run();
}
