/*
 * virtcaps: the command-line tool on top of libvirtcaps.
 *
 *   virtcaps capabilities [--root DIR] [--facts FILE] [--format xml|json]
 *                         [--no-guests] [--emulator PATH]... [--replay ARCH=FILE]...
 *                         [--no-cache] [--cache-dir DIR]
 *                         [--guest-arch ARCH]... [--accel LIST]
 *   virtcaps record-host DIR [--root DIR]
 *   virtcaps version
 *
 * Output is written to stdout in one piece only after everything succeeded,
 * so a failure never leaves half a document behind.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "virtcaps.h"
#include "cli/cmd-qemu.h"
#include "cli/cmd-domcaps.h"
#include "cli/cmd-cpu.h"
#include "qemu/discover.h"
#include "cli/cmd-cache.h"

typedef struct {
    char *root;
    char *facts;
    char *format;
    gboolean quiet;
    gboolean no_guests;
    char **emulators;
    char **replays;
    char **guest_archs;
    char *accel;
    char *cache_dir;
    gboolean no_cache;
} CapsOptions;

static void
caps_options_clear(CapsOptions *o)
{
    g_free(o->root);
    g_free(o->facts);
    g_free(o->format);
    g_strfreev(o->emulators);
    g_strfreev(o->replays);
    g_strfreev(o->guest_archs);
    g_free(o->accel);
    g_free(o->cache_dir);
}

/* The <guest> entries (emulators of the host under --root, or those
 * named), probed in a thread of their own while the host is probed. */
typedef struct {
    VcGuestProbeOptions opts;
    char *host_arch;
    GPtrArray *warnings;
    GPtrArray *guests;       /* result: VcGuest *, or NULL and error */
    GError *error;
} GuestsTask;

static gpointer
run_guests_task(gpointer data)
{
    GuestsTask *t = data;

    t->guests = vc_qemu_probe_guests(t->host_arch, &t->opts, &t->error);
    return NULL;
}

static GThread *
start_guests(GuestsTask *t, const CapsOptions *o, const VcProbeOptions *popts)
{
    t->warnings = g_ptr_array_new_with_free_func(g_free);
    t->host_arch = vc_host_arch(popts);
    t->opts = (VcGuestProbeOptions){
        .root = o->root,
        .emulators = (const char *const *)o->emulators,
        .replays = (const char *const *)o->replays,
        .archs = (const char *const *)o->guest_archs,
        .accel = o->accel,
        .warnings = t->warnings,
        .cache_dir = o->cache_dir,
        .no_cache = o->no_cache,
    };
    return g_thread_new("guests", run_guests_task, t);
}

/* Wait for the guests; they follow the host's warnings, as they did when
 * they were probed after it. */
static gboolean
finish_guests(GThread *thread, GuestsTask *t, VcHostCaps *caps, GPtrArray *warnings,
              GError **error)
{
    gboolean ok;

    g_thread_join(thread);
    for (guint i = 0; i < t->warnings->len; i++)
        g_ptr_array_add(warnings, g_steal_pointer(&t->warnings->pdata[i]));
    for (guint i = 0; caps && t->guests && i < t->guests->len; i++)
        g_ptr_array_add(caps->guests, g_steal_pointer(&t->guests->pdata[i]));
    ok = t->guests != NULL;
    if (t->error)
        g_propagate_error(error, g_steal_pointer(&t->error));
    g_clear_pointer(&t->guests, g_ptr_array_unref);
    g_clear_pointer(&t->warnings, g_ptr_array_unref);
    g_clear_pointer(&t->host_arch, g_free);
    return ok;
}

static gboolean
write_all_stdout(const char *text)
{
    gsize len = strlen(text);

    if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "virtcaps: cannot write output: %s\n", g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

static void
print_warnings(const GPtrArray *warnings, gboolean quiet)
{
    if (quiet)
        return;
    for (guint i = 0; i < warnings->len; i++)
        fprintf(stderr, "virtcaps: warning: %s\n", (const char *)g_ptr_array_index(warnings, i));
}

/* Parse options, then require exactly nargs positional arguments. */
static gboolean
parse_options_with_args(int *argc, char ***argv, GOptionEntry *entries,
                        const char *usage, int nargs, GError **error)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new(usage);

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, argc, argv, error))
        return FALSE;
    if (*argc > nargs + 1) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "unexpected argument '%s'", (*argv)[nargs + 1]);
        return FALSE;
    }
    if (*argc < nargs + 1) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "missing argument (see --help)");
        return FALSE;
    }
    return TRUE;
}

static gboolean
parse_options(int *argc, char ***argv, GOptionEntry *entries, const char *usage,
              GError **error)
{
    return parse_options_with_args(argc, argv, entries, usage, 0, error);
}

static int
cmd_capabilities(int argc, char **argv)
{
    CapsOptions o = { 0 };
    GOptionEntry entries[] = {
        { "root", 'r', 0, G_OPTION_ARG_FILENAME, &o.root,
          "Read /sys, /proc, /dev and /etc under DIR", "DIR" },
        { "facts", 0, 0, G_OPTION_ARG_FILENAME, &o.facts,
          "Merge the JSON facts in FILE over what was probed", "FILE" },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &o.format,
          "Output format: xml (default) or json", "FORMAT" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
          "Do not print warnings about host files", NULL },
        { "no-guests", 0, 0, G_OPTION_ARG_NONE, &o.no_guests,
          "Do not probe emulators: no <guest> entries", NULL },
        { "emulator", 'e', 0, G_OPTION_ARG_FILENAME_ARRAY, &o.emulators,
          "Probe only this emulator (repeatable)", "PATH" },
        { "replay", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.replays,
          "Answer for /usr/bin/qemu-system-ARCH from a .replies transcript (repeatable)",
          "ARCH=FILE" },
        { "guest-arch", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.guest_archs,
          "List only guests of this arch (repeatable)", "ARCH" },
        { "accel", 0, 0, G_OPTION_ARG_STRING, &o.accel,
          "Accelerators of each emulator's first session (default kvm:tcg)", "LIST" },
        { "no-cache", 0, 0, G_OPTION_ARG_NONE, &o.no_cache,
          "Probe every emulator; neither read nor write the facts cache", NULL },
        { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.cache_dir,
          "Keep the facts cache in DIR", "DIR" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(VcHostCaps) caps = NULL;
    g_autofree char *out = NULL;
    GThread *guests_thread = NULL;
    GuestsTask guests = { 0 };
    VcProbeOptions popts;
    int rc = 1;

    if (!parse_options(&argc, &argv, entries, "- print the host capabilities", &err))
        goto out;
    if (o.format && strcmp(o.format, "xml") != 0 && strcmp(o.format, "json") != 0) {
        g_set_error(&err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "unknown format '%s' (expected xml or json)", o.format);
        goto out;
    }
    popts = (VcProbeOptions){ .root = o.root, .warnings = warnings,
                              .cache_dir = o.cache_dir, .no_cache = o.no_cache };
    if (!o.no_guests)
        guests_thread = start_guests(&guests, &o, &popts);
    caps = vc_host_caps_probe(&popts, &err);
    /* A host error wins over a guests one: it is the first one met. */
    if (guests_thread && !finish_guests(guests_thread, &guests, caps, warnings,
                                        err ? NULL : &err))
        goto out;
    if (!caps)
        goto out;
    if (o.facts && !vc_host_caps_apply_facts_file(&caps, o.facts, &err))
        goto out;
    print_warnings(warnings, o.quiet);
    out = (o.format && strcmp(o.format, "json") == 0)
        ? vc_host_caps_format_json(caps) : vc_host_caps_format_xml(caps);
    rc = write_all_stdout(out) ? 0 : 1;
 out:
    if (err)
        fprintf(stderr, "virtcaps: %s\n", err->message);
    caps_options_clear(&o);
    return rc;
}

/* Record the host files a probe reads into DIR: a fixture tree that
 * `capabilities --root DIR` replays. */
static int
cmd_record_host(int argc, char **argv)
{
    char *root = NULL;
    GOptionEntry entries[] = {
        { "root", 'r', 0, G_OPTION_ARG_FILENAME, &root,
          "Record from a tree under DIR instead of /", "DIR" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(VcHostCaps) caps = NULL;
    VcProbeOptions popts;
    const char *dir;
    int rc = 1;

    if (!parse_options_with_args(&argc, &argv, entries, "DIR - record the host files a probe reads",
                                 1, &err))
        goto out;
    dir = argv[1];
    if (g_file_test(dir, G_FILE_TEST_EXISTS)) {
        g_set_error(&err, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                    "%s already exists; record into a new directory", dir);
        goto out;
    }
    if (g_mkdir_with_parents(dir, 0755) < 0) {
        g_set_error(&err, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot create %s: %s", dir, g_strerror(errno));
        goto out;
    }
    popts = (VcProbeOptions){ .root = root, .warnings = warnings, .record_dir = dir };
    if (!(caps = vc_host_caps_probe(&popts, &err)))
        goto out;
    print_warnings(warnings, FALSE);
    rc = 0;
 out:
    if (err)
        fprintf(stderr, "virtcaps: %s\n", err->message);
    g_free(root);
    return rc;
}

static int
cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("virtcaps %s\n", vc_version());
    return 0;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    { "capabilities", cmd_capabilities, "print the host capabilities (like virsh capabilities)" },
    { "record-host", cmd_record_host, "record the host files a probe reads into a fixture tree" },
    { "cpuid", vc_cmd_cpuid, "decode the host CPUID (vendor, signature, features)" },
    { "qemu-probe", vc_cmd_qemu_probe, "print the QMP facts of a QEMU binary (live or replayed)" },
    { "domcapabilities", vc_cmd_domcapabilities, "print the domain capabilities of an emulator (like virsh domcapabilities)" },
    { "cache", vc_cmd_cache, "show or clear the cache of QEMU facts" },
    { "version", cmd_version, "print the version" },
};

static void
usage(FILE *to)
{
    fprintf(to, "usage: virtcaps COMMAND [OPTIONS]\n\ncommands:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(to, "  %-14s %s\n", commands[i].name, commands[i].help);
    fprintf(to, "\nRun 'virtcaps COMMAND --help' for a command's options.\n");
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "virtcaps: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
