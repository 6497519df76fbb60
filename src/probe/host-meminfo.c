#include "probe/probe.h"

#include <string.h>

/* Find "<field>: <n> kB" in a meminfo-style file.  The per-node files
 * prefix each line with "Node N ", so the field is searched for, not
 * required at the line start. */
gboolean
vc_meminfo_field_kib(const VcHost *host, const char *path, const char *field,
                     guint64 *kib)
{
    g_autofree char *text = vc_host_read(host, path, VC_FILE_MAX_SMALL * 4);
    g_auto(GStrv) lines = NULL;
    g_autofree char *key = g_strconcat(field, ":", NULL);

    if (!text)
        return FALSE;
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        const char *p = strstr(*l, key);
        g_auto(GStrv) words = NULL;
        if (!p || (p != *l && p[-1] != ' '))
            continue;
        words = g_strsplit_set(g_strstrip(strchr(p, ':') + 1), " \t", -1);
        /* "<number> kB" exactly: a line cut short must not pass for a value. */
        if (g_strv_length(words) == 2 && strcmp(words[1], "kB") == 0 &&
            vc_parse_u64(words[0], kib))
            return TRUE;
        vc_host_warn(host, "ignoring %s: malformed %s line", path, field);
        return FALSE;
    }
    vc_host_warn(host, "ignoring %s: no %s line", path, field);
    return FALSE;
}
