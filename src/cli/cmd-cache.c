/*
 * cmd-cache.c - `virtcaps cache show` and `virtcaps cache clear`.
 *
 * show lists every entry of the QEMU facts cache: the binary and
 * accelerators it answers for, whether its key still equals the current one
 * (valid) or not (stale: the next probe replaces it), its age and size, and
 * a summary of its key.  clear removes every entry.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cmd-cache.h"
#include "qemu/cache.h"

static char *
format_age(gint64 s)
{
    if (s < 120)
        return g_strdup_printf("%" G_GINT64_FORMAT " s", s);
    if (s < 2 * 3600)
        return g_strdup_printf("%" G_GINT64_FORMAT " min", s / 60);
    if (s < 2 * 86400)
        return g_strdup_printf("%" G_GINT64_FORMAT " h", s / 3600);
    return g_strdup_printf("%" G_GINT64_FORMAT " days", s / 86400);
}

static void
print_entry(GString *out, const char *dir, const VcQemuCacheEntry *e)
{
    g_autofree char *age = format_age(e->age_s);
    g_autofree char *size = g_format_size((guint64)e->size);

    if (e->problem) {
        g_string_append_printf(out, "%s/%s: unusable (%s); replaced by the next probe\n", dir,
                               e->file, e->problem);
        return;
    }
    g_string_append_printf(out, "%s [%s]: %s, %s old, %s\n", e->binary ? e->binary : "?",
                           e->accel ? e->accel : "?", e->valid ? "valid" : "stale", age, size);
    g_string_append_printf(out, "  %s\n  file: %s/%s\n", e->summary, dir, e->file);
}

static int
cache_show(const VcQemuCacheOptions *opts)
{
    g_autofree char *dir = vc_qemu_cache_dir(opts);
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) entries = vc_qemu_cache_list(opts, &err);
    g_autoptr(GString) out = g_string_new(NULL);

    if (!entries) {
        fprintf(stderr, "virtcaps: %s\n", err->message);
        return 1;
    }
    g_string_append_printf(out, "%s: %u entr%s\n", dir, entries->len,
                           entries->len == 1 ? "y" : "ies");
    for (guint i = 0; i < entries->len; i++)
        print_entry(out, dir, entries->pdata[i]);
    fputs(out->str, stdout);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int
cache_clear(const VcQemuCacheOptions *opts)
{
    g_autofree char *dir = vc_qemu_cache_dir(opts);
    g_autoptr(GError) err = NULL;
    guint removed = 0;

    if (!vc_qemu_cache_clear(opts, &removed, &err)) {
        fprintf(stderr, "virtcaps: %s\n", err->message);
        return 1;
    }
    printf("%s: removed %u entr%s\n", dir, removed, removed == 1 ? "y" : "ies");
    return fflush(stdout) == 0 ? 0 : 1;
}

int
vc_cmd_cache(int argc, char **argv)
{
    g_autofree char *cache_dir = NULL;
    GOptionEntry entries[] = {
        { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &cache_dir,
          "The cache directory (default: $XDG_CACHE_HOME/virtcaps, root: /var/cache/virtcaps)",
          "DIR" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("show|clear - the QEMU facts cache");
    g_autoptr(GError) err = NULL;
    VcQemuCacheOptions opts = { 0 };

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "virtcaps: %s\n", err->message);
        return 1;
    }
    opts.cache_dir = cache_dir;
    if (argc == 2 && strcmp(argv[1], "show") == 0)
        return cache_show(&opts);
    if (argc == 2 && strcmp(argv[1], "clear") == 0)
        return cache_clear(&opts);
    fprintf(stderr, "virtcaps: cache: expected 'show' or 'clear' (see --help)\n");
    return 1;
}
