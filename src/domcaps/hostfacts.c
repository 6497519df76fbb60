/*
 * hostfacts.c - probing the host facts of hostfacts.h, and facts files.
 *
 * Each member of a facts file replaces one probed fact; the members and
 * their types are a table, and anything else in the file is an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <linux/kvm.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <json-c/json.h>

#include "virtcaps.h"
#include "domcaps/hostfacts.h"
#include "qemu/cache.h"

static GPtrArray *
str_array(const char *const *items)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);

    for (; items && *items; items++)
        g_ptr_array_add(a, g_strdup(*items));
    return a;
}

/* libvirt's virHostCPUGetKVMMaxVCPUs. */
static gint64
probe_kvm_max_vcpus(void)
{
    int fd = open("/dev/kvm", O_RDONLY | O_CLOEXEC);
    int n;

    if (fd < 0)
        return -1;
    n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
    if (n <= 0)
        n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
    close(fd);
    return n > 0 ? n : 4;   /* KVM's documented minimum */
}

/* "address sizes : 46 bits physical, 48 bits virtual" of /proc/cpuinfo. */
static guint
probe_phys_addr_bits(void)
{
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL) ||
        !(p = strstr(text, "address sizes")) || !(p = strchr(p, ':')))
        return 0;
    return (guint)g_ascii_strtoull(p + 1, NULL, 10);
}

static gboolean
file_starts_with_yes(const char *path)
{
    g_autofree char *text = NULL;

    return g_file_get_contents(path, &text, NULL, NULL) && strchr("1Yy", text[0]) && text[0];
}

/* libvirt's virQEMUCapsKVMSupportsSecureGuest (AMD SEV; s390 PV). */
static gboolean
probe_secure_guest(void)
{
    g_autofree char *cmdline = NULL;

    if (file_starts_with_yes("/sys/module/kvm_amd/parameters/sev"))
        return g_file_test("/dev/sev", G_FILE_TEST_EXISTS);
    return g_file_test("/sys/firmware/uv", G_FILE_TEST_IS_DIR) &&
        g_file_get_contents("/proc/cmdline", &cmdline, NULL, NULL) &&
        (strstr(cmdline, "prot_virt=1") || strstr(cmdline, "prot_virt=y") ||
         strstr(cmdline, "prot_virt=Y") || strstr(cmdline, "prot_virt=on"));
}

/* The key of swtpm_setup's answer: which swtpm_setup and swtpm (PATH's,
 * canonical, size, times, inode), the shared libraries (ldconfig rewrites
 * its cache when libtpms or another library comes, goes or is upgraded)
 * and virtcaps; NULL (do not cache) if a file cannot be stat'ed. */
static char *
swtpm_key(const char *swtpm, const char *setup)
{
    g_autoptr(VcJson) key = vc_cache_blob_key_new();
    json_object *a = vc_cache_file_stamp(swtpm), *b = vc_cache_file_stamp(setup);

    json_object_object_add(key, "swtpm", a);
    json_object_object_add(key, "swtpm_setup", b);
    json_object_object_add(key, "ld_cache", vc_cache_file_stamp("/etc/ld.so.cache"));
    return a && b ? vc_cache_key_text(key) : NULL;
}

/* swtpm_setup --print-capabilities's output, from the cache (opts, NULL:
 * none) when its key matches, else run (and then stored if it succeeded
 * and the binaries did not change meanwhile); NULL if it failed. */
static char *
swtpm_capabilities(const char *swtpm, const char *setup, const VcQemuCacheOptions *opts)
{
    const char *argv[] = { "swtpm_setup", "--print-capabilities", NULL };
    g_autofree char *key = opts && !opts->no_cache ? swtpm_key(swtpm, setup) : NULL;
    g_autofree char *after = NULL;
    char *out = NULL;
    int status = 0;

    if (key && (out = vc_cache_blob_load(opts, "swtpm", key)))
        return out;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &out, NULL, &status, NULL) || status != 0) {
        g_free(out);
        return NULL;
    }
    if (key && out && (after = swtpm_key(swtpm, setup)) && strcmp(after, key) == 0)
        vc_cache_blob_store(opts, "swtpm", key, out);
    return out;
}

/* swtpm_setup --print-capabilities: {"features": ["tpm-1.2", "tpm-2.0", ...]} */
static GPtrArray *
probe_tpm_versions(const char *swtpm, const char *setup, const VcQemuCacheOptions *opts)
{
    static const char *const versions[] = { "1.2", "2.0" };
    g_autofree char *out = swtpm_capabilities(swtpm, setup, opts);
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    json_object *caps, *features;

    if (!out)
        return found;
    caps = json_tokener_parse(out);
    features = json_object_object_get(caps, "features");
    for (gsize v = 0; v < G_N_ELEMENTS(versions); v++) {
        g_autofree char *want = g_strconcat("tpm-", versions[v], NULL);

        for (size_t i = 0; json_object_is_type(features, json_type_array) &&
             i < json_object_array_length(features); i++)
            if (g_strcmp0(json_object_get_string(json_object_array_get_idx(features, i)), want) == 0)
                g_ptr_array_add(found, g_strdup(versions[v]));
    }
    json_object_put(caps);
    return found;
}

/* libvirt's virQEMUCapsGetSEVMaxGuests: CPUID 0x8000001F ECX/EDX. */
static void
probe_sev_asids(VcHostFacts *f)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned int eax, ebx, max_asid = 0, min_asid = 0;

    if (__get_cpuid_count(0x8000001F, 0, &eax, &ebx, &max_asid, &min_asid) && max_asid && min_asid) {
        f->sev_max_guests = max_asid - min_asid + 1;
        f->sev_max_es_guests = min_asid - 1;
    }
#else
    (void)f;
#endif
}

static GPtrArray *
default_firmware_dirs(void)
{
    GPtrArray *dirs = str_array((const char *const[]){ "/usr/share/qemu/firmware",
                                                       "/etc/qemu/firmware", NULL });

    /* libvirt's session daemon also reads the user's directory */
    if (geteuid() != 0)
        g_ptr_array_add(dirs, g_build_filename(g_get_user_config_dir(), "qemu", "firmware", NULL));
    return dirs;
}

VcHostFacts *
vc_host_facts_probe_cached(const VcQemuCacheOptions *opts)
{
    VcHostFacts *f = g_new0(VcHostFacts, 1);
    g_autofree char *swtpm = g_find_program_in_path("swtpm");
    g_autofree char *setup = g_find_program_in_path("swtpm_setup");
    struct utsname u;

    f->arch = g_strdup(uname(&u) == 0 ? u.machine : "x86_64");
    f->kvm_max_vcpus = probe_kvm_max_vcpus();
    f->phys_addr_bits = probe_phys_addr_bits();
    f->secure_guest = probe_secure_guest();
    f->firmware_dirs = default_firmware_dirs();
    f->swtpm = swtpm && setup;
    f->tpm_versions = f->swtpm ? probe_tpm_versions(swtpm, setup, opts)
                               : g_ptr_array_new_with_free_func(g_free);
    f->vfio = g_file_test("/dev/vfio/vfio", G_FILE_TEST_EXISTS);
    probe_sev_asids(f);
    return f;
}

VcHostFacts *
vc_host_facts_probe(void)
{
    return vc_host_facts_probe_cached(NULL);
}

void
vc_host_facts_cpu_free(VcHostFactsCpu *cpu)
{
    if (!cpu)
        return;
    g_free(cpu->model);
    g_free(cpu->vendor);
    g_ptr_array_unref(cpu->features);
    g_free(cpu);
}

void
vc_host_facts_free(VcHostFacts *f)
{
    if (!f)
        return;
    vc_host_facts_cpu_free(f->cpu);
    g_free(f->arch);
    g_ptr_array_unref(f->firmware_dirs);
    if (f->loader_values)
        g_ptr_array_unref(f->loader_values);
    g_ptr_array_unref(f->tpm_versions);
    if (f->pci_backends)
        g_ptr_array_unref(f->pci_backends);
    g_free(f);
}

/* The facts file: one member per fact. */
typedef enum { M_STRING, M_INT, M_BOOL, M_STRINGS, M_CPU } MemberType;

typedef struct {
    const char *name;
    MemberType type;
    gsize offset;
    gint64 min;
    gint64 max;
} FactMember;

#define OFF(m) G_STRUCT_OFFSET(VcHostFacts, m)
static const FactMember fact_members[] = {
    { "arch", M_STRING, OFF(arch), 0, 0 },
    { "kvm_max_vcpus", M_INT, OFF(kvm_max_vcpus), -1, G_MAXINT32 },
    { "phys_addr_bits", M_INT, OFF(phys_addr_bits), 0, 64 },
    { "hvf", M_BOOL, OFF(hvf), 0, 0 },
    { "secure_guest", M_BOOL, OFF(secure_guest), 0, 0 },
    { "firmware_dirs", M_STRINGS, OFF(firmware_dirs), 0, 0 },
    { "loader_values", M_STRINGS, OFF(loader_values), 0, 0 },
    { "swtpm", M_BOOL, OFF(swtpm), 0, 0 },
    { "tpm_versions", M_STRINGS, OFF(tpm_versions), 0, 0 },
    { "vfio", M_BOOL, OFF(vfio), 0, 0 },
    { "pci_backends", M_STRINGS, OFF(pci_backends), 0, 0 },
    { "sev_max_guests", M_INT, OFF(sev_max_guests), 0, G_MAXUINT32 },
    { "sev_max_es_guests", M_INT, OFF(sev_max_es_guests), 0, G_MAXUINT32 },
    { "host_cpu", M_CPU, OFF(cpu), 0, 0 },
};
#undef OFF

static const char *const type_names[] = { "a string", "an integer", "a boolean",
                                          "an array of strings", "null or an object" };

static gboolean
is_string_array(json_object *v)
{
    if (!json_object_is_type(v, json_type_array))
        return FALSE;
    for (size_t i = 0; i < json_object_array_length(v); i++)
        if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
            return FALSE;
    return TRUE;
}

static gboolean
type_ok(const FactMember *m, json_object *v)
{
    switch (m->type) {
    case M_STRING: return json_object_is_type(v, json_type_string);
    case M_INT: return json_object_is_type(v, json_type_int);
    case M_BOOL: return json_object_is_type(v, json_type_boolean);
    case M_STRINGS: return is_string_array(v);
    case M_CPU: return !v || json_object_is_type(v, json_type_object);
    }
    return FALSE;
}

static GPtrArray *
strings_from_json(json_object *v)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);

    for (size_t i = 0; v && i < json_object_array_length(v); i++)
        g_ptr_array_add(a, g_strdup(json_object_get_string(json_object_array_get_idx(v, i))));
    return a;
}

/* "host_cpu": null (no host CPU) or {"model": S, "vendor": S, "features": [S...]},
 * only "model" required. */
static gboolean
parse_host_cpu(json_object *v, const char *source, VcHostFactsCpu **out, GError **error)
{
    static const struct { const char *name; gboolean strings; } members[] = {
        { "model", FALSE }, { "vendor", FALSE }, { "features", TRUE },
    };
    json_object *model = json_object_object_get(v, "model");

    *out = NULL;
    if (!v)
        return TRUE;
    json_object_object_foreach(v, name, value) {
        g_autofree char *shown = NULL;
        gsize i = 0;

        while (i < G_N_ELEMENTS(members) && strcmp(members[i].name, name) != 0)
            i++;
        if (i == G_N_ELEMENTS(members) || !(members[i].strings ? is_string_array(value)
                                             : json_object_is_type(value, json_type_string))) {
            shown = g_strescape(name, NULL);   /* errors are one line */
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, i == G_N_ELEMENTS(members)
                        ? "%s: host_cpu: unknown member '%s'" : "%s: host_cpu.%s: wrong type",
                        source, shown);
            return FALSE;
        }
    }
    if (!model) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: host_cpu: missing 'model'", source);
        return FALSE;
    }
    *out = g_new0(VcHostFactsCpu, 1);
    (*out)->model = g_strdup(json_object_get_string(model));
    (*out)->vendor = g_strdup(json_object_get_string(json_object_object_get(v, "vendor")));
    (*out)->features = strings_from_json(json_object_object_get(v, "features"));
    return TRUE;
}

static void
store_member(VcHostFacts *f, const FactMember *m, json_object *v)
{
    gpointer field = G_STRUCT_MEMBER_P(f, m->offset);
    GPtrArray **arr = field;

    switch (m->type) {
    case M_STRING:
        g_free(*(char **)field);
        *(char **)field = g_strdup(json_object_get_string(v));
        break;
    case M_INT:
        if (m->min < 0)
            *(gint64 *)field = json_object_get_int64(v);
        else
            *(guint *)field = (guint)json_object_get_int64(v);
        break;
    case M_BOOL:
        *(gboolean *)field = json_object_get_boolean(v);
        break;
    case M_STRINGS:
        if (*arr)
            g_ptr_array_unref(*arr);
        *arr = strings_from_json(v);
        break;
    case M_CPU:   /* parsed and stored by apply_member */
        break;
    }
}

static gboolean
apply_member(VcHostFacts *f, const char *source, const char *name, json_object *v, GError **error)
{
    g_autofree char *shown = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(fact_members); i++) {
        const FactMember *m = &fact_members[i];

        if (strcmp(m->name, name) != 0)
            continue;
        if (!type_ok(m, v)) {
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: %s: expected %s",
                        source, name, type_names[m->type]);
            return FALSE;
        }
        if (m->type == M_INT && (json_object_get_int64(v) < m->min || json_object_get_int64(v) > m->max)) {
            g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE,
                        "%s: %s: %" G_GINT64_FORMAT " is out of range", source, name,
                        json_object_get_int64(v));
            return FALSE;
        }
        if (m->type == M_CPU) {
            VcHostFactsCpu *cpu;

            if (!parse_host_cpu(v, source, &cpu, error))
                return FALSE;
            vc_host_facts_cpu_free(f->cpu);
            f->cpu = cpu;
            return TRUE;
        }
        store_member(f, m, v);
        return TRUE;
    }
    shown = g_strescape(name, NULL);   /* errors are one line, whatever the file holds */
    g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: unknown member '%s'", source, shown);
    return FALSE;
}

gboolean
vc_host_facts_apply_json(VcHostFacts *f, const char *json, const char *source, GError **error)
{
    json_tokener *tok = json_tokener_new();
    json_object *root;
    enum json_tokener_error jerr;
    gboolean ok = TRUE;

    /* Facts strings reach the XML, which must be UTF-8. */
    json_tokener_set_flags(tok, JSON_TOKENER_VALIDATE_UTF8);
    root = json_tokener_parse_ex(tok, json, -1);
    jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (!root || jerr != json_tokener_success) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: invalid JSON: %s", source,
                    json_tokener_error_desc(jerr == json_tokener_success ? json_tokener_continue : jerr));
        json_object_put(root);
        return FALSE;
    }
    if (!json_object_is_type(root, json_type_object)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_PARSE, "%s: expected a JSON object", source);
        json_object_put(root);
        return FALSE;
    }
    json_object_object_foreach(root, name, value) {
        if (ok && !apply_member(f, source, name, value, error))
            ok = FALSE;
    }
    json_object_put(root);
    return ok;
}

gboolean
vc_host_facts_apply_file(VcHostFacts *f, const char *path, GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "%s", err->message);
        return FALSE;
    }
    return vc_host_facts_apply_json(f, text, path, error);
}
