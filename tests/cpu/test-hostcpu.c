/*
 * Host CPU decoding against libvirt's: every x86_64-cpuid-NAME.xml dump of
 * ../shared/corpus/tests/cputestdata with an expected NAME-host.xml is
 * decoded with data/cpu/x86-models.json and compared with libvirt's answer:
 * model, vendor, signature and the feature list (names and order).  Prints
 * one line per difference and `hostcpu: N/M identical`.
 *
 * A case may differ only when KNOWN (tests/cpu/hostcpu-known-differences.txt:
 * "NAME: reason" lines) lists it; a listed case that is now identical fails
 * too, so the list stays true.
 *
 * usage: test-hostcpu CPUTESTDATA-DIR KNOWN   (exit 77 when the dir is absent)
 */
#include <stdio.h>
#include <string.h>

#include "cpu/x86-cpu.h"

static VcCpuDef *
read_def(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize len;

    if (!g_file_get_contents(path, &text, &len, error))
        return NULL;
    return vc_cpu_def_parse_xml(text, len, path, error);
}

static char *
feature_names(const VcCpuDef *def)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < def->features->len; i++)
        g_string_append_printf(s, "%s%s", i ? " " : "",
                               ((const VcCpuFeature *)g_ptr_array_index(def->features, i))->name);
    return g_string_free(s, FALSE);
}

/* What differs, "" when nothing does. */
static char *
compare(const VcCpuDef *want, const VcCpuDef *got)
{
    GString *s = g_string_new(NULL);
    g_autofree char *fw = feature_names(want);
    g_autofree char *fg = feature_names(got);

    if (g_strcmp0(want->model, got->model) != 0)
        g_string_append_printf(s, " model %s, expected %s;", got->model, want->model);
    if (g_strcmp0(want->vendor, got->vendor) != 0)
        g_string_append_printf(s, " vendor %s, expected %s;", got->vendor, want->vendor);
    if (want->has_signature &&
        (want->family != got->family || want->model_number != got->model_number ||
         want->stepping != got->stepping))
        g_string_append_printf(s, " signature %u/%u/%u, expected %u/%u/%u;", got->family,
                               got->model_number, got->stepping, want->family,
                               want->model_number, want->stepping);
    if (strcmp(fw, fg) != 0)
        g_string_append_printf(s, " features [%s], expected [%s];", fg, fw);
    return g_string_free(s, FALSE);
}

static GHashTable *
read_known(const char *path)
{
    GHashTable *known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return known;
    lines = g_strsplit(text, "\n", -1);
    for (gsize i = 0; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');
        if (lines[i][0] && lines[i][0] != '#' && colon)
            g_hash_table_add(known, g_strndup(lines[i], (gsize)(colon - lines[i])));
    }
    return known;
}

/* NAME of every x86_64-cpuid-NAME-host.xml whose dump exists, sorted. */
static GPtrArray *
list_cases(const char *dir)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *e;
    const gsize pre = strlen("x86_64-cpuid-"), suf = strlen("-host.xml");

    while (d && (e = g_dir_read_name(d))) {
        g_autofree char *name = NULL;
        g_autofree char *dump = NULL;

        if (!g_str_has_prefix(e, "x86_64-cpuid-") || !g_str_has_suffix(e, "-host.xml"))
            continue;
        name = g_strndup(e + pre, strlen(e) - pre - suf);
        dump = g_strdup_printf("%s/x86_64-cpuid-%s.xml", dir, name);
        if (g_file_test(dump, G_FILE_TEST_EXISTS))
            g_ptr_array_add(names, g_steal_pointer(&name));
    }
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(names, (GCompareFunc)strcmp);
    return names;
}

/* 0: identical, 1: differs, -1: error */
static int
run_case(const char *dir, const char *name, const VcX86ModelDb *db, char **why)
{
    g_autofree char *dump = g_strdup_printf("%s/x86_64-cpuid-%s.xml", dir, name);
    g_autofree char *host = g_strdup_printf("%s/x86_64-cpuid-%s-host.xml", dir, name);
    g_autoptr(GError) err = NULL;
    g_autoptr(VcCpuidData) data = vc_cpuid_load_file(dump, &err);
    g_autoptr(VcCpuDef) want = data ? read_def(host, &err) : NULL;
    g_autoptr(VcCpuDef) got = want ? vc_x86_cpu_decode_host(db, data, &err) : NULL;

    if (!got) {
        *why = g_strdup(err->message);
        return -1;
    }
    *why = compare(want, got);
    return **why ? 1 : 0;
}

static gboolean
check_case(const char *dir, const char *name, const VcX86ModelDb *db,
           GHashTable *known, guint *identical)
{
    g_autofree char *why = NULL;
    int rc = run_case(dir, name, db, &why);
    gboolean listed = g_hash_table_contains(known, name);

    if (rc == 0 && !listed) {
        (*identical)++;
        return TRUE;
    }
    if (rc == 0) {
        printf("FAIL %s: identical now; remove it from the known differences\n", name);
        return FALSE;
    }
    printf("%s %s:%s%s\n", rc > 0 && listed ? "known" : "FAIL", name,
           rc < 0 ? " " : "", why);
    return rc > 0 && listed;
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VcX86FeatureDb) fdb = NULL;
    g_autoptr(VcX86ModelDb) db = NULL;
    g_autoptr(GPtrArray) cases = NULL;
    g_autoptr(GHashTable) known = NULL;
    guint identical = 0, bad = 0;

    if (argc != 3 || !g_file_test(argv[1], G_FILE_TEST_IS_DIR)) {
        printf("SKIP: no cputestdata directory (%s)\n", argc > 1 ? argv[1] : "none given");
        return 77;
    }
    if (!(fdb = vc_x86_feature_db_load_default(&err)) ||
        !(db = vc_x86_model_db_load_default(fdb, &err))) {
        printf("FAIL: %s\n", err->message);
        return 1;
    }
    known = read_known(argv[2]);
    cases = list_cases(argv[1]);
    for (guint i = 0; i < cases->len; i++)
        bad += !check_case(argv[1], g_ptr_array_index(cases, i), db, known, &identical);
    printf("hostcpu: %u/%u identical\n", identical, cases->len);
    return cases->len == 0 || bad ? 1 : 0;
}
