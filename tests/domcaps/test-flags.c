/*
 * test-flags CORPUS: the capability flags computed from each of libvirt's
 * transcripts (qemucapabilitiesdata/caps_*.replies) equal, for every flag
 * virtcaps implements, the <flag name='...'/> set that libvirt computed from
 * the same transcript (caps_*.xml, used as an oracle only).  Exit 77 when
 * the corpus is absent.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "domcaps/flags.h"
#include "qemu/probe.h"

static GHashTable *
oracle_flags(const char *xml_path)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    xmlDocPtr doc = xmlReadFile(xml_path, NULL, XML_PARSE_NONET);
    xmlXPathContextPtr ctx;
    xmlXPathObjectPtr res;

    if (!doc)
        return set;
    ctx = xmlXPathNewContext(doc);
    res = xmlXPathEvalExpression((const xmlChar *)"/qemuCaps/flag/@name", ctx);
    for (int i = 0; res && res->nodesetval && i < res->nodesetval->nodeNr; i++) {
        xmlChar *v = xmlNodeGetContent(res->nodesetval->nodeTab[i]);

        g_hash_table_add(set, g_strdup((const char *)v));
        xmlFree(v);
    }
    xmlXPathFreeObject(res);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return set;
}

static json_object *
replay(const char *path, GError **error)
{
    g_autoptr(VcReplies) replies = vc_replies_load(path, error);
    g_autoptr(VcQemuSource) src = NULL;
    VcQemuProbeOptions opts = { strstr(path, "+hvf") ? "hvf:tcg" : NULL };

    if (!replies)
        return NULL;
    src = vc_qemu_source_new_replay(replies);
    return vc_qemu_probe(src, &opts, error);
}

/* Number of flags that differ for one transcript. */
static int
check_case(const char *replies_path)
{
    g_autofree char *base = g_strndup(replies_path, strlen(replies_path) - strlen(".replies"));
    g_autofree char *xml = g_strconcat(base, ".xml", NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(GHashTable) oracle = oracle_flags(xml);
    json_object *facts = replay(replies_path, &err);
    VcQemuFlags flags;
    int bad = 0;

    if (!facts) {
        printf("FAIL  %s: %s\n", replies_path, err->message);
        return 1;
    }
    vc_qemu_flags_compute(facts, &flags);
    for (int f = 0; f < VC_QEMU_FLAG_LAST; f++) {
        gboolean want = g_hash_table_contains(oracle, vc_qemu_flag_name(f));

        if (want != flags.set[f]) {
            printf("FAIL  %s: flag %s: libvirt %s, virtcaps %s\n", replies_path,
                   vc_qemu_flag_name(f), want ? "set" : "unset", flags.set[f] ? "set" : "unset");
            bad++;
        }
    }
    json_object_put(facts);
    return bad;
}

static gint
compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    const char *corpus = argc > 1 ? argv[1] : "../shared/corpus";
    g_autofree char *dir = g_build_filename(corpus, "tests", "qemucapabilitiesdata", NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    int bad = 0;

    if (!d) {
        printf("SKIP: no libvirt corpus at %s\n", corpus);
        return 77;
    }
    while ((name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".replies"))
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
    g_ptr_array_sort(files, compare_paths);
    for (guint i = 0; i < files->len; i++)
        bad += check_case(g_ptr_array_index(files, i));
    printf("flags: %u transcripts, %d flags of %d differ from libvirt\n", files->len, bad,
           VC_QEMU_FLAG_LAST);
    return bad ? 1 : 0;
}
