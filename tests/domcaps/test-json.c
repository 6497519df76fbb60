/*
 * The JSON form of domain capabilities (docs/domcaps.md, "JSON output"):
 * real values from a replayed transcript of Debian's QEMU 7.2, and, for the
 * project's transcripts and a few of libvirt's corpus, that every element
 * and attribute of the XML (the newest format: with <blockers> and
 * canonical) has its JSON counterpart with the same value.
 *
 * usage: test-json GOLDEN-DIR QEMU-DATA-DIR [CORPUS-DIR]
 */
#include <inttypes.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>

#include "domcaps/firmware.h"
#include "domcaps/policy.h"
#include "format/domcaps-json.h"
#include "format/domcaps-xml.h"
#include "replay-digest.h"

static const char *golden_dir;
static const char *data_dir;
static const char *corpus_dir;

typedef struct {
    const char *replies;      /* relative to its directory */
    const char *arch;         /* guest arch, NULL: the emulator's */
    const char *virttype;
    const char *machine;      /* NULL: the default */
} Case;

/* The domain capabilities of a transcript with the host facts in FACTS (a
 * file) and EXTRA (JSON text, may be NULL). */
static VcDomCaps *
build_caps(const char *replies_path, const char *facts, const char *extra, const Case *c)
{
    g_autoptr(VcHostFacts) host = vc_host_facts_probe();
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) firmwares = NULL;
    g_autoptr(GError) err = NULL;
    json_object *digest;
    VcDomCaps *caps;
    VcDomCapsRequest req = { "/usr/bin/qemu-system-test", c->arch, c->machine, c->virttype };

    g_assert_true(!facts || vc_host_facts_apply_file(host, facts, &err));
    g_assert_true(!extra || vc_host_facts_apply_json(host, extra, "extra", &err));
    g_assert_no_error(err);
    digest = replay_digest(replies_path);
    firmwares = vc_firmware_load(host->firmware_dirs, warnings);
    g_assert_cmpuint(warnings->len, ==, 0);
    caps = vc_dom_caps_build(digest, host, firmwares, &req, replies_path, &err);
    g_assert_no_error(err);
    json_object_put(digest);
    return caps;
}

static VcDomCaps *
build_golden(const char *replies, const char *virttype, const char *machine)
{
    g_autofree char *path = g_build_filename(data_dir, replies, NULL);
    g_autofree char *facts = g_build_filename(golden_dir, "host-facts.json", NULL);
    Case c = { replies, NULL, virttype, machine };

    return build_caps(path, facts, NULL, &c);
}

static json_object *
get(json_object *obj, const char *path)
{
    g_auto(GStrv) steps = g_strsplit(path, ".", -1);

    for (guint i = 0; steps[i]; i++) {
        char *end;
        guint64 idx = g_ascii_strtoull(steps[i], &end, 10);

        if (*end == '\0' && end != steps[i])
            obj = json_object_array_get_idx(obj, idx);
        else if (!json_object_object_get_ex(obj, steps[i], &obj))
            obj = NULL;
        if (!obj)
            g_error("no %s in the JSON (at %s)", path, steps[i]);
    }
    return obj;
}

static void
assert_strings(json_object *arr, const char *const *want)
{
    guint n = g_strv_length((char **)want);

    g_assert_true(json_object_is_type(arr, json_type_array));
    g_assert_cmpuint(json_object_array_length(arr), ==, n);
    for (guint i = 0; i < n; i++)
        g_assert_cmpstr(json_object_get_string(json_object_array_get_idx(arr, i)), ==, want[i]);
}

/* Values of the transcript recorded on the development machine (nested KVM,
 * AMD: host-model kvm64, 48 address bits, KVM allows 1024 vCPUs). */
static void
test_values(void)
{
    g_autoptr(VcDomCaps) caps = build_golden("debian-7.2-x86_64.replies", "kvm", "q35");
    json_object *j = vc_dom_caps_to_json(caps);
    json_object *hm = get(j, "cpu.modes.2");

    g_assert_cmpstr(json_object_get_string(get(j, "path")), ==, "/usr/bin/qemu-system-test");
    g_assert_cmpstr(json_object_get_string(get(j, "domain")), ==, "kvm");
    g_assert_cmpstr(json_object_get_string(get(j, "machine")), ==, "pc-q35-7.2");
    g_assert_cmpstr(json_object_get_string(get(j, "arch")), ==, "x86_64");
    g_assert_cmpint(json_object_get_int64(get(j, "vcpu.max")), ==, 288);   /* q35's limit, < 1024 */
    g_assert_true(json_object_get_boolean(get(j, "iothreads.supported")));
    assert_strings(get(j, "os.firmware"), (const char *const[]){ "efi", NULL });
    assert_strings(get(j, "os.loader.secure"), (const char *const[]){ "yes", "no", NULL });
    assert_strings(get(j, "devices.disk.diskDevice"),
                   (const char *const[]){ "disk", "cdrom", "floppy", "lun", NULL });
    assert_strings(get(j, "devices.tpm.backendVersion"), (const char *const[]){ "1.2", "2.0", NULL });
    g_assert_cmpstr(json_object_get_string(get(hm, "name")), ==, "host-model");
    g_assert_cmpstr(json_object_get_string(get(hm, "model.name")), ==, "kvm64");
    g_assert_cmpstr(json_object_get_string(get(hm, "model.fallback")), ==, "forbid");
    g_assert_cmpstr(json_object_get_string(get(hm, "vendor")), ==, "AMD");
    g_assert_cmpint(json_object_get_int64(get(hm, "maxphysaddr.limit")), ==, 48);
    g_assert_cmpstr(json_object_get_string(get(j, "cpu.modes.3.models.0.name")), ==, "qemu64");
    g_assert_cmpstr(json_object_get_string(get(j, "cpu.modes.3.models.0.usable")), ==, "no");
    assert_strings(get(j, "cpu.modes.3.models.0.blockers"), (const char *const[]){ "pni", NULL });
    g_assert_cmpstr(json_object_get_string(get(j, "cpu.modes.3.models.0.canonical")), ==, "qemu64-v1");
    g_assert_false(json_object_get_boolean(get(j, "features.sev.supported")));
    g_assert_true(json_object_get_boolean(get(j, "features.ps2.supported")));
    g_assert_false(json_object_object_get_ex(get(j, "features.sgx"), "flc", NULL));
    json_object_put(j);
}

/* The printed form: json-c's pretty print, one trailing newline, parses back. */
static void
test_format(void)
{
    g_autoptr(VcDomCaps) caps = build_golden("debian-7.2-aarch64.replies", "qemu", "virt");
    g_autofree char *text = vc_dom_caps_format_json(caps);
    json_object *back = json_tokener_parse(text);

    g_assert_true(g_str_has_prefix(text, "{\n  \"path\": "));
    g_assert_true(g_str_has_suffix(text, "}\n") && !g_str_has_suffix(text, "\n\n"));
    g_assert_nonnull(back);
    g_assert_cmpstr(json_object_get_string(get(back, "machine")), ==, "virt-7.2");
    g_assert_cmpstr(json_object_get_string(get(back, "cpu.modes.0.name")), ==, "host-passthrough");
    g_assert_false(json_object_get_boolean(get(back, "cpu.modes.0.supported")));
    json_object_put(back);
}

/* ---- every XML element has its counterpart ----------------------------- */

/* A JSON scalar equals the XML text: strings as they are, integers in
 * decimal, booleans as yes/no. */
static gboolean
scalar_matches(json_object *v, const char *text)
{
    g_autofree char *num = NULL;

    switch (json_object_get_type(v)) {
    case json_type_string:
        return strcmp(json_object_get_string(v), text) == 0;
    case json_type_int:
        num = g_strdup_printf("%" PRId64, json_object_get_int64(v));
        return strcmp(num, text) == 0;
    case json_type_boolean:
        return strcmp(json_object_get_boolean(v) ? "yes" : "no", text) == 0;
    default:
        return FALSE;
    }
}

static gboolean
has_element_children(xmlNode *el)
{
    for (xmlNode *c = el->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return TRUE;
    return FALSE;
}

static char *
prop(xmlNode *el, const char *name)
{
    xmlChar *v = xmlGetProp(el, (const xmlChar *)name);
    char *s = g_strdup((const char *)v);

    xmlFree(v);
    return s;
}

/* <enum name='x'><value>..: member x, an array of the values in order. */
static void
check_enum(xmlNode *el, json_object *parent, const char *path)
{
    g_autofree char *name = prop(el, "name");
    json_object *arr;
    gsize i = 0;

    if (!json_object_object_get_ex(parent, name, &arr) || !json_object_is_type(arr, json_type_array))
        g_error("%s/enum[@name='%s']: no array '%s' in the JSON", path, name, name);
    for (xmlNode *v = el->children; v; v = v->next) {
        g_autofree char *text = NULL;

        if (v->type != XML_ELEMENT_NODE)
            continue;
        text = (char *)xmlNodeGetContent(v);
        if (i >= json_object_array_length(arr) || !scalar_matches(json_object_array_get_idx(arr, i), text))
            g_error("%s/enum[@name='%s']: value %" G_GSIZE_FORMAT " '%s' differs", path, name, i, text);
        i++;
    }
    g_assert_cmpuint(i, ==, json_object_array_length(arr));
}

static guint check_element(xmlNode *el, json_object *j, const char *path);

/* <blockers model='M'><feature name=..>: the "blockers" array of the
 * custom model M in the mode's "models", the names in order. */
static void
check_blockers(xmlNode *el, json_object *mode, const char *path)
{
    g_autofree char *model = prop(el, "model");
    json_object *models = json_object_object_get(mode, "models"), *arr = NULL;
    gsize i = 0;

    for (size_t m = 0; json_object_is_type(models, json_type_array) && m < json_object_array_length(models); m++) {
        json_object *jm = json_object_array_get_idx(models, m);

        if (g_strcmp0(json_object_get_string(json_object_object_get(jm, "name")), model) == 0)
            arr = json_object_object_get(jm, "blockers");
    }
    if (!json_object_is_type(arr, json_type_array))
        g_error("%s/blockers[@model='%s']: no blockers array in the JSON's model", path, model);
    for (xmlNode *f = el->children; f; f = f->next) {
        g_autofree char *name = NULL;

        if (f->type != XML_ELEMENT_NODE)
            continue;
        name = prop(f, "name");
        if (i >= json_object_array_length(arr) || !scalar_matches(json_object_array_get_idx(arr, i), name))
            g_error("%s/blockers[@model='%s']: feature %" G_GSIZE_FORMAT " '%s' differs", path, model, i, name);
        i++;
    }
    g_assert_cmpuint(i, ==, json_object_array_length(arr));
}

/* The counterpart of a child element: the member of its name, else element
 * K of the array named by its plural (repeated elements), or element K of j
 * itself when j is an array (a container such as <sections>). */
static json_object *
child_counterpart(json_object *j, const char *name, guint k, guint pos)
{
    g_autofree char *plural = g_strconcat(name, "s", NULL);
    json_object *v;

    if (json_object_is_type(j, json_type_array))
        return json_object_array_get_idx(j, pos);
    if (json_object_object_get_ex(j, name, &v))
        return v;
    if (json_object_object_get_ex(j, plural, &v) && json_object_is_type(v, json_type_array))
        return json_object_array_get_idx(v, k);
    return NULL;
}

static guint
check_children(xmlNode *el, json_object *j, const char *path)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    guint n = 0, pos = 0;

    for (xmlNode *c = el->children; c; c = c->next) {
        const char *name = (const char *)c->name;
        guint k;
        json_object *cj;
        g_autofree char *cpath = NULL;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(name, "enum") == 0) {
            check_enum(c, j, path);
            n++;
            continue;
        }
        if (strcmp(name, "blockers") == 0) {
            check_blockers(c, j, path);
            n++;
            continue;
        }
        k = GPOINTER_TO_UINT(g_hash_table_lookup(seen, name));
        g_hash_table_insert(seen, (gpointer)name, GUINT_TO_POINTER(k + 1));
        cpath = g_strdup_printf("%s/%s[%u]", path, name, k + 1);
        if (!(cj = child_counterpart(j, name, k, pos++)))
            g_error("%s: no JSON counterpart", cpath);
        n += check_element(c, cj, cpath);
    }
    return n;
}

/* Attributes are members of the same name (units are fixed: KiB); the text
 * is the value itself, or its "name" member for an element with attributes
 * (<model fallback>). */
static guint
check_element(xmlNode *el, json_object *j, const char *path)
{
    for (xmlAttr *a = el->properties; a; a = a->next) {
        g_autofree char *value = prop(el, (const char *)a->name);
        json_object *v;

        if (strcmp((const char *)a->name, "unit") == 0)
            continue;
        if (!json_object_object_get_ex(j, (const char *)a->name, &v) || !scalar_matches(v, value))
            g_error("%s/@%s='%s': no such JSON member or another value", path, a->name, value);
    }
    if (!has_element_children(el)) {
        g_autofree char *text = (char *)xmlNodeGetContent(el);
        json_object *v = j;

        if (!*text)
            return 1;
        if (json_object_is_type(j, json_type_object) && !json_object_object_get_ex(j, "name", &v))
            g_error("%s: an object without name for the text '%s'", path, text);
        if (!scalar_matches(v, text))
            g_error("%s: text '%s' differs from the JSON's %s", path, text, json_object_get_string(v));
        return 1;
    }
    return 1 + check_children(el, j, path);
}

static void
check_counterparts(VcDomCaps *caps, const char *label)
{
    g_autofree char *xml = vc_dom_caps_format_xml(caps);
    xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), label, NULL, XML_PARSE_NONET);
    json_object *j = vc_dom_caps_to_json(caps);
    guint n;

    g_assert_nonnull(doc);
    n = check_children(xmlDocGetRootElement(doc), j, "/domainCapabilities");
    g_test_message("%s: %u elements", label, n);
    g_assert_cmpuint(n, >, 50);
    json_object_put(j);
    xmlFreeDoc(doc);
}

static void
test_counterparts_golden(void)
{
    static const Case cases[] = {
        { "debian-7.2-x86_64.replies", NULL, "kvm", "q35" },
        { "debian-7.2-x86_64.replies", NULL, "kvm", NULL },
        { "debian-7.2-x86_64-tcg.replies", NULL, "qemu", "q35" },
        { "debian-7.2-aarch64.replies", "aarch64", "qemu", "virt" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(VcDomCaps) caps = build_golden(cases[i].replies, cases[i].virttype, cases[i].machine);

        check_counterparts(caps, cases[i].replies);
    }
}

/* libvirt's corpus: the elements our transcripts lack (sgx with sections,
 * sev, gic, s390-pv, deprecated models), with the host facts of libvirt's
 * harness (tests/conformance/libvirt-domcaps). */
static void
test_counterparts_corpus(void)
{
    static const Case cases[] = {
        { "caps_7.0.0_x86_64.replies", "x86_64", "kvm", "q35" },
        { "caps_6.0.0_x86_64.replies", "x86_64", "kvm", NULL },
        { "caps_9.1.0_x86_64.replies", "x86_64", "qemu", NULL },
        { "caps_7.0.0_aarch64.replies", "aarch64", "kvm", "virt" },
        { "caps_8.1.0_s390x.replies", "s390x", "kvm", NULL },
    };
    g_autofree char *dir = corpus_dir ? g_build_filename(corpus_dir, "tests", "qemucapabilitiesdata", NULL) : NULL;

    if (!dir || !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        g_test_skip("no libvirt corpus");
        return;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_build_filename(dir, cases[i].replies, NULL);
        g_autofree char *facts = g_strdup_printf(
            "{\"arch\": \"%s\", \"kvm_max_vcpus\": 2147483647, \"phys_addr_bits\": %d, "
            "\"host_cpu\": %s, \"secure_guest\": true, \"firmware_dirs\": [], "
            "\"loader_values\": [\"/obviously/fake/firmware1.fd\"], \"swtpm\": true, "
            "\"tpm_versions\": [\"2.0\"], \"pci_backends\": [\"default\", \"vfio\"], "
            "\"sev_max_guests\": 59, \"sev_max_es_guests\": 450}",
            cases[i].arch, g_str_has_prefix(cases[i].arch, "s390") ? 0 : 64,
            g_str_has_prefix(cases[i].arch, "x86") ? "{\"model\": \"Broadwell\"}" : "null");
        g_autoptr(VcDomCaps) caps = build_caps(path, NULL, facts, &cases[i]);

        check_counterparts(caps, cases[i].replies);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc < 3) {
        g_printerr("usage: %s GOLDEN-DIR QEMU-DATA-DIR [CORPUS-DIR]\n", argv[0]);
        return 2;
    }
    golden_dir = argv[1];
    data_dir = argv[2];
    corpus_dir = argc > 3 ? argv[3] : NULL;
    /* host-facts.json names its firmware directories relative to golden/ */
    if (g_chdir(golden_dir) != 0) {
        g_printerr("%s: cannot enter %s\n", argv[0], golden_dir);
        return 2;
    }
    g_test_add_func("/domcaps-json/values", test_values);
    g_test_add_func("/domcaps-json/format", test_format);
    g_test_add_func("/domcaps-json/counterparts/golden", test_counterparts_golden);
    g_test_add_func("/domcaps-json/counterparts/corpus", test_counterparts_corpus);
    return g_test_run();
}
