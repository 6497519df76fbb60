/*
 * The host CPU description under <cpu>: vendor, microcode, signature, TSC
 * counter, maxphysaddr (libvirt's virCPUx86GetHost) and the page sizes
 * (virCapabilitiesInitPages -> virNumaGetPages(-1)).  The model name and
 * features come from the CPUID decoder (src/cpu); arch and topology from host.c.
 *
 * Values that come from an ioctl or a syscall rather than a file are
 * recorded under /.virtcaps/ when recording, and read back from there
 * under a --root (see VC_TSC_FILE, and vc_probe_system_page_kib).
 */
#include "probe/probe.h"
#include "cpu/host-model.h"
#include "cpu/arm-cpu.h"
#include "cpu/ppc64-cpu.h"
#include "qemu/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

/* The TSC counter as libvirt's KVM probe saw it: one line
 * "<frequency in Hz> <yes|no>" (the scaling word is optional).  A recorded
 * tree carries it only when the recorded host passed libvirt's condition
 * (invariant TSC and a working /dev/kvm), so its presence is the condition. */
#define VC_TSC_FILE "/.virtcaps/tsc"
/* The live host's answer is kept in the facts cache as this blob (same
 * text), keyed by tsc_key(). */
#define TSC_BLOB "kvm-tsc"
#define TSC_BOOT_ID "/proc/sys/kernel/random/boot_id"
/* Seconds after boot before an answer is stored (tsc_settled()). */
#define TSC_SETTLED_S 60

#define CPUINFO "/proc/cpuinfo"
#define HUGEPAGES_DIR "/sys/kernel/mm/hugepages"
/* libvirt reads only the first 4 KiB of cpuinfo for the microcode. */
#define MICROCODE_HEADER 4096
/* A KVM probe that takes longer than this is abandoned (and killed). */
#define KVM_PROBE_TIMEOUT_MS 3000

/* cpu_map/x86_vendors.xml (libvirt 11): CPUID vendor string -> name. */
static const struct {
    const char *cpuid;
    const char *name;
} x86_vendors[] = {
    { "GenuineIntel", "Intel" },
    { "AuthenticAMD", "AMD" },
    { "HygonGenuine", "Hygon" },
    { "CentaurHauls", "Zhaoxin CentaurHauls" },
};

/* libvirt's ARCH_IS_X86. */
static const char *const x86_arches[] = { "i686", "x86_64" };

static gboolean
is_live(const VcHost *host)
{
    return host->root[0] == '\0';
}

/* The first "key : value" line of cpuinfo whose stripped key is key, as
 * virHostCPUReadSignature splits it (on ": "). */
static char *
cpuinfo_field(const char *cpuinfo, const char *key)
{
    g_auto(GStrv) lines = g_strsplit(cpuinfo, "\n", -1);

    for (char **l = lines; *l; l++) {
        g_auto(GStrv) parts = g_strsplit(*l, ": ", 2);
        if (g_strv_length(parts) == 2 && strcmp(g_strstrip(parts[0]), key) == 0)
            return g_strdup(g_strstrip(parts[1]));
    }
    return NULL;
}

/* virStrToLong_ui with a trailing-text-allowed end pointer: optional
 * blanks, then digits in base (0: C prefixes), within 32 bits. */
static gboolean
parse_leading_uint(const char *s, int base, guint *value)
{
    char *end;
    guint64 v;

    while (g_ascii_isspace(*s))
        s++;
    if (!g_ascii_isdigit(*s))
        return FALSE;
    errno = 0;
    v = g_ascii_strtoull(s, &end, base);
    if (errno || end == s || v > G_MAXUINT)
        return FALSE;
    *value = (guint)v;
    return TRUE;
}

/* An unknown vendor is not an error: libvirt just omits <vendor>. */
static void
probe_vendor(const char *cpuinfo, VcHostCpu *cpu)
{
    g_autofree char *id = cpuinfo_field(cpuinfo, "vendor_id");

    if (!id)
        return;
    for (gsize i = 0; i < G_N_ELEMENTS(x86_vendors); i++) {
        if (strcmp(id, x86_vendors[i].cpuid) == 0) {
            cpu->vendor = g_strdup(x86_vendors[i].name);
            return;
        }
    }
}

/* virHostCPUGetMicrocodeVersion: the first "microcode" in the first 4 KiB,
 * the number after its colon (any C base); 0 (not printed) otherwise. */
static void
probe_microcode(const VcHost *host, const char *cpuinfo, VcHostCpu *cpu)
{
    g_autofree char *head = g_strndup(cpuinfo, MICROCODE_HEADER);
    const char *p = strstr(head, "microcode");
    guint version;

    if (!p || !(p = strchr(p, ':')))
        return;
    if (!parse_leading_uint(p + 1, 0, &version)) {
        vc_host_warn(host, "ignoring %s: malformed microcode line", CPUINFO);
        return;
    }
    cpu->has_microcode = version != 0;
    cpu->microcode = version;
}

/* The signature from cpuinfo's decimal fields; for real CPUs these equal
 * libvirt's CPUID leaf 1 decoding.  Printed only when family is non-zero. */
static void
probe_signature(const VcHost *host, const char *cpuinfo, VcHostCpu *cpu)
{
    static const char *const keys[] = { "cpu family", "model", "stepping" };
    guint values[G_N_ELEMENTS(keys)];

    for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
        g_autofree char *text = cpuinfo_field(cpuinfo, keys[i]);
        guint64 v;
        if (!text)
            return;
        if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT, &v, NULL)) {
            vc_host_warn(host, "ignoring %s: malformed '%s' line", CPUINFO, keys[i]);
            return;
        }
        values[i] = (guint)v;
    }
    cpu->has_signature = values[0] != 0;
    cpu->family = values[0];
    cpu->model_number = values[1];
    cpu->stepping = values[2];
}

/* virHostCPUParsePhysAddrSize: the first line starting "address sizes",
 * the number after its colon.  A missing or bad line drops the element. */
static void
probe_maxphysaddr(const VcHost *host, const char *cpuinfo, VcHostCpu *cpu)
{
    g_auto(GStrv) lines = g_strsplit(cpuinfo, "\n", -1);

    for (char **l = lines; *l; l++) {
        const char *colon;
        guint bits;
        if (!g_str_has_prefix(*l, "address sizes"))
            continue;
        if (!(colon = strchr(*l, ':')) || !parse_leading_uint(colon + 1, 10, &bits))
            break;
        cpu->maxphysaddr_mode = g_strdup("emulate");
        cpu->maxphysaddr_bits = bits;
        return;
    }
    vc_host_warn(host, "ignoring %s: missing or invalid address sizes", CPUINFO);
}

/* ---- TSC counter ---------------------------------------------------- */

/* libvirt probes the TSC only when CPUID reports invariant TSC
 * (leaf 0x80000007 EDX bit 8, "invtsc"); it reads CPUID directly. */
static gboolean
host_has_invtsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned int eax, ebx, ecx, edx;

    if ((unsigned int)__get_cpuid_max(0x80000000, NULL) < 0x80000007u)
        return FALSE;
    __cpuid(0x80000007, eax, ebx, ecx, edx);
    (void)eax; (void)ebx; (void)ecx;
    return (edx & (1u << 8)) != 0;
#else
    return FALSE;
#endif
}

typedef struct {
    gint32 khz;        /* < 0: the probe failed */
    gint32 tsc_control;
} KvmTscAnswer;

/* The child: virHostCPUGetTscInfo's ioctls.  Only async-signal-safe calls
 * (we may have been forked from a threaded process); exiting closes all. */
G_GNUC_NORETURN static void
kvm_tsc_child(int out)
{
    KvmTscAnswer a = { -1, 0 };
    int kvm = open("/dev/kvm", O_RDONLY | O_CLOEXEC);
    int vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
    int vcpu = vm < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);

    if (vcpu >= 0 && (a.khz = ioctl(vcpu, KVM_GET_TSC_KHZ)) >= 0 &&
        (a.tsc_control = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_TSC_CONTROL)) < 0)
        a.khz = -1;
    if (write(out, &a, sizeof(a)) < 0)
        _exit(1);
    _exit(0);
}

/* Wait for the child's answer for at most KVM_PROBE_TIMEOUT_MS. */
static gboolean
read_answer(int fd, KvmTscAnswer *a)
{
    gint64 deadline = g_get_monotonic_time() + KVM_PROBE_TIMEOUT_MS * 1000;
    struct pollfd p = { .fd = fd, .events = POLLIN };

    for (;;) {
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        int rc = poll(&p, 1, left > 0 ? (int)left : 0);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return FALSE;
        return read(fd, a, sizeof(*a)) == (ssize_t)sizeof(*a);
    }
}

static char *
tsc_text(guint64 hz, VcTscScaling scaling)
{
    return g_strdup_printf("%" G_GUINT64_FORMAT " %s\n", hz, vc_tsc_scaling_names[scaling]);
}

/* Run the KVM ioctls in a child so that a wedged /dev/kvm cannot hang us. */
static gboolean
kvm_probe_tsc(guint64 *hz, VcTscScaling *scaling)
{
    KvmTscAnswer a;
    gboolean ok;
    int fds[2];
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) < 0)
        return FALSE;
    if ((pid = fork()) == 0) {
        close(fds[0]);
        kvm_tsc_child(fds[1]);
    }
    close(fds[1]);
    ok = pid > 0 && read_answer(fds[0], &a) && a.khz >= 0;
    close(fds[0]);
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (!ok)
        return FALSE;
    *hz = (guint64)a.khz * 1000;
    *scaling = a.tsc_control ? VC_TSC_SCALING_YES : VC_TSC_SCALING_NO;
    return TRUE;
}

/* "<Hz> [yes|no]", the text of VC_TSC_FILE and of the cached answer;
 * FALSE with *why (may be NULL) when malformed. */
static gboolean
parse_tsc_text(const char *text, guint64 *hz, VcTscScaling *scaling, char **why)
{
    g_autofree char *copy = g_strstrip(g_strdup(text));
    g_auto(GStrv) words = g_strsplit_set(copy, " \t\n\r\v\f", -1);
    int idx;

    if (g_strv_length(words) < 1 || g_strv_length(words) > 2 ||
        !g_ascii_string_to_unsigned(words[0], 10, 0, G_MAXUINT64, hz, NULL)) {
        if (why)
            *why = g_strdup("expected '<Hz> [yes|no]'");
        return FALSE;
    }
    idx = words[1] ? VC_NAME_INDEX(vc_tsc_scaling_names, words[1]) : VC_TSC_SCALING_UNKNOWN;
    if (idx < 0) {
        g_autofree char *safe = g_strescape(words[1], NULL);
        if (why)
            *why = g_strdup_printf("bad scaling '%.16s'", safe);
        return FALSE;
    }
    *scaling = (VcTscScaling)idx;
    return TRUE;
}

static gboolean
read_recorded_tsc(const VcHost *host, guint64 *hz, VcTscScaling *scaling)
{
    g_autofree char *text = vc_host_read(host, VC_TSC_FILE, VC_FILE_MAX_SMALL);
    g_autofree char *why = NULL;

    if (!text)
        return FALSE;
    if (!parse_tsc_text(text, hz, scaling, &why)) {
        vc_host_warn(host, "ignoring %s: %s", VC_TSC_FILE, why);
        return FALSE;
    }
    return TRUE;
}

/* For tests (vc_probe_set_tsc_hook): stands in for the invariant-TSC
 * check and the KVM ioctls. */
static VcTscProbeFunc tsc_hook;

void
vc_probe_set_tsc_hook(VcTscProbeFunc fn)
{
    tsc_hook = fn;
}

/* libvirt's condition: it asks KVM only with an invariant TSC. */
static gboolean
has_invtsc(void)
{
    return tsc_hook || host_has_invtsc();
}

static gboolean
kvm_tsc(guint64 *hz, VcTscScaling *scaling)
{
    return tsc_hook ? tsc_hook(hz, scaling) : kvm_probe_tsc(hz, scaling);
}

/* The key of the cached TSC answer (NULL: do not cache) besides the blob
 * key's common members (virtcaps itself): what could change KVM's answer.
 * The TSC frequency is calibrated once per boot (boot_id); reloading the
 * kvm module makes devtmpfs recreate /dev/kvm (another inode and ctime;
 * rdev if renumbered); its parameters and our access to it are the facts
 * key's "kvm" member. */
static char *
tsc_key(void)
{
    g_autoptr(VcJson) key = NULL;
    g_autofree char *boot_id = NULL;
    json_object *dev = NULL;
    struct stat st;

    if (!g_file_get_contents(TSC_BOOT_ID, &boot_id, NULL, NULL))
        return NULL;
    key = vc_cache_blob_key_new();
    json_object_object_add(key, "boot_id", json_object_new_string(g_strstrip(boot_id)));
    if (stat("/dev/kvm", &st) == 0) {
        dev = json_object_new_object();
        json_object_object_add(dev, "ino", json_object_new_int64((gint64)st.st_ino));
        json_object_object_add(dev, "ctime_ns",
                               json_object_new_int64((gint64)st.st_ctim.tv_sec * 1000000000 +
                                                     st.st_ctim.tv_nsec));
        json_object_object_add(dev, "rdev", json_object_new_int64((gint64)st.st_rdev));
    }
    json_object_object_add(key, "kvm_device", dev);
    json_object_object_add(key, "kvm", vc_cache_kvm_key(""));
    return vc_cache_key_text(key);
}

/* Whether the kernel's TSC frequency is final for this boot: about a
 * second after boot it may still refine its calibration (tsc.c's
 * tsc_refine_calibration_work) and KVM would then answer another value,
 * under the same boot id.  Early answers are given but not stored. */
static gboolean
tsc_settled(void)
{
    struct timespec ts;

    return clock_gettime(CLOCK_BOOTTIME, &ts) == 0 && ts.tv_sec >= TSC_SETTLED_S;
}

/* The live answer: from the cache (opts) when its key matches, else from
 * KVM, then stored if the key did not move meanwhile.  Failures are not
 * stored: the next run asks again.  A cache problem is one warning. */
static gboolean
live_tsc(const VcHost *host, const VcProbeOptions *opts, guint64 *hz, VcTscScaling *scaling)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    VcQemuCacheOptions copts = { .cache_dir = opts ? opts->cache_dir : NULL,
                                 .no_cache = opts && opts->no_cache, .warnings = warnings };
    g_autofree char *key = copts.no_cache ? NULL : tsc_key();
    g_autofree char *cached = key ? vc_cache_blob_load(&copts, TSC_BLOB, key) : NULL;
    g_autofree char *after = NULL;
    gboolean ok = cached && parse_tsc_text(cached, hz, scaling, NULL);

    if (!ok && (ok = kvm_tsc(hz, scaling)) && key && tsc_settled() && (after = tsc_key()) &&
        strcmp(after, key) == 0) {
        g_autofree char *text = tsc_text(*hz, *scaling);

        vc_cache_blob_store(&copts, TSC_BLOB, key, text);
    }
    if (warnings->len)
        vc_host_warn(host, "%s", (const char *)warnings->pdata[0]);
    return ok;
}

static void
probe_tsc(const VcHost *host, const VcProbeOptions *opts, VcHostCpu *cpu)
{
    guint64 hz;
    VcTscScaling scaling = VC_TSC_SCALING_UNKNOWN;

    if (!is_live(host)) {
        cpu->has_tsc = read_recorded_tsc(host, &hz, &scaling);
    } else if (has_invtsc() && live_tsc(host, opts, &hz, &scaling)) {
        g_autofree char *rec = tsc_text(hz, scaling);

        vc_host_record_value(host, VC_TSC_FILE, rec);
        cpu->has_tsc = TRUE;
    }
    if (cpu->has_tsc) {
        cpu->tsc_frequency = hz;
        cpu->tsc_scaling = scaling;
    }
}

/* ---- pages ---------------------------------------------------------- */

/* "hugepages-<N>kB" (kB in any case, as libvirt's STRCASEEQ). */
static gboolean
parse_hugepage_name(const char *name, guint *kib)
{
    const char *p = name + strlen("hugepages-");
    char *end;
    guint64 v;

    if (!g_ascii_isdigit(*p))
        return FALSE;
    v = g_ascii_strtoull(p, &end, 10);
    if (v == 0 || v > G_MAXUINT || g_ascii_strcasecmp(end, "kB") != 0)
        return FALSE;
    *kib = (guint)v;
    return TRUE;
}

/* libvirt reads both counters of every size and gives up on the whole
 * list when one is not "<digits>\n". */
static gboolean
hugepage_counters_ok(const VcHost *host, const char *name)
{
    static const char *const counters[] = { "nr_hugepages", "free_hugepages" };

    for (gsize i = 0; i < G_N_ELEMENTS(counters); i++) {
        g_autofree char *path = g_strdup_printf(HUGEPAGES_DIR "/%s/%s", name, counters[i]);
        g_autofree char *text = vc_host_read(host, path, VC_FILE_MAX_SMALL);
        const char *p = text;
        if (!text) {
            vc_host_warn(host, "ignoring %s: cannot read %s", HUGEPAGES_DIR, path);
            return FALSE;
        }
        while (g_ascii_isdigit(*p))
            p++;
        if (p == text || *p != '\n') {
            vc_host_warn(host, "ignoring %s: malformed %s", HUGEPAGES_DIR, path);
            return FALSE;
        }
    }
    return TRUE;
}

/* The system page size and every hugepage size, ascending.  A tree with
 * neither a hugepages directory nor /proc/meminfo (libvirt's own test trees)
 * has unknown pages: no list at all.  A malformed hugepage entry drops the
 * whole list, as virNumaGetPages fails as a whole. */
static void
probe_pages(const VcHost *host, VcHostCpu *cpu)
{
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(GArray) pages = g_array_new(FALSE, TRUE, sizeof(VcPageInfo));
    VcPageInfo sys = { 0, 0 };

    if (!vc_host_exists(host, HUGEPAGES_DIR) && !vc_host_exists(host, "/proc/meminfo"))
        return;
    names = vc_host_list_names(host, HUGEPAGES_DIR);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        VcPageInfo p = { 0, 0 };
        if (!g_str_has_prefix(name, "hugepages-"))
            continue;
        if (!parse_hugepage_name(name, &p.size_kib)) {
            vc_host_warn(host, "ignoring %s: cannot parse %s", HUGEPAGES_DIR, name);
            return;
        }
        if (!hugepage_counters_ok(host, name))
            return;
        g_array_append_val(pages, p);
    }
    sys.size_kib = vc_probe_system_page_kib(host);
    g_array_append_val(pages, sys);
    g_array_sort(pages, vc_compare_page_size);
    g_array_append_vals(cpu->pages, pages->data, pages->len);
}

void
vc_probe_host_cpu(const VcHost *host, const VcProbeOptions *opts, VcHostCaps *caps)
{
    VcHostCpu *cpu = &caps->cpu;
    g_autofree char *cpuinfo = NULL;

    probe_pages(host, cpu);
    /* Other arches: libvirt's getHost of cpu_arm.c (aarch64 only) and
     * cpu_ppc64.c; s390x and the rest have none, so no model or vendor. */
    if (g_strcmp0(cpu->arch, "aarch64") == 0)
        vc_arm_probe_host(host, &cpu->model, &cpu->vendor, cpu->features);
    else if (vc_ppc64_is_arch(cpu->arch))
        vc_ppc64_probe_host(host, &cpu->model, &cpu->vendor);
    /* libvirt describes the host CPU only when it can read cpuinfo, and
     * these elements only for x86 (virCPUx86GetHost). */
    if (!cpu->arch || vc_name_index(x86_arches, G_N_ELEMENTS(x86_arches), cpu->arch) < 0)
        return;
    if (!(cpuinfo = vc_host_read(host, CPUINFO, VC_FILE_MAX_LARGE)))
        return;
    probe_vendor(cpuinfo, cpu);
    probe_microcode(host, cpuinfo, cpu);
    probe_signature(host, cpuinfo, cpu);
    probe_tsc(host, opts, cpu);
    probe_maxphysaddr(host, cpuinfo, cpu);
    vc_cpu_probe_host_model(host, &cpu->model, cpu->features);
}
