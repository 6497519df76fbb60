/*
 * cmd-domcaps.c - `virtcaps domcapabilities`: libvirt's domain capabilities
 * of one emulator, like `virsh domcapabilities`, without a daemon.
 *
 * The emulator is probed live (--emulatorbin, default qemu-system-ARCH from
 * PATH) or replayed from a .replies transcript (--replay); host facts are
 * probed and can be overridden (--host-facts, see docs/domcaps.md).  The
 * XML is in the newest libvirt format unless --libvirt-version names an
 * older release (blockers since 10.9, canonical since 10.10).  The
 * document goes to stdout in one piece once everything succeeded; errors are
 * one line on stderr, warnings (skipped firmware descriptors) too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd-domcaps.h"
#include "domcaps/firmware.h"
#include "domcaps/hostfacts.h"
#include "domcaps/policy.h"
#include "format/domcaps-json.h"
#include "format/domcaps-xml.h"
#include "qemu/cache.h"
#include "qemu/digest.h"
#include "qemu/probe.h"

typedef struct {
    char *emulator;
    char *arch;
    char *machine;
    char *virttype;
    char *replay;
    char *host_facts;
    char *format;
    char *libvirt_version;
    guint version;          /* parsed libvirt_version; NEWEST when not given */
    char *cache_dir;
    gboolean no_cache;
} DomcapsOptions;

/* libvirt's architecture names whose QEMU binary is named differently. */
static const struct {
    const char *arch;
    const char *qemu;
} binary_arches[] = {
    { "i686", "i386" },
    { "armv6l", "arm" },
    { "armv7l", "arm" },
    { "ppc64le", "ppc64" },
};

/* --format: the formatters of the model (the first is the default).  The
 * XML follows --libvirt-version's format; the JSON, virtcaps' own, always
 * has everything. */
typedef char *(*FormatFn)(const VcDomCaps *caps, guint libvirt_version);

static char *
format_json(const VcDomCaps *caps, guint libvirt_version G_GNUC_UNUSED)
{
    return vc_dom_caps_format_json(caps);
}

static const struct {
    const char *name;
    FormatFn format;
} formats[] = {
    { "xml", vc_dom_caps_format_xml_for },
    { "json", format_json },
};

static FormatFn
formatter(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(formats); i++)
        if (!name || strcmp(formats[i].name, name) == 0)
            return formats[i].format;
    return NULL;
}

static void
options_clear(DomcapsOptions *o)
{
    g_free(o->emulator);
    g_free(o->arch);
    g_free(o->machine);
    g_free(o->virttype);
    g_free(o->replay);
    g_free(o->host_facts);
    g_free(o->format);
    g_free(o->libvirt_version);
    g_free(o->cache_dir);
}

static gboolean
check_options(DomcapsOptions *o, int argc, char **argv, GError **error)
{
    if (argc > 1) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unexpected argument '%s'", argv[1]);
        return FALSE;
    }
    if (!formatter(o->format)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "unknown format '%s' (expected xml or json)", o->format);
        return FALSE;
    }
    o->version = VC_LIBVIRT_VERSION_NEWEST;
    return !o->libvirt_version || vc_libvirt_version_parse(o->libvirt_version, &o->version, error);
}

/* virsh's default emulator: qemu-system-ARCH for the guest arch, from PATH;
 * without it in PATH, /usr/bin/qemu-system-ARCH is named. */
static char *
default_emulator(const char *arch)
{
    const char *qemu_arch = arch;
    g_autofree char *name = NULL;
    char *found;

    for (gsize i = 0; i < G_N_ELEMENTS(binary_arches); i++)
        if (strcmp(binary_arches[i].arch, arch) == 0)
            qemu_arch = binary_arches[i].qemu;
    name = g_strconcat("qemu-system-", qemu_arch, NULL);
    found = g_find_program_in_path(name);
    return found ? found : g_build_filename("/usr/bin", name, NULL);
}

/* The digest (qemu/digest.h) of the emulator's facts: a transcript is
 * probed and digested in memory; a live emulator goes through the cache,
 * which probes only when its key has changed. */
static json_object *
probe(const DomcapsOptions *o, const VcHostFacts *host, const char *emulator,
      GPtrArray *warnings, GError **error)
{
    g_autoptr(VcReplies) replies = NULL;
    g_autoptr(VcQemuSource) src = NULL;
    g_autoptr(VcJson) facts = NULL;
    VcQemuProbeOptions popts = { host->hvf ? "hvf:tcg" : NULL };

    if (o->replay) {
        if (!(replies = vc_replies_load(o->replay, error)))
            return NULL;
        src = vc_qemu_source_new_replay(replies);
    } else {
        VcQemuCacheOptions copts = { .cache_dir = o->cache_dir, .no_cache = o->no_cache,
                                     .accel = popts.accel, .warnings = warnings };

        return vc_qemu_digest_for_binary(emulator, &copts, NULL, error);
    }
    facts = vc_qemu_probe(src, &popts, error);
    return facts ? vc_qemu_digest_of_facts(facts) : NULL;
}

static void
print_warnings(const GPtrArray *warnings)
{
    for (guint i = 0; i < warnings->len; i++)
        fprintf(stderr, "virtcaps: warning: %s\n", (const char *)g_ptr_array_index(warnings, i));
}

static char *
domcaps_text(const DomcapsOptions *o, GError **error)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    /* swtpm_setup's answer is kept in the facts cache (--cache-dir,
     * --no-cache) */
    VcQemuCacheOptions host_copts = { .cache_dir = o->cache_dir, .no_cache = o->no_cache,
                                      .warnings = warnings };
    g_autoptr(VcHostFacts) host = vc_host_facts_probe_cached(&host_copts);
    g_autoptr(GPtrArray) firmwares = NULL;
    g_autoptr(VcDomCaps) caps = NULL;
    g_autofree char *emulator = NULL;
    json_object *facts;
    VcDomCapsRequest req;

    if (o->host_facts && !vc_host_facts_apply_file(host, o->host_facts, error))
        return NULL;
    emulator = o->emulator ? g_strdup(o->emulator) : default_emulator(o->arch ? o->arch : host->arch);
    if (!(facts = probe(o, host, emulator, warnings, error)))
        return NULL;
    firmwares = vc_firmware_load(host->firmware_dirs, warnings);
    print_warnings(warnings);
    req = (VcDomCapsRequest){ emulator, o->arch, o->machine, o->virttype };
    caps = vc_dom_caps_build(facts, host, firmwares, &req, o->replay ? o->replay : emulator, error);
    json_object_put(facts);
    return caps ? formatter(o->format)(caps, o->version) : NULL;
}

int
vc_cmd_domcapabilities(int argc, char **argv)
{
    DomcapsOptions o = { 0 };
    GOptionEntry entries[] = {
        { "emulatorbin", 'e', 0, G_OPTION_ARG_FILENAME, &o.emulator,
          "The emulator (default: qemu-system-ARCH from PATH)", "PATH" },
        { "arch", 'a', 0, G_OPTION_ARG_STRING, &o.arch,
          "Guest architecture (default: the host's)", "ARCH" },
        { "machine", 'm', 0, G_OPTION_ARG_STRING, &o.machine,
          "Machine type or alias (default: the emulator's default machine)", "NAME" },
        { "virttype", 't', 0, G_OPTION_ARG_STRING, &o.virttype,
          "Virtualization type: kvm, qemu or hvf (default: the best available)", "TYPE" },
        { "replay", 0, 0, G_OPTION_ARG_FILENAME, &o.replay,
          "Answer from a .replies transcript instead of a live emulator", "FILE" },
        { "host-facts", 0, 0, G_OPTION_ARG_FILENAME, &o.host_facts,
          "Override host facts with the JSON facts in FILE", "FILE" },
        { "format", 'f', 0, G_OPTION_ARG_STRING, &o.format, "Output format: xml (default) or json", "FORMAT" },
        { "libvirt-version", 0, 0, G_OPTION_ARG_STRING, &o.libvirt_version,
          "Print the XML in that libvirt release's format (default: the newest, 10.10+)", "X.Y" },
        { "no-cache", 0, 0, G_OPTION_ARG_NONE, &o.no_cache,
          "Probe the emulator; neither read nor write the facts cache", NULL },
        { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.cache_dir,
          "Keep the facts cache in DIR", "DIR" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- print the domain capabilities of an emulator");
    g_autoptr(GError) err = NULL;
    g_autofree char *out = NULL;
    int rc = 1;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err) || !check_options(&o, argc, argv, &err))
        goto out;
    if (!(out = domcaps_text(&o, &err)))
        goto out;
    if (fputs(out, stdout) == EOF || fflush(stdout) != 0)
        fprintf(stderr, "virtcaps: cannot write output: %s\n", g_strerror(errno));
    else
        rc = 0;
 out:
    if (err)
        fprintf(stderr, "virtcaps: %s\n", err->message);
    options_clear(&o);
    return rc;
}
