/*
 * cache.c - the persistent facts cache: key, safe directory, atomic files,
 * one probe per binary under a lock.  See cache.h and docs/cache.md.
 */
#include "qemu/cache.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "qemu/digest.h"
#include "virtcaps.h"

#define CACHE_LOG_DOMAIN "virtcaps-cache"
/* x86_64 facts are about 1 MB; anything far larger is not ours. */
#define CACHE_MAX_FILE (256 * 1024 * 1024)
/* The first /proc/cpuinfo record; reading only it keeps big hosts cheap. */
#define CPUINFO_MAX (64 * 1024)
/* How long a waiter waits for the probing process before probing itself. */
#define LOCK_WAIT_US (120 * G_USEC_PER_SEC)
#define DEFAULT_ACCEL "kvm:tcg"
#define ENTRY_SUFFIX ".digest"
/* Cache format 1's entries (raw facts as JSON): replaced, and removed by clear. */
#define LEGACY_SUFFIX ".json"
/* Small text blobs (vc_cache_blob_load()): swtpm_setup's answer. */
#define BLOB_SUFFIX ".blob"
/* A directory listing is remembered only once the directory's times are
 * this far in the past (see settled()). */
#define SETTLE_NS (2 * (gint64)1000000000)

typedef struct {
    const VcQemuCacheOptions *opts;
    char *dir;               /* for messages */
    int dfd;                 /* the checked directory; -1 when not usable */
    gboolean warned;         /* one warning per call is enough */
    gboolean read_only;      /* do not try to write */
    gboolean quiet;          /* problems are debug notes (remembered listings) */
} Cache;

static const VcQemuCacheOptions no_options;

/* Which names of a directory the key needs: what (a word naming the
 * filter in a remembered listing's key) and keep (NULL: every name). */
typedef struct {
    const char *what;
    gboolean (*keep)(const char *name);
} NameSet;

/* Where one computation of the "modules" member remembers its directory
 * listings (see "Remembered listings" below): the cache, opened quietly
 * (dfd -1: list every directory as before), and the text of the members
 * every listing's key shares. */
typedef struct {
    Cache cache;
    char *common;
} Lister;

static void lister_open(Lister *l, const VcQemuCacheOptions *opts, json_object *self);
static void lister_close(Lister *l);
static GPtrArray *dir_names(Lister *l, const char *dir, const NameSet *set);

static void
cache_warn(Cache *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
cache_warn(Cache *c, const char *fmt, ...)
{
    va_list ap;
    char *line;

    if (c->warned)
        return;
    c->warned = TRUE;
    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (c->quiet) {
        g_log(CACHE_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s", line);
        g_free(line);
        return;
    }
    if (c->opts->warnings) {
        g_ptr_array_add(c->opts->warnings, line);
        return;
    }
    g_log(CACHE_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "%s", line);
    g_free(line);
}

/* ---- The key ------------------------------------------------------------ */

static gint64
ns_of(struct timespec ts)
{
    return (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static json_object *
new_ns(struct timespec ts)
{
    return json_object_new_int64(ns_of(ts));
}

/* What identifies one version of a file: size, times, and which inode. */
static json_object *
stamp_new(const char *path, const struct stat *st)
{
    json_object *o = json_object_new_object();

    if (path)
        json_object_object_add(o, "path", json_object_new_string(path));
    json_object_object_add(o, "size", json_object_new_int64(st->st_size));
    json_object_object_add(o, "mtime_ns", new_ns(st->st_mtim));
    json_object_object_add(o, "ctime_ns", new_ns(st->st_ctim));
    json_object_object_add(o, "dev", json_object_new_int64((gint64)st->st_dev));
    json_object_object_add(o, "ino", json_object_new_int64((gint64)st->st_ino));
    return o;
}

static json_object *
stamp_path(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? stamp_new(path, &st) : NULL;
}

static gboolean
is_module_name(const char *name)
{
    return g_str_has_suffix(name, ".so") && name[0] != '.';
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir that keep (NULL: all) accepts, sorted; none when dir
 * cannot be read. */
static GPtrArray *
sorted_names(const char *dir, gboolean (*keep)(const char *name))
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;

    while (d && (name = g_dir_read_name(d)))
        if (!keep || keep(name))
            g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, compare_strings);
    return names;
}

/* The same for an open directory (the checked cache directory, not a path
 * that could be swapped meanwhile). */
static GPtrArray *
sorted_names_at(int dfd, gboolean (*keep)(const char *name))
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    int fd = dup(dfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *ent;

    if (!d && fd >= 0)
        close(fd);
    while (d && (ent = readdir(d)))
        if (strcmp(ent->d_name, ".") && strcmp(ent->d_name, "..") && (!keep || keep(ent->d_name)))
            g_ptr_array_add(names, g_strdup(ent->d_name));
    if (d)
        closedir(d);
    g_ptr_array_sort(names, compare_strings);
    return names;
}

static const NameSet module_names = { "modules", is_module_name };

/* QEMU loads NAME.so from each module directory: the digest of the .so
 * files (name, size, times, inode) covers an added, removed, replaced or
 * rewritten module.  Directories without modules add nothing. */
static void
add_module_dir(json_object *arr, const char *dir, Lister *l)
{
    g_autoptr(GPtrArray) names = dir_names(l, dir, &module_names);
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    gint64 newest_m = 0, newest_c = 0;
    json_object *o;

    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_build_filename(dir, names->pdata[i], NULL);
        g_autofree char *line = NULL;
        struct stat st;

        if (stat(path, &st) < 0 && lstat(path, &st) < 0)
            continue;
        line = g_strdup_printf("%s %jd %jd.%09ld %jd.%09ld %ju\n", (char *)names->pdata[i],
                               (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
                               st.st_mtim.tv_nsec, (intmax_t)st.st_ctim.tv_sec,
                               st.st_ctim.tv_nsec, (uintmax_t)st.st_ino);
        g_checksum_update(sum, (const guchar *)line, (gssize)strlen(line));
        newest_m = MAX(newest_m, ns_of(st.st_mtim));
        newest_c = MAX(newest_c, ns_of(st.st_ctim));
    }
    if (names->len == 0)
        return;
    o = json_object_new_object();
    json_object_object_add(o, "dir", json_object_new_string(dir));
    json_object_object_add(o, "modules", json_object_new_int((int)names->len));
    json_object_object_add(o, "newest_mtime_ns", json_object_new_int64(newest_m));
    json_object_object_add(o, "newest_ctime_ns", json_object_new_int64(newest_c));
    json_object_object_add(o, "sha256", json_object_new_string(g_checksum_get_string(sum)));
    json_object_array_add(arr, o);
}

static gboolean
is_multiarch_name(const char *name)
{
    return strstr(name, "-linux-") != NULL;
}

static const NameSet multiarch_names = { "multiarch", is_multiarch_name };
static const NameSet all_names = { "all", NULL };

/* Where QEMU looks for modules (util/module.c): its configured module
 * directory, relocated with the binary (PREFIX/lib/qemu, PREFIX/lib64/qemu,
 * Debian's PREFIX/lib/TRIPLET/qemu), the binary's own directory (a build
 * tree), and /var/run/qemu/VERSION (kept across package upgrades).  The
 * environment's QEMU_MODULE_DIR does not reach the probed QEMU.  It depends
 * only on the binary's directory, bindir.  self: the key's "self" member
 * (remembered listings are keyed on it). */
static json_object *
key_modules(const char *bindir, const VcQemuCacheOptions *opts, json_object *self)
{
    g_autofree char *prefix = g_path_get_dirname(bindir);
    g_autofree char *libdir = g_build_filename(prefix, "lib", NULL);
    g_autoptr(GPtrArray) triplets = NULL, upgrades = NULL;
    json_object *arr = json_object_new_array();
    Lister l;

    lister_open(&l, opts, self);
    triplets = dir_names(&l, libdir, &multiarch_names);
    upgrades = dir_names(&l, "/var/run/qemu", &all_names);
    add_module_dir(arr, bindir, &l);
    for (guint i = 0; i < triplets->len; i++) {
        g_autofree char *dir = g_build_filename(libdir, triplets->pdata[i], "qemu", NULL);

        add_module_dir(arr, dir, &l);
    }
    for (const char *const *lib = (const char *const[]){ "lib", "lib64", NULL }; *lib; lib++) {
        g_autofree char *dir = g_build_filename(prefix, *lib, "qemu", NULL);

        add_module_dir(arr, dir, &l);
    }
    for (guint i = 0; i < upgrades->len; i++) {
        g_autofree char *dir = g_build_filename("/var/run/qemu", upgrades->pdata[i], NULL);

        add_module_dir(arr, dir, &l);
    }
    lister_close(&l);
    return arr;
}

/* A host value: its text (trailing newline removed), null when the file
 * does not exist, "<unreadable: REASON>" when it cannot be read. */
static json_object *
host_value(const char *root, const char *path)
{
    g_autofree char *real = g_strconcat(root, path, NULL);
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(real, &text, NULL, &err)) {
        if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return NULL;
        return json_object_new_string(err->code == G_FILE_ERROR_ACCES
                                      ? "<unreadable: permission denied>" : "<unreadable>");
    }
    return json_object_new_string(g_strchomp(text));
}

static json_object *
key_kernel(const char *root)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "release", host_value(root, "/proc/sys/kernel/osrelease"));
    json_object_object_add(o, "version", host_value(root, "/proc/sys/kernel/version"));
    /* Boot options (kvm.*, mitigations=) shape what KVM offers. */
    json_object_object_add(o, "cmdline", host_value(root, "/proc/cmdline"));
    return o;
}

static gboolean
is_kvm_module(const char *name)
{
    return g_str_has_prefix(name, "kvm");
}

/* Every parameter of every kvm* module (kvm, kvm_intel, kvm_amd, kvm_hv,
 * ...): nested, sev, sev_es, tdx, enable_pmu and the rest all shape what
 * QEMU reports under KVM; one that changes invalidates, which is safe. */
static json_object *
key_kvm_parameters(const char *root)
{
    g_autofree char *sysmod = g_strconcat(root, "/sys/module", NULL);
    g_autoptr(GPtrArray) mods = sorted_names(sysmod, is_kvm_module);
    json_object *o = json_object_new_object();

    for (guint i = 0; i < mods->len; i++) {
        g_autofree char *pdir = g_build_filename(sysmod, mods->pdata[i], "parameters", NULL);
        g_autoptr(GPtrArray) params = sorted_names(pdir, NULL);

        for (guint j = 0; j < params->len; j++) {
            g_autofree char *path = g_strdup_printf("/sys/module/%s/parameters/%s",
                                                    (char *)mods->pdata[i],
                                                    (char *)params->pdata[j]);
            g_autofree char *name = g_strdup_printf("%s.%s", (char *)mods->pdata[i],
                                                    (char *)params->pdata[j]);

            json_object_object_add(o, name, host_value(root, path));
        }
    }
    return o;
}

static gboolean
host_exists(const char *root, const char *path)
{
    g_autofree char *real = g_strconcat(root, path, NULL);
    struct stat st;

    return stat(real, &st) == 0;
}

/* libvirt's virQEMUCapsIsValid: KVM usable by us (it asks for the QEMU
 * user), nested support, secure guests (AMD SEV: kvm_amd.sev and /dev/sev;
 * s390: prot_virt_host). */
static json_object *
key_kvm(const char *root)
{
    g_autofree char *dev = g_strconcat(root, "/dev/kvm", NULL);
    json_object *o = json_object_new_object();

    json_object_object_add(o, "device", json_object_new_boolean(host_exists(root, "/dev/kvm")));
    json_object_object_add(o, "usable", json_object_new_boolean(access(dev, R_OK | W_OK) == 0));
    json_object_object_add(o, "sev_device", json_object_new_boolean(host_exists(root, "/dev/sev")));
    json_object_object_add(o, "prot_virt_host",
                           host_value(root, "/sys/firmware/uv/prot_virt_host"));
    json_object_object_add(o, "parameters", key_kvm_parameters(root));
    return o;
}

/* The first /proc/cpuinfo record, up to its blank line. */
static char *
read_first_cpu(const char *root)
{
    g_autofree char *real = g_strconcat(root, "/proc/cpuinfo", NULL);
    g_autoptr(GString) text = g_string_new(NULL);
    char buf[4096];
    int fd = open(real, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return NULL;
    while (text->len < CPUINFO_MAX && !strstr(text->str, "\n\n")) {
        ssize_t n = read(fd, buf, sizeof(buf));

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        g_string_append_len(text, buf, n);
    }
    close(fd);
    if (strstr(text->str, "\n\n"))
        g_string_truncate(text, (gsize)(strstr(text->str, "\n\n") - text->str));
    return g_string_free(g_steal_pointer(&text), FALSE);
}

/* Fields that identify the CPU model, stepping, microcode and features on
 * x86, Arm, POWER, s390 and RISC-V; per-CPU and moving values (cpu MHz,
 * apicid, core id) stay out or the key would never match. */
static const char *const cpu_fields[] = {
    "vendor_id", "cpu family", "model", "model name", "stepping", "microcode", "flags", "bugs",
    "CPU implementer", "CPU architecture", "CPU variant", "CPU part", "CPU revision",
    "Features", "cpu", "revision", "platform", "machine", "features", "facilities",
    "isa", "mmu", "mvendorid", "marchid", "mimpid", "uarch",
};

static gboolean
is_cpu_field(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(cpu_fields); i++)
        if (strcmp(name, cpu_fields[i]) == 0)
            return TRUE;
    return FALSE;
}

static json_object *
key_cpu(const char *root)
{
    g_autofree char *first = read_first_cpu(root);
    g_auto(GStrv) lines = NULL;
    json_object *o;

    if (!first)
        return NULL;
    o = json_object_new_object();
    lines = g_strsplit(first, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *colon = strchr(*l, ':');
        g_autofree char *name = colon ? g_strstrip(g_strndup(*l, (gsize)(colon - *l))) : NULL;

        if (name && is_cpu_field(name))
            json_object_object_add(o, name, json_object_new_string(g_strstrip(colon + 1)));
    }
    return o;
}

/* The library (or program) holding this code: a rebuilt virtcaps with the
 * same version number still invalidates, as libvirt's own ctime does. */
static json_object *
key_self(void)
{
    Dl_info info;
    char *real;
    json_object *o;

    if (!dladdr((void *)vc_qemu_cache_key, &info) || !info.dli_fname)
        return NULL;
    if (!(real = realpath(info.dli_fname, NULL)))
        return NULL;
    o = stamp_path(real);
    free(real);
    return o;
}

/* ---- The key's shared parts --------------------------------------------- */

/* The emulators of one request share every part of the key but "binary",
 * and those of one directory share "modules" too: the memo computes each
 * once (about 1 ms per emulator on a Debian host: /usr/bin's listing, every
 * KVM parameter, cpuinfo).  It lives as long as the request, not the
 * process, so that a long-lived caller sees the host change between two
 * requests.  Threads take copies under the lock: json-c's reference counts
 * and cached texts are not thread-safe. */
struct _VcQemuKeyMemo {
    GMutex lock;
    char *root;              /* what host was computed under */
    json_object *host;       /* host_parts_new(root); NULL until asked */
    GHashTable *modules;     /* binary directory -> key_modules() */
};

static void
json_free(gpointer o)
{
    json_object_put(o);
}

VcQemuKeyMemo *
vc_qemu_key_memo_new(void)
{
    VcQemuKeyMemo *memo = g_new0(VcQemuKeyMemo, 1);

    g_mutex_init(&memo->lock);
    memo->modules = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, json_free);
    return memo;
}

void
vc_qemu_key_memo_free(VcQemuKeyMemo *memo)
{
    if (!memo)
        return;
    g_mutex_clear(&memo->lock);
    g_free(memo->root);
    json_object_put(memo->host);
    g_hash_table_unref(memo->modules);
    g_free(memo);
}

/* The key's members that depend on neither the binary nor the options
 * other than root, in the order the key holds them. */
static json_object *
host_parts_new(const char *root)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "self", key_self());
    /* ldconfig rewrites it whenever a shared library comes or goes: a
     * module whose library went away no longer loads. */
    json_object_object_add(o, "ld_cache", stamp_path("/etc/ld.so.cache"));
    json_object_object_add(o, "kernel", key_kernel(root));
    json_object_object_add(o, "kvm", key_kvm(root));
    json_object_object_add(o, "cpu", key_cpu(root));
    return o;
}

/* A private copy (NULL stays NULL; a failed copy is NULL too, which can
 * only make the key differ: a probe, never a wrong answer). */
static json_object *
copy_of(json_object *o)
{
    json_object *copy = NULL;

    if (o && json_object_deep_copy(o, &copy, NULL) < 0)
        return NULL;
    return copy;
}

static json_object *
host_parts(VcQemuKeyMemo *memo, const char *root)
{
    json_object *copy = NULL;

    if (!memo)
        return host_parts_new(root);
    g_mutex_lock(&memo->lock);
    if (!memo->host) {
        memo->root = g_strdup(root);
        memo->host = host_parts_new(root);
    }
    if (strcmp(memo->root, root) == 0)
        copy = copy_of(memo->host);
    g_mutex_unlock(&memo->lock);
    return copy ? copy : host_parts_new(root);
}

static json_object *
modules_part(const VcQemuCacheOptions *opts, json_object *self, const char *canon)
{
    g_autofree char *bindir = g_path_get_dirname(canon);
    VcQemuKeyMemo *memo = opts->memo;
    json_object *arr, *copy;

    if (!memo)
        return key_modules(bindir, opts, self);
    g_mutex_lock(&memo->lock);
    if (!(arr = g_hash_table_lookup(memo->modules, bindir))) {
        arr = key_modules(bindir, opts, self);
        g_hash_table_insert(memo->modules, g_strdup(bindir), arr);
    }
    copy = copy_of(arr);
    g_mutex_unlock(&memo->lock);
    return copy ? copy : key_modules(bindir, opts, self);
}

/* A new reference to host's member name (NULL for a JSON null). */
static json_object *
part(json_object *host, const char *name)
{
    return json_object_get(json_object_object_get(host, name));
}

json_object *
vc_qemu_cache_key(const char *canon, const VcQemuCacheOptions *opts)
{
    g_autoptr(VcJson) host = NULL;
    json_object *key = json_object_new_object();

    opts = opts ? opts : &no_options;
    host = host_parts(opts->memo, opts->root ? opts->root : "");
    json_object_object_add(key, "cache_format", json_object_new_int(VC_QEMU_CACHE_FORMAT));
    json_object_object_add(key, "facts_format", json_object_new_int(VC_QEMU_FACTS_FORMAT));
    json_object_object_add(key, "virtcaps",
                           json_object_new_string(opts->version ? opts->version : vc_version()));
    json_object_object_add(key, "self", part(host, "self"));
    json_object_object_add(key, "accel",
                           json_object_new_string(opts->accel ? opts->accel : DEFAULT_ACCEL));
    json_object_object_add(key, "binary", stamp_path(canon));
    json_object_object_add(key, "modules",
                           modules_part(opts, json_object_object_get(host, "self"), canon));
    json_object_object_add(key, "ld_cache", part(host, "ld_cache"));
    json_object_object_add(key, "kernel", part(host, "kernel"));
    json_object_object_add(key, "kvm", part(host, "kvm"));
    json_object_object_add(key, "cpu", part(host, "cpu"));
    return key;
}

/* ---- The directory ------------------------------------------------------ */

char *
vc_qemu_cache_dir(const VcQemuCacheOptions *opts)
{
    if (opts && opts->cache_dir)
        return g_strdup(opts->cache_dir);
    if (geteuid() == 0)
        return g_strdup("/var/cache/virtcaps");
    return g_build_filename(g_get_user_cache_dir(), "virtcaps", NULL);
}

/* Why dir (open as fd) must not be trusted, or NULL.  A directory that
 * someone else can write lets them plant the answer. */
static char *
unsafe_dir_reason(int fd)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return g_strdup_printf("cannot stat: %s", g_strerror(errno));
    if (st.st_uid != geteuid())
        return g_strdup_printf("owned by uid %u, not %u", (unsigned)st.st_uid,
                               (unsigned)geteuid());
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return g_strdup_printf("writable by group or others (mode %04o)",
                               (unsigned)(st.st_mode & 07777));
    return NULL;
}

static int
open_dir_nofollow(const char *dir, GError **error)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;

    if (fd >= 0)
        return fd;
    if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: is a symbolic link", dir);
    else
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", dir,
                    g_strerror(errno));
    return -1;
}

/* Open (create = make it, 0700, and its parents) and check the directory. */
static int
checked_dir(const char *dir, gboolean create, GError **error)
{
    g_autofree char *parent = g_path_get_dirname(dir);
    g_autofree char *why = NULL;
    int fd;

    if (create && (g_mkdir_with_parents(parent, 0700) < 0 ||
                   (mkdir(dir, 0700) < 0 && errno != EEXIST))) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: cannot create: %s",
                    dir, g_strerror(errno));
        return -1;
    }
    if ((fd = open_dir_nofollow(dir, error)) < 0)
        return -1;
    if ((why = unsafe_dir_reason(fd))) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_PERM, "%s: %s", dir, why);
        close(fd);
        return -1;
    }
    return fd;
}

static gboolean
cache_open(Cache *c, const VcQemuCacheOptions *opts)
{
    g_autoptr(GError) err = NULL;

    c->opts = opts;
    c->dir = vc_qemu_cache_dir(opts);
    c->dfd = checked_dir(c->dir, TRUE, &err);
    if (c->dfd < 0)
        cache_warn(c, "%s; not using the cache", err->message);
    return c->dfd >= 0;
}

static void
cache_close(Cache *c)
{
    if (c->dfd >= 0)
        close(c->dfd);
    c->dfd = -1;
    g_clear_pointer(&c->dir, g_free);
}

/* ---- Entries ------------------------------------------------------------ */

/* The entry's base name: a hash of what selects the entry, so that it is
 * fixed-length and safe whatever the path holds. */
static char *
entry_base(const char *canon, const char *accel)
{
    g_autofree char *id = g_strconcat(canon, "\n", accel, NULL);
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, id, -1);

    return g_strndup(sum, 32);
}

/* Open name in the directory without following a link and check that it
 * is a regular file of ours; -1 with *why (NULL for "does not exist"). */
static int
open_entry(int dfd, const char *name, struct stat *st, char **why)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

    *why = NULL;
    if (fd < 0) {
        if (errno != ENOENT)
            *why = g_strdup(errno == ELOOP ? "is a symbolic link" : g_strerror(errno));
        return -1;
    }
    if (fstat(fd, st) < 0)
        *why = g_strdup_printf("cannot stat: %s", g_strerror(errno));
    else if (!S_ISREG(st->st_mode))
        *why = g_strdup("is not a regular file");
    else if (st->st_uid != geteuid())
        *why = g_strdup_printf("is owned by uid %u, not %u", (unsigned)st->st_uid,
                               (unsigned)geteuid());
    else if (st->st_size > CACHE_MAX_FILE)
        *why = g_strdup_printf("is too large (%jd bytes)", (intmax_t)st->st_size);
    if (*why) {
        close(fd);
        return -1;
    }
    return fd;
}

/* An entry file: this header, then the payload, a GVariant of ENTRY_TYPE
 * in native byte order (the key's JSON text and the digest).  The header
 * is 8-byte aligned, so the payload is used where it was read. */
typedef struct {
    char magic[8];       /* ENTRY_MAGIC */
    guint32 format;      /* VC_QEMU_CACHE_FORMAT */
    guint32 crc;         /* zlib CRC-32 of the payload: corruption is a warning, not an answer */
    guint64 size;        /* payload bytes */
} EntryHeader;

#define ENTRY_MAGIC "VIRTCAPS"
#define ENTRY_TYPE "(ay" VC_QEMU_DIGEST_TYPE ")"

/* Why the file is not an entry of ours, or NULL; *old: it is one of
 * another format (format 1 was one JSON object), to be replaced silently. */
static char *
check_header(const char *data, gsize len, gboolean *old)
{
    EntryHeader h;

    *old = FALSE;
    if (len == 0)
        return g_strdup("empty file");
    if (data[0] == '{') {
        *old = TRUE;
        return g_strdup("cache format 1");
    }
    if (memcmp(data, ENTRY_MAGIC, MIN(len, 8)) != 0)
        return g_strdup("not a virtcaps cache file");
    if (len < sizeof(h))
        return g_strdup("truncated");
    memcpy(&h, data, sizeof(h));
    if (h.format != VC_QEMU_CACHE_FORMAT) {
        *old = TRUE;
        return g_strdup_printf("cache format %u", h.format);
    }
    if (h.size != len - sizeof(h))
        return g_strdup(h.size > len - sizeof(h) ? "truncated" : "trailing data after the entry");
    if (crc32_z(0, (const Bytef *)data + sizeof(h), (z_size_t)h.size) != h.crc)
        return g_strdup("corrupt (checksum mismatch)");
    return NULL;
}

/* The whole file in a private buffer, at most CACHE_MAX_FILE bytes, or NULL
 * and *why.  Read, not mapped: the checksum is checked before the payload
 * is parsed, and bytes rewritten in place in a mapping between the two
 * would be parsed unchecked. */
static GBytes *
read_whole(int fd, const struct stat *st, char **why)
{
    gsize want = (gsize)st->st_size, len = 0;
    g_autofree char *buf = g_malloc(want + 1);   /* one more: a file that grew is seen */

    for (;;) {
        ssize_t n = read(fd, buf + len, want + 1 - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *why = g_strdup_printf("cannot read: %s", g_strerror(errno));
            return NULL;
        }
        if (n == 0)
            break;
        len += (gsize)n;
        if (len > want) {
            *why = g_strdup("changed while being read");
            return NULL;
        }
    }
    return g_bytes_new_take(g_steal_pointer(&buf), len);
}

/* The entry's payload, read, if the file is an entry of ours and intact;
 * else NULL and *why (*old: of another format). */
static GVariant *
read_entry_of(int dfd, const char *name, const char *type, struct stat *st, gboolean *old,
              char **why)
{
    g_autoptr(GBytes) bytes = NULL, payload = NULL;
    int fd = open_entry(dfd, name, st, why);

    *old = FALSE;
    if (fd < 0)
        return NULL;
    bytes = read_whole(fd, st, why);
    close(fd);
    if (!bytes)
        return NULL;
    if ((*why = check_header(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), old)))
        return NULL;
    payload = g_bytes_new_from_bytes(bytes, sizeof(EntryHeader),
                                     g_bytes_get_size(bytes) - sizeof(EntryHeader));
    return g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE(type), payload, FALSE));
}

static GVariant *
read_entry(int dfd, const char *name, struct stat *st, gboolean *old, char **why)
{
    return read_entry_of(dfd, name, ENTRY_TYPE, st, old, why);
}

static const char *
entry_key_text(GVariant *payload)
{
    const char *key = NULL;

    g_variant_get_child(payload, 0, "^&ay", &key);
    return key ? key : "";
}

/* The key as stored and compared: its compact JSON text.  Built by the
 * same code each time, so equal keys have equal texts (a difference in
 * member order could only cost a probe). */
static char *
key_text(json_object *key)
{
    return g_strdup(json_object_to_json_string_ext(key, JSON_C_TO_STRING_PLAIN |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
}

static char *
key_text_of(const char *canon, const VcQemuCacheOptions *opts)
{
    g_autoptr(VcJson) key = vc_qemu_cache_key(canon, opts);

    return key_text(key);
}

static json_object *
entry_digest(GVariant *payload, char **why)
{
    g_autoptr(GVariant) digest = g_variant_get_child_value(payload, 1);

    return vc_qemu_digest_deserialize(digest, why);
}

/* The stored digest if the stored key is key; a bad file is one warning,
 * an outdated one (or one of another format) only a debug note. */
static json_object *
cache_load(Cache *c, const char *name, const char *key)
{
    g_autofree char *why = NULL;
    g_autoptr(GVariant) payload = NULL;
    json_object *digest;
    gboolean old;
    struct stat st;

    if (!(payload = read_entry(c->dfd, name, &st, &old, &why))) {
        if (why && !old)
            cache_warn(c, "%s/%s: %s; ignoring it", c->dir, name, why);
        else if (old)
            g_log(CACHE_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s/%s: %s", c->dir, name, why);
        return NULL;
    }
    if (strcmp(entry_key_text(payload), key) != 0) {
        g_log(CACHE_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s/%s: outdated", c->dir, name);
        return NULL;
    }
    if (!(digest = entry_digest(payload, &why)))
        cache_warn(c, "%s/%s: %s; ignoring it", c->dir, name, why);
    return digest;
}

static gboolean
write_all(int fd, const char *text, gsize len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC;
            return FALSE;
        }
        text += n;
        len -= (gsize)n;
    }
    return TRUE;
}

/* Write data into a new file in the directory, durable, and rename it to
 * name: readers see the old entry or the new one, never half of one. */
static gboolean
write_atomic(int dfd, const char *name, GBytes *data, char **why)
{
    g_autofree char *tmp = g_strdup_printf(".tmp-%s-%08x", name, g_random_int());
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    gsize len;
    const char *bytes = g_bytes_get_data(data, &len);
    gboolean ok;
    int saved;

    if (fd < 0) {
        *why = g_strdup(g_strerror(errno));
        return FALSE;
    }
    ok = write_all(fd, bytes, len) && fsync(fd) == 0;
    saved = errno;
    if (close(fd) < 0 && ok) {
        ok = FALSE;
        saved = errno;
    }
    if (ok && renameat(dfd, tmp, dfd, name) == 0) {
        fsync(dfd);  /* the rename itself; failing here loses only the entry */
        return TRUE;
    }
    if (ok)
        saved = errno;
    unlinkat(dfd, tmp, 0);
    *why = g_strdup(g_strerror(saved));
    return FALSE;
}

/* The payload of an entry for the raw facts under key (see EntryHeader). */
static GVariant *
entry_payload(const char *key, json_object *facts)
{
    return g_variant_ref_sink(g_variant_new("(@ay@" VC_QEMU_DIGEST_TYPE ")",
                                            g_variant_new_bytestring(key),
                                            vc_qemu_digest_serialize(facts)));
}

static GBytes *
entry_file_bytes(GVariant *payload)
{
    EntryHeader h = { .format = VC_QEMU_CACHE_FORMAT };
    gsize size = g_variant_get_size(payload);
    char *buf = g_malloc(sizeof(h) + size);

    memcpy(h.magic, ENTRY_MAGIC, 8);
    h.size = size;
    g_variant_store(payload, buf + sizeof(h));
    h.crc = (guint32)crc32_z(0, (const Bytef *)buf + sizeof(h), (z_size_t)size);
    memcpy(buf, &h, sizeof(h));
    return g_bytes_new_take(buf, sizeof(h) + size);
}

static void
cache_store(Cache *c, const char *name, GVariant *payload)
{
    g_autoptr(GBytes) data = NULL;
    g_autofree char *why = NULL;

    if (c->read_only)
        return;
    data = entry_file_bytes(payload);
    if (!write_atomic(c->dfd, name, data, &why))
        cache_warn(c, "%s/%s: cannot write: %s; the answer is probed, not cached", c->dir,
                   name, why);
}

/* ---- The lock ----------------------------------------------------------- */

static int
open_lock(Cache *c, const char *name)
{
    int flags = O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    int fd = openat(c->dfd, name, O_RDWR | O_CREAT | flags, 0600);
    struct stat st;

    /* A read-only directory: an existing lock file still serialises; a
     * write would fail, so say so once and do not try. */
    if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
        cache_warn(c, "%s: cannot write (%s); the answer is probed, not cached", c->dir,
                   g_strerror(errno));
        c->read_only = TRUE;
        fd = openat(c->dfd, name, O_RDONLY | flags);
    }
    if (fd < 0) {
        if (!c->read_only)
            cache_warn(c, "%s/%s: %s; probing without the lock", c->dir, name,
                       errno == ELOOP ? "is a symbolic link" : g_strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
        cache_warn(c, "%s/%s: not a regular file of ours; probing without the lock", c->dir,
                   name);
        close(fd);
        return -1;
    }
    return fd;
}

/* Wait for the lock, polling, so that a stuck holder cannot hang us;
 * *waited tells whether someone else held it. */
static int
cache_lock(Cache *c, const char *name, gboolean *waited)
{
    int fd = open_lock(c, name);
    gint64 deadline = g_get_monotonic_time() + LOCK_WAIT_US;
    gulong pause_us = 500;

    *waited = FALSE;
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;

        *waited = TRUE;
        if ((e != EWOULDBLOCK && e != EINTR) || g_get_monotonic_time() > deadline) {
            cache_warn(c, "%s/%s: cannot lock: %s; probing without the lock", c->dir, name,
                       e == EWOULDBLOCK ? "held too long" : g_strerror(e));
            close(fd);
            return -1;
        }
        g_usleep(pause_us);
        pause_us = MIN(pause_us * 2, 20000);
    }
    return fd;
}

/* ---- Facts for a binary ------------------------------------------------- */

static json_object *
probe_live(const char *binary, const VcQemuCacheOptions *opts, GError **error)
{
    VcQemuProcessOptions popts = { .limits.timeout_ms = opts->timeout_ms };
    VcQemuProbeOptions probe_opts = { opts->accel };
    g_autoptr(VcQemuSource) src = vc_qemu_source_new_live(binary, &popts);

    return vc_qemu_probe(src, &probe_opts, error);
}

/* The canonical path of binary as the probe would run it, or NULL (then
 * the probe reports the problem). */
static char *
canonical_binary(const char *binary)
{
    g_autofree char *found = g_find_program_in_path(binary);
    char *real;
    char *out;

    if (!found || !(real = realpath(found, NULL)))
        return NULL;
    out = g_strdup(real);
    free(real);
    return out;
}

/* The digest of a live probe as a warm run reads it (digest.h): from the
 * very payload that is stored. */
static json_object *
payload_digest(GVariant *payload)
{
    g_autofree char *why = NULL;
    json_object *digest = entry_digest(payload, &why);

    g_assert(digest != NULL);   /* we just built it */
    return digest;
}

/* Probe under the lock (re-checking first: another process may have
 * written the entry while we waited) and store the result if nothing in
 * the key moved during the probe.  If we waited and there is still no
 * entry, the holder failed (or could not store): probe without holding
 * the lock, so that callers of a broken binary fail in parallel rather
 * than one time limit after another. */
static json_object *
probe_and_store(Cache *c, const char *binary, const char *canon, const char *base,
                const char *key, gboolean *from_cache, GError **error)
{
    g_autofree char *name = g_strconcat(base, ENTRY_SUFFIX, NULL);
    g_autofree char *legacy = g_strconcat(base, LEGACY_SUFFIX, NULL);
    g_autofree char *lock_name = g_strconcat(base, ".lock", NULL);
    g_autofree char *after = NULL;
    g_autoptr(VcJson) facts = NULL;
    g_autoptr(GVariant) payload = NULL;
    /* The key after the probe is computed afresh, never from the memo, or
     * a module or KVM parameter changed while QEMU ran would go unseen. */
    VcQemuCacheOptions fresh = *c->opts;
    json_object *digest;
    gboolean waited;
    int lock = cache_lock(c, lock_name, &waited);

    fresh.memo = NULL;

    if (lock >= 0 && (digest = cache_load(c, name, key))) {
        *from_cache = TRUE;
        close(lock);
        return digest;
    }
    if (lock >= 0 && waited) {
        close(lock);
        lock = -1;
    }
    if ((facts = probe_live(binary, c->opts, error))) {
        payload = entry_payload(key, facts);
        after = key_text_of(canon, &fresh);
        if (strcmp(after, key) == 0) {
            cache_store(c, name, payload);
            unlinkat(c->dfd, legacy, 0);   /* format 1's entry, if any */
        } else {
            g_log(CACHE_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s: changed while probed; not stored",
                  canon);
        }
    }
    if (lock >= 0)
        close(lock);
    return payload ? payload_digest(payload) : NULL;
}

/* The digest without the cache: a probe every time. */
static json_object *
digest_uncached(const char *binary, const VcQemuCacheOptions *opts, GError **error)
{
    g_autoptr(VcJson) facts = probe_live(binary, opts, error);

    return facts ? vc_qemu_digest_of_facts(facts) : NULL;
}

/* The digest of binary (real path canon) under key in the open cache c:
 * read, or probed and stored; *hit: it was found under key. */
static json_object *
digest_in_cache(Cache *c, const char *binary, const char *canon, const char *key,
                gboolean *hit, GError **error)
{
    g_autofree char *base = entry_base(canon, c->opts->accel ? c->opts->accel : DEFAULT_ACCEL);
    g_autofree char *name = g_strconcat(base, ENTRY_SUFFIX, NULL);
    json_object *digest;

    *hit = FALSE;
    if ((digest = cache_load(c, name, key))) {
        *hit = TRUE;
        return digest;
    }
    return probe_and_store(c, binary, canon, base, key, hit, error);
}

json_object *
vc_qemu_digest_for_binary(const char *binary, const VcQemuCacheOptions *opts,
                          gboolean *from_cache, GError **error)
{
    g_autofree char *canon = NULL, *key = NULL;
    Cache c = { .dfd = -1 };
    gboolean hit = FALSE;
    json_object *digest;

    opts = opts ? opts : &no_options;
    if (opts->no_cache || !(canon = canonical_binary(binary)) || !cache_open(&c, opts)) {
        digest = digest_uncached(binary, opts, error);
    } else {
        key = key_text_of(canon, opts);
        digest = digest_in_cache(&c, binary, canon, key, &hit, error);
    }
    cache_close(&c);
    if (from_cache)
        *from_cache = hit;
    return digest;
}

/* ---- Small text blobs --------------------------------------------------- */

/* A blob file: the same header (format, CRC) as an entry, then a GVariant
 * of BLOB_TYPE: the key's text and the blob's. */
#define BLOB_TYPE "(ayay)"

/* The file name of blob name, or NULL if name is not a plain short word. */
static char *
blob_file(const char *name)
{
    if (!name || !*name || strlen(name) > 64)
        return NULL;
    for (const char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
            return NULL;
    return g_strconcat(name, BLOB_SUFFIX, NULL);
}

static const char *
payload_child_text(GVariant *payload, gsize i)
{
    const char *text = NULL;

    g_variant_get_child(payload, i, "^&ay", &text);
    return text ? text : "";
}

/* The value (an "ay") of blob file in the open cache c if its stored key
 * is key; a bad file is one warning, an outdated one a debug note. */
static GVariant *
blob_value(Cache *c, const char *file, const char *key)
{
    g_autofree char *why = NULL;
    g_autoptr(GVariant) payload = NULL;
    gboolean old;
    struct stat st;

    if (!(payload = read_entry_of(c->dfd, file, BLOB_TYPE, &st, &old, &why))) {
        if (why && !old)
            cache_warn(c, "%s/%s: %s; ignoring it", c->dir, file, why);
        else if (old)
            g_log(CACHE_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s/%s: %s", c->dir, file, why);
        return NULL;
    }
    if (strcmp(payload_child_text(payload, 0), key) != 0) {
        g_log(CACHE_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s/%s: outdated", c->dir, file);
        return NULL;
    }
    return g_variant_get_child_value(payload, 1);
}

static char *
blob_read(Cache *c, const char *file, const char *key)
{
    g_autoptr(GVariant) value = blob_value(c, file, key);

    return value ? g_strdup(g_variant_get_bytestring(value)) : NULL;
}

/* Store value (an "ay", floating or not) under key as blob file. */
static void
blob_write_value(Cache *c, const char *file, const char *key, GVariant *value)
{
    g_autoptr(GVariant) payload = g_variant_ref_sink(
        g_variant_new("(@ay@ay)", g_variant_new_bytestring(key), value));

    cache_store(c, file, payload);
}

static void
blob_write(Cache *c, const char *file, const char *key, const char *text)
{
    blob_write_value(c, file, key, g_variant_new_bytestring(text));
}

char *
vc_cache_blob_load(const VcQemuCacheOptions *opts, const char *name, const char *key)
{
    g_autofree char *file = blob_file(name);
    Cache c = { .dfd = -1 };
    char *text = NULL;

    opts = opts ? opts : &no_options;
    if (file && !opts->no_cache && cache_open(&c, opts))
        text = blob_read(&c, file, key);
    cache_close(&c);
    return text;
}

void
vc_cache_blob_store(const VcQemuCacheOptions *opts, const char *name, const char *key,
                    const char *text)
{
    g_autofree char *file = blob_file(name);
    Cache c = { .dfd = -1 };

    opts = opts ? opts : &no_options;
    if (file && !opts->no_cache && cache_open(&c, opts))
        blob_write(&c, file, key, text);
    cache_close(&c);
}

/* ---- Values derived from a digest ------------------------------------- */

/* The bytes of raw as a value of type, or NULL if they are not one in
 * normal form.  Checked once here, the value is then marked trusted:
 * GVariant would otherwise validate every string again at every access,
 * ten times the cost of the rest of a warm guest. */
static GVariant *
trusted_value(const GVariantType *type, GVariant *raw)
{
    g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes(raw);
    g_autoptr(GVariant) checked = g_variant_ref_sink(g_variant_new_from_bytes(type, bytes, FALSE));

    if (!g_variant_is_normal_form(checked))
        return NULL;
    return g_variant_ref_sink(g_variant_new_from_bytes(type, bytes, TRUE));
}

/* The file of value name of binary, or NULL when the cache is not used. */
static char *
derived_file(const char *binary, const VcQemuCacheOptions *opts, const char *name,
             char **canon)
{
    g_autofree char *base = NULL, *word = NULL;

    if (opts->no_cache || !(*canon = canonical_binary(binary)))
        return NULL;
    base = entry_base(*canon, opts->accel ? opts->accel : DEFAULT_ACCEL);
    word = g_strconcat(name, "-", base, NULL);
    return blob_file(word);
}

GVariant *
vc_qemu_derived_for_binary(const char *binary, const VcQemuCacheOptions *opts,
                           const char *name, const GVariantType *type,
                           VcQemuDeriveFunc derive, GError **error)
{
    g_autofree char *canon = NULL, *file = NULL, *key = NULL;
    g_autoptr(VcJson) digest = NULL;
    g_autoptr(GVariant) raw = NULL;
    GVariant *value = NULL;
    Cache c = { .dfd = -1 };
    gboolean hit = FALSE;

    opts = opts ? opts : &no_options;
    if (!(file = derived_file(binary, opts, name, &canon)) || !cache_open(&c, opts)) {
        if ((digest = digest_uncached(binary, opts, error)))
            value = derive(digest);
        goto out;
    }
    key = key_text_of(canon, opts);
    if ((raw = blob_value(&c, file, key)) && (value = trusted_value(type, raw)))
        goto out;
    if (!(digest = digest_in_cache(&c, binary, canon, key, &hit, error)))
        goto out;
    value = derive(digest);
    /* Kept under the key the digest itself was found under: it can be no
     * staler than the digest.  A digest just probed is kept by the next
     * run, which finds it in the cache. */
    if (hit && g_variant_is_of_type(value, type))
        blob_write_value(&c, file, key, g_variant_new_fixed_array(
            G_VARIANT_TYPE_BYTE, g_variant_get_data(value), g_variant_get_size(value), 1));
 out:
    cache_close(&c);
    return value;
}

json_object *
vc_cache_file_stamp(const char *path)
{
    char *real;
    json_object *o;

    if (!path || !(real = realpath(path, NULL)))
        return NULL;
    o = stamp_path(real);
    free(real);
    return o;
}

/* The common members of a blob key; takes self. */
static json_object *
blob_key_with_self(json_object *self)
{
    json_object *key = json_object_new_object();

    json_object_object_add(key, "cache_format", json_object_new_int(VC_QEMU_CACHE_FORMAT));
    json_object_object_add(key, "virtcaps", json_object_new_string(vc_version()));
    json_object_object_add(key, "self", self);
    return key;
}

json_object *
vc_cache_blob_key_new(void)
{
    return blob_key_with_self(key_self());
}

char *
vc_cache_key_text(json_object *key)
{
    return key_text(key);
}

json_object *
vc_cache_kvm_key(const char *root)
{
    return key_kvm(root ? root : "");
}

/* ---- Remembered listings ------------------------------------------------ */

/* Listing /usr/bin (1,350 names, none a module) was the most expensive
 * system call of a warm run.  Creating, removing or renaming a name in a
 * directory sets its mtime and ctime to the current time, so the names a
 * directory held when its (dev, ino, mtime, ctime) were S are the names it
 * holds whenever they are S again: a listing is kept as the blob
 * "dir-HASH" under that stamp and reused while the stamp is unchanged.
 * Only the names are remembered; every module is still stat'ed. */

static void (*list_hook)(const char *dir);
static gint64 (*clock_hook)(void);

void
vc_qemu_cache_set_list_hook(void (*hook)(const char *dir))
{
    list_hook = hook;
}

void
vc_qemu_cache_set_clock_hook(gint64 (*hook)(void))
{
    clock_hook = hook;
}

static gint64
realtime_ns(void)
{
    struct timespec ts;

    if (clock_hook)
        return clock_hook();
    clock_gettime(CLOCK_REALTIME, &ts);
    return ns_of(ts);
}

/* Whether a listing of the directory of stamp st, taken after the clock
 * read now, may be remembered.  File times come from a coarse clock: a
 * name added in the same tick as a remembered listing could leave both
 * times equal, and the stamp would then hide it for good.  Times SETTLE_NS
 * before now leave no such tick: any later change sets them to a later
 * time. */
static gboolean
settled(const struct stat *st, gint64 now)
{
    return MAX(ns_of(st->st_mtim), ns_of(st->st_ctim)) <= now - SETTLE_NS;
}

static void
lister_open(Lister *l, const VcQemuCacheOptions *opts, json_object *self)
{
    opts = opts ? opts : &no_options;
    *l = (Lister){ .cache = { .opts = opts, .dfd = -1, .quiet = TRUE } };
    if (opts->no_cache)
        return;
    /* Never created here: a key computed without a cache leaves none. */
    l->cache.dir = vc_qemu_cache_dir(opts);
    l->cache.dfd = checked_dir(l->cache.dir, FALSE, NULL);
    if (l->cache.dfd >= 0) {
        g_autoptr(VcJson) common = blob_key_with_self(json_object_get(self));

        l->common = key_text(common);
    }
}

static void
lister_close(Lister *l)
{
    cache_close(&l->cache);
    g_clear_pointer(&l->common, g_free);
}

/* The listing's blob name: a hash, so that any path gives a short word. */
static char *
listing_file(const char *dir, const NameSet *set)
{
    g_autofree char *id = g_strconcat(set->what, "\n", dir, NULL);
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, id, -1);
    g_autofree char *name = g_strdup_printf("dir-%.16s", sum);

    return blob_file(name);
}

/* The listing's key text: the common members, the filter, dir's stamp
 * and, last, its path (so that no two keys read alike).  Plain text: it is
 * built for every directory of every warm run, and json-c cost more than
 * the listing it saves. */
static char *
listing_key(Lister *l, const char *dir, const NameSet *set, const struct stat *st)
{
    return g_strdup_printf("%s\n%s dev %ju ino %ju mtime %jd ctime %jd %s", l->common, set->what,
                           (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
                           (intmax_t)ns_of(st->st_mtim), (intmax_t)ns_of(st->st_ctim), dir);
}

/* A remembered listing's text: the names joined by '/', which no name
 * holds. */
static char *
names_text(GPtrArray *names)
{
    GString *text = g_string_new(NULL);

    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(text, "%s%s", i ? "/" : "", (char *)names->pdata[i]);
    return g_string_free(text, FALSE);
}

/* The names of a remembered listing, or NULL if the text cannot be one
 * (then the directory is listed). */
static GPtrArray *
names_of_text(const char *text, const NameSet *set)
{
    g_auto(GStrv) parts = *text ? g_strsplit(text, "/", -1) : g_new0(char *, 1);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

    for (char **p = parts; *p; p++) {
        if (!**p || (set->keep && !set->keep(*p)))
            return NULL;
        g_ptr_array_add(names, g_strdup(*p));
    }
    g_ptr_array_sort(names, compare_strings);
    return g_steal_pointer(&names);
}

static void
listed(const char *dir)
{
    if (list_hook)
        list_hook(dir);
}

/* List dir now and remember the listing if its stamp has settled.  The
 * stamp is the open directory's, taken after the listing: a path swapped
 * to another directory meanwhile cannot pair one directory's names with
 * another's stamp, and a change made while we listed gives times after
 * the clock read before it began, which have not settled. */
static GPtrArray *
list_and_remember(Lister *l, const char *dir, const NameSet *set, const char *file)
{
    gint64 now = realtime_ns();
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
    g_autofree char *key = NULL, *text = NULL;
    struct stat st;
    GPtrArray *names;

    listed(dir);
    if (fd < 0)
        return g_ptr_array_new_with_free_func(g_free);
    names = sorted_names_at(fd, set->keep);
    if (fstat(fd, &st) == 0 && settled(&st, now)) {
        key = listing_key(l, dir, set, &st);
        text = names_text(names);
        blob_write(&l->cache, file, key, text);
    }
    close(fd);
    return names;
}

/* The names in dir that set keeps, sorted (none when dir cannot be read):
 * from the remembered listing when dir's stamp is the one it was taken
 * under, else listed. */
static GPtrArray *
dir_names(Lister *l, const char *dir, const NameSet *set)
{
    g_autofree char *file = NULL, *key = NULL, *text = NULL;
    GPtrArray *names;
    struct stat st;

    if (l->cache.dfd < 0 || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        listed(dir);
        return sorted_names(dir, set->keep);
    }
    file = listing_file(dir, set);
    key = listing_key(l, dir, set, &st);
    if ((text = blob_read(&l->cache, file, key)) && (names = names_of_text(text, set)))
        return names;
    return list_and_remember(l, dir, set, file);
}

/* ---- Listing and clearing ----------------------------------------------- */

void
vc_qemu_cache_entry_free(VcQemuCacheEntry *e)
{
    if (!e)
        return;
    g_free(e->file);
    g_free(e->binary);
    g_free(e->accel);
    g_free(e->summary);
    g_free(e->problem);
    g_free(e);
}

static const char *
str_at(json_object *obj, const char *a, const char *b)
{
    json_object *v = json_object_object_get(obj, a);

    if (b)
        v = json_object_object_get(v, b);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static char *
qemu_version(json_object *facts)
{
    json_object *ret = vc_qemu_facts_return(facts, 0, "query-version");
    json_object *q = json_object_object_get(ret, "qemu");
    const char *package = str_at(ret, "package", NULL);

    if (!q)
        return g_strdup("QEMU ?");
    return g_strdup_printf("QEMU %d.%d.%d%s%s%s",
                           json_object_get_int(json_object_object_get(q, "major")),
                           json_object_get_int(json_object_object_get(q, "minor")),
                           json_object_get_int(json_object_object_get(q, "micro")),
                           package && *package ? " (" : "", package ? package : "",
                           package && *package ? ")" : "");
}

/* QEMU version; kernel; KVM; CPU signature and microcode. */
static char *
entry_summary(json_object *key, json_object *digest)
{
    json_object *kvm = json_object_object_get(key, "kvm");
    g_autofree char *qemu = qemu_version(digest);
    const char *vendor = str_at(key, "cpu", "vendor_id");
    const char *model = str_at(key, "cpu", "model name");

    return g_strdup_printf("%s; virtcaps %s; kernel %s; KVM %s; CPU %s%s%s%s%s", qemu,
                           str_at(key, "virtcaps", NULL) ? str_at(key, "virtcaps", NULL) : "?",
                           str_at(key, "kernel", "release") ? str_at(key, "kernel", "release")
                                                            : "?",
                           json_object_get_boolean(json_object_object_get(kvm, "usable"))
                           ? "usable" : "not usable",
                           vendor ? vendor : "?", model ? " " : "", model ? model : "",
                           str_at(key, "cpu", "microcode") ? " microcode " : "",
                           str_at(key, "cpu", "microcode") ? str_at(key, "cpu", "microcode")
                                                           : "");
}

static VcQemuCacheEntry *
describe_entry(int dfd, const char *name, const VcQemuCacheOptions *opts)
{
    VcQemuCacheEntry *e = g_new0(VcQemuCacheEntry, 1);
    g_autoptr(GVariant) payload = NULL;
    g_autoptr(VcJson) key = NULL, digest = NULL;
    g_autofree char *now = NULL;
    VcQemuCacheOptions current = *opts;
    struct stat st = { 0 };
    gboolean old;

    e->file = g_strdup(name);
    payload = read_entry(dfd, name, &st, &old, &e->problem);
    e->size = st.st_size;
    e->age_s = st.st_mtime ? MAX(0, g_get_real_time() / G_USEC_PER_SEC - st.st_mtime) : 0;
    if (!payload)
        return e;
    key = json_tokener_parse(entry_key_text(payload));
    if (!(digest = entry_digest(payload, &e->problem)))
        return e;
    e->binary = g_strdup(str_at(key, "binary", "path"));
    e->accel = g_strdup(str_at(key, "accel", NULL));
    e->summary = entry_summary(key, digest);
    if (e->binary && e->accel) {
        current.accel = e->accel;
        now = key_text_of(e->binary, &current);
        e->valid = strcmp(now, entry_key_text(payload)) == 0;
    }
    return e;
}

static gint
compare_entries(gconstpointer a, gconstpointer b)
{
    const VcQemuCacheEntry *x = *(VcQemuCacheEntry *const *)a;
    const VcQemuCacheEntry *y = *(VcQemuCacheEntry *const *)b;
    int r = g_strcmp0(x->binary, y->binary);

    return r ? r : g_strcmp0(x->file, y->file);
}

static gboolean
is_entry_name(const char *name)
{
    return (g_str_has_suffix(name, ENTRY_SUFFIX) || g_str_has_suffix(name, LEGACY_SUFFIX)) &&
           name[0] != '.';
}

/* The checked directory, or -2 when it does not exist (no entries). */
static int
existing_dir(const char *dir, GError **error)
{
    struct stat st;

    if (lstat(dir, &st) < 0 && errno == ENOENT)
        return -2;
    return checked_dir(dir, FALSE, error);
}

GPtrArray *
vc_qemu_cache_list(const VcQemuCacheOptions *opts, GError **error)
{
    g_autofree char *dir = vc_qemu_cache_dir(opts);
    GPtrArray *entries = g_ptr_array_new_with_free_func((GDestroyNotify)vc_qemu_cache_entry_free);
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(VcQemuKeyMemo) memo = vc_qemu_key_memo_new();
    VcQemuCacheOptions current = opts ? *opts : no_options;
    int dfd;

    current.memo = memo;    /* one listing is one request */
    if ((dfd = existing_dir(dir, error)) == -1) {
        g_ptr_array_unref(entries);
        return NULL;
    }
    if (dfd == -2)
        return entries;
    names = sorted_names_at(dfd, is_entry_name);
    for (guint i = 0; i < names->len; i++)
        g_ptr_array_add(entries, describe_entry(dfd, names->pdata[i], &current));
    close(dfd);
    g_ptr_array_sort(entries, compare_entries);
    return entries;
}

static gboolean
is_cache_file(const char *name)
{
    return is_entry_name(name) || g_str_has_suffix(name, BLOB_SUFFIX) ||
           g_str_has_suffix(name, ".lock") ||
           g_str_has_prefix(name, ".tmp-");
}

gboolean
vc_qemu_cache_clear(const VcQemuCacheOptions *opts, guint *removed, GError **error)
{
    g_autofree char *dir = vc_qemu_cache_dir(opts);
    g_autoptr(GPtrArray) names = NULL;
    guint n = 0;
    int dfd;

    if (removed)
        *removed = 0;
    if ((dfd = existing_dir(dir, error)) == -1)
        return FALSE;
    if (dfd == -2)
        return TRUE;
    names = sorted_names_at(dfd, is_cache_file);
    for (guint i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];

        if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT) {
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                        "%s/%s: cannot remove: %s", dir, name, g_strerror(errno));
            close(dfd);
            return FALSE;
        }
        n += is_entry_name(name);
    }
    close(dfd);
    if (removed)
        *removed = n;
    return TRUE;
}
