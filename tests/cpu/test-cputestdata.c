/*
 * libvirt's CPUID test data (../shared/corpus/tests/cputestdata): every
 * x86_64-cpuid-NAME.xml dump that has an expected NAME-host.xml is decoded
 * and checked against it.  Until the model database exists, the expected
 * feature list is only what libvirt lists beyond its chosen model, so we
 * check that:
 *   - every feature named in the -host.xml exists in our database;
 *   - our decoded set contains every listed feature (a miss is almost always
 *     a wrong bit in data/cpu/x86-features.json);
 *   - the listed features come in our decoded order (libvirt's order);
 *   - vendor and signature are the same.
 * Per dump it reports how many -host.xml features we detect and how many
 * more we decode (those are the model's, or unknown to libvirt 10.7).
 *
 * usage: test-cputestdata DIR   (exit 77 when DIR does not exist)
 */
#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cpu/cpuid.h"
#include "cpu/x86-decode.h"

typedef struct {
    char *model;
    char *vendor;
    guint family, model_number, stepping;
    gboolean has_signature;
    GPtrArray *features;    /* char * */
} HostCpu;

static void
host_cpu_free(HostCpu *h)
{
    g_free(h->model);
    g_free(h->vendor);
    g_ptr_array_unref(h->features);
    g_free(h);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HostCpu, host_cpu_free)

static guint
prop_uint(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    guint r = v ? (guint)g_ascii_strtoull((const char *)v, NULL, 10) : 0;

    xmlFree(v);
    return r;
}

static void
host_cpu_element(HostCpu *h, xmlNode *c)
{
    if (xmlStrEqual(c->name, (const xmlChar *)"model"))
        h->model = (char *)xmlNodeGetContent(c);
    else if (xmlStrEqual(c->name, (const xmlChar *)"vendor"))
        h->vendor = (char *)xmlNodeGetContent(c);
    else if (xmlStrEqual(c->name, (const xmlChar *)"signature")) {
        h->has_signature = TRUE;
        h->family = prop_uint(c, "family");
        h->model_number = prop_uint(c, "model");
        h->stepping = prop_uint(c, "stepping");
    } else if (xmlStrEqual(c->name, (const xmlChar *)"feature")) {
        xmlChar *name = xmlGetProp(c, (const xmlChar *)"name");
        g_ptr_array_add(h->features, g_strdup((const char *)name));
        xmlFree(name);
    }
}

static HostCpu *
read_host_xml(const char *path)
{
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    HostCpu *h;

    if (!doc)
        return NULL;
    h = g_new0(HostCpu, 1);
    h->features = g_ptr_array_new_with_free_func(g_free);
    for (xmlNode *c = xmlDocGetRootElement(doc)->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            host_cpu_element(h, c);
    xmlFreeDoc(doc);
    return h;
}

/* Position of a feature in the decoded list, -1 when absent. */
static gint
decoded_index(const VcX86Decoded *d, const char *name)
{
    for (guint i = 0; i < d->features->len; i++)
        if (strcmp(((const VcX86Feature *)g_ptr_array_index(d->features, i))->name,
                   name) == 0)
            return (gint)i;
    return -1;
}

static guint
check_identity(const char *name, const HostCpu *h, const VcX86Decoded *d)
{
    guint bad = 0;

    if (g_strcmp0(h->vendor, d->vendor ? d->vendor->name : NULL) != 0) {
        printf("FAIL %s: vendor %s, expected %s\n", name,
               d->vendor ? d->vendor->name : "(none)", h->vendor ? h->vendor : "(none)");
        bad++;
    }
    if (h->has_signature &&
        (h->family != d->family || h->model_number != d->model ||
         h->stepping != d->stepping)) {
        printf("FAIL %s: signature %u/%u/%u, expected %u/%u/%u\n", name, d->family,
               d->model, d->stepping, h->family, h->model_number, h->stepping);
        bad++;
    }
    return bad;
}

/* Returns the number of failures; counts detected features. */
static guint
check_features(const char *name, const VcX86FeatureDb *db, const HostCpu *h,
               const VcX86Decoded *d, guint *detected)
{
    guint bad = 0;
    gint last = -1;

    for (guint i = 0; i < h->features->len; i++) {
        const char *f = g_ptr_array_index(h->features, i);
        gint at = decoded_index(d, f);

        if (!vc_x86_feature_db_find(db, f)) {
            printf("FAIL %s: feature '%s' is not in the database\n", name, f);
            bad++;
        } else if (at < 0) {
            printf("FAIL %s: feature '%s' listed by libvirt but not decoded\n", name, f);
            bad++;
        } else {
            (*detected)++;
            if (at < last) {
                printf("FAIL %s: feature '%s' out of libvirt's order\n", name, f);
                bad++;
            }
            last = at;
        }
    }
    return bad;
}

static guint
check_case(const char *dir, const char *name, const VcX86FeatureDb *db,
           guint *listed, guint *detected)
{
    g_autofree char *dump = g_strdup_printf("%s/x86_64-cpuid-%s.xml", dir, name);
    g_autofree char *host = g_strdup_printf("%s/x86_64-cpuid-%s-host.xml", dir, name);
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuidData) data = vc_cpuid_load_file(dump, &err);
    g_autoptr(HostCpu) h = read_host_xml(host);
    g_autoptr(VcX86Decoded) d = NULL;
    guint found = 0, bad;

    if (!data || !h) {
        printf("FAIL %s: %s\n", name, err ? err->message : "cannot read the -host.xml");
        return 1;
    }
    d = vc_x86_decode(db, data);
    bad = check_identity(name, h, d) + check_features(name, db, h, d, &found);
    printf("%-26s %-26s %2u/%-2u host.xml features detected, %3u decoded\n", name,
           h->model ? h->model : "?", found, h->features->len, d->features->len);
    *listed += h->features->len;
    *detected += found;
    return bad;
}

/* NAME of every x86_64-cpuid-NAME-host.xml whose dump exists, sorted. */
static GPtrArray *
list_cases(const char *dir)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *e;

    while (d && (e = g_dir_read_name(d))) {
        g_autofree char *name = NULL;
        g_autofree char *dump = NULL;

        if (!g_str_has_prefix(e, "x86_64-cpuid-") || !g_str_has_suffix(e, "-host.xml"))
            continue;
        name = g_strndup(e + strlen("x86_64-cpuid-"),
                         strlen(e) - strlen("x86_64-cpuid-") - strlen("-host.xml"));
        dump = g_strdup_printf("%s/x86_64-cpuid-%s.xml", dir, name);
        if (g_file_test(dump, G_FILE_TEST_EXISTS))
            g_ptr_array_add(names, g_steal_pointer(&name));
    }
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    return names;
}

static int
compare_strp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcX86FeatureDb) db = NULL;
    g_autoptr(GPtrArray) cases = NULL;
    guint bad = 0, listed = 0, detected = 0, clean = 0;

    if (argc != 2 || !g_file_test(argv[1], G_FILE_TEST_IS_DIR)) {
        printf("SKIP: no cputestdata directory (%s)\n", argc > 1 ? argv[1] : "none given");
        return 77;
    }
    if (!(db = vc_x86_feature_db_load_default(&err))) {
        printf("FAIL: %s\n", err->message);
        return 1;
    }
    cases = list_cases(argv[1]);
    g_ptr_array_sort(cases, compare_strp);
    for (guint i = 0; i < cases->len; i++) {
        guint b = check_case(argv[1], g_ptr_array_index(cases, i), db, &listed, &detected);
        bad += b;
        clean += b == 0;
    }
    printf("cputestdata: %u/%u dumps consistent; %u/%u host.xml features detected\n",
           clean, cases->len, detected, listed);
    return cases->len == 0 || bad ? 1 : 0;
}
