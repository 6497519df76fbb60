/*
 * The small host elements: <uuid>, <power_management>, <iommu>,
 * <migration_features> and the <secmodel> list, with the rules of libvirt's
 * QEMU driver running privileged (qemu:///system) with a default qemu.conf,
 * as Debian builds it (QEMU user and group libvirt-qemu).
 */
#include "probe/probe.h"

#include <string.h>

#include "modules/dbus-logind.h"
#include "util/vc-module.h"

/* ---- uuid ------------------------------------------------------------- */

#define UUID_LEN 16
#define UUID_STRING_LEN 36

/* getDMISystemUUID: the first file that yields a full 36 characters. */
static const char *const dmi_uuid_files[] = {
    "/sys/devices/virtual/dmi/id/product_uuid",
    "/sys/class/dmi/id/product_uuid",
};

/* virUUIDParse, including its habit of leaving the bytes parsed so far in
 * uuid when it fails: libvirt then keeps them if they look valid. */
static gboolean
uuid_parse(const char *s, guchar uuid[UUID_LEN])
{
    gsize i = 0;

    memset(uuid, 0, UUID_LEN);
    while (g_ascii_isspace(*s))
        s++;
    while (i < UUID_LEN) {
        int hi, lo;
        if (*s == '-' || *s == ' ') {
            s++;
            continue;
        }
        /* virUUIDParse stores the high nibble before it checks the low
         * one, and libvirt keeps a half-parsed UUID: so do we. */
        if ((hi = g_ascii_xdigit_value(s[0])) < 0)
            return FALSE;
        uuid[i] = (guchar)(hi * 16);
        if ((lo = g_ascii_xdigit_value(s[1])) < 0)
            return FALSE;
        uuid[i++] += (guchar)lo;
        s += 2;
    }
    while (g_ascii_isspace(*s))
        s++;
    return *s == '\0';
}

/* virUUIDIsValid: not all bytes equal. */
static gboolean
uuid_valid(const guchar uuid[UUID_LEN])
{
    for (gsize i = 1; i < UUID_LEN; i++)
        if (uuid[i] != uuid[0])
            return TRUE;
    return FALSE;
}

static char *
uuid_format(const guchar u[UUID_LEN])
{
    return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                           "%02x%02x%02x%02x%02x%02x",
                           u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8],
                           u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* The first 36 bytes of a file when it has that many (virFileReadBufQuiet
 * into a 37-byte buffer). */
static char *
read_uuid_text(const VcHost *host, const char *path, gboolean need_full)
{
    g_autofree char *text = vc_host_read(host, path, VC_FILE_MAX_SMALL);

    if (!text || (need_full && strlen(text) < UUID_STRING_LEN))
        return NULL;
    return g_strndup(text, UUID_STRING_LEN);
}

/* virSetHostUUIDStr(NULL) for the DMI part.  Returns TRUE when libvirt
 * would settle on uuid (which may be invalid: then it prints no <uuid>),
 * FALSE when it would generate a random one. */
static gboolean
dmi_uuid(const VcHost *host, guchar uuid[UUID_LEN])
{
    for (gsize i = 0; i < G_N_ELEMENTS(dmi_uuid_files); i++) {
        g_autofree char *text = read_uuid_text(host, dmi_uuid_files[i], TRUE);
        if (!text)
            continue;
        if (uuid_parse(text, uuid))
            return TRUE;
        if (uuid_valid(uuid)) {
            vc_host_warn(host, "%s is not a complete UUID; using what parses, as libvirt does",
                         dmi_uuid_files[i]);
            return TRUE;
        }
        vc_host_warn(host, "ignoring %s: not a UUID", dmi_uuid_files[i]);
        return FALSE;
    }
    return FALSE;
}

/* Where libvirt would make up a random UUID (no DMI, as in most VMs and
 * containers), we use what libvirtd reports with host_uuid_source =
 * "machine-id": /etc/machine-id.  That is a real libvirt answer and, unlike
 * a random one, stable from run to run.  Only without a usable machine-id do
 * we fall back to libvirt's random UUID, and under a --root to none, so that
 * a recorded tree always prints the same document. */
static void
probe_uuid(const VcHost *host, VcHostCaps *caps)
{
    guchar uuid[UUID_LEN];
    g_autofree char *machine_id = NULL;

    if (dmi_uuid(host, uuid)) {
        if (uuid_valid(uuid))
            caps->uuid = uuid_format(uuid);
        return;
    }
    machine_id = read_uuid_text(host, "/etc/machine-id", FALSE);
    if (machine_id && uuid_parse(machine_id, uuid) && uuid_valid(uuid))
        caps->uuid = uuid_format(uuid);
    else if (host->root[0] == '\0')
        caps->uuid = g_uuid_string_random();
}

/* ---- power management ------------------------------------------------- */

#define PM_RECORD_FILE "/.virtcaps/power_management"
#define DBUS_TIMEOUT_MS 3000

/* pm-utils' pm-is-supported, from /sys/power: each target needs all of
 * state_all (or alt_state) in /sys/power/state, and, when disk_file, the
 * file /sys/power/disk (containing disk_word when set). */
static const struct {
    guint bit;
    const char *state_all[2];
    const char *alt_state;
    gboolean disk_file;
    const char *disk_word;
} pm_sysfs_rules[] = {
    { VC_PM_SUSPEND_MEM, { "mem", NULL }, "standby", FALSE, NULL },
    { VC_PM_SUSPEND_DISK, { "disk", NULL }, NULL, TRUE, NULL },
    { VC_PM_SUSPEND_HYBRID, { "disk", "mem" }, NULL, TRUE, "suspend" },
};

/* Where GIO finds the system bus; without one there is nothing to ask,
 * and the D-Bus module (GIO) is not worth loading. */
static gboolean
system_bus_present(void)
{
    return g_getenv("DBUS_SYSTEM_BUS_ADDRESS") ||
           g_file_test("/var/run/dbus/system_bus_socket", G_FILE_TEST_EXISTS);
}

/* virNodeSuspendGetTargetMask over systemd-logind, in the "dbus" module
 * (modules/dbus-logind.c).  Without a system bus or logind, libvirt would
 * try pm-utils, which Debian builds without, so the answer is "nothing". */
static guint
pm_from_logind(const VcHost *host)
{
    g_autoptr(GError) err = NULL;
    VcLogindPmFunc ask;

    if (!system_bus_present())
        return 0;
    if (!(ask = (VcLogindPmFunc)vc_module_symbol(VC_DBUS_MODULE, VC_DBUS_MODULE_LOGIND_PM,
                                                 &err))) {
        vc_host_warn(host, "power management: %s", err->message);
        return 0;
    }
    return ask(DBUS_TIMEOUT_MS);
}

static gboolean
has_all_words(const char *text, const char *const *words, gsize n)
{
    for (gsize i = 0; i < n; i++)
        if (words[i] && !strstr(text, words[i]))
            return FALSE;
    return TRUE;
}

static guint
pm_from_sysfs(const VcHost *host)
{
    g_autofree char *state = vc_host_read(host, "/sys/power/state", VC_FILE_MAX_SMALL);
    g_autofree char *disk = vc_host_read(host, "/sys/power/disk", VC_FILE_MAX_SMALL);
    guint mask = 0;

    if (!state)
        return 0;
    for (gsize i = 0; i < G_N_ELEMENTS(pm_sysfs_rules); i++) {
        const char *alt = pm_sysfs_rules[i].alt_state;
        const char *dword = pm_sysfs_rules[i].disk_word;
        if (!has_all_words(state, pm_sysfs_rules[i].state_all, 2) &&
            !(alt && strstr(state, alt)))
            continue;
        if (pm_sysfs_rules[i].disk_file && (!disk || (dword && !strstr(disk, dword))))
            continue;
        mask |= pm_sysfs_rules[i].bit;
    }
    return mask;
}

/* The recorded answer: target names (vc_pm_target_names), blank separated. */
static gboolean
pm_from_record(const VcHost *host, guint *mask)
{
    g_autofree char *text = vc_host_read(host, PM_RECORD_FILE, VC_FILE_MAX_SMALL);
    g_auto(GStrv) words = NULL;

    if (!text)
        return FALSE;
    *mask = 0;
    words = g_strsplit_set(g_strstrip(text), " \t\n\r\v\f", -1);
    for (char **w = words; *w; w++) {
        int bit = **w ? VC_NAME_INDEX(vc_pm_target_names, *w) : -2;
        if (bit == -1)
            vc_host_warn(host, "ignoring '%.32s' in %s: not a PM target", *w, PM_RECORD_FILE);
        else if (bit >= 0)
            *mask |= 1u << bit;
    }
    return TRUE;
}

static void
record_pm(const VcHost *host, guint mask)
{
    g_autoptr(GString) text = g_string_new(NULL);

    for (guint bit = 0; bit < G_N_ELEMENTS(vc_pm_target_names); bit++)
        if (mask & (1u << bit))
            g_string_append_printf(text, "%s%s", text->len ? " " : "", vc_pm_target_names[bit]);
    g_string_append_c(text, '\n');
    vc_host_record_value(host, PM_RECORD_FILE, text->str);
}

/* On the running host we ask logind exactly as libvirt does (logind is the
 * system's service, not ours).  Under a --root we never touch D-Bus: the
 * recorded answer when there is one, else what pm-utils would conclude
 * from the tree's /sys/power files. */
static void
probe_power_management(const VcHost *host, VcHostCaps *caps)
{
    if (host->root[0] != '\0') {
        if (!pm_from_record(host, &caps->power_management))
            caps->power_management = pm_from_sysfs(host);
        return;
    }
    caps->power_management = pm_from_logind(host);
    record_pm(host, caps->power_management);
}

/* ---- iommu ------------------------------------------------------------ */

/* virHostHasIOMMU: any entry in /sys/kernel/iommu_groups. */
static void
probe_iommu(const VcHost *host, VcHostCaps *caps)
{
    g_autoptr(GPtrArray) groups = vc_host_list_names(host, "/sys/kernel/iommu_groups");
    caps->iommu = groups->len > 0;
}

/* ---- qemu.conf -------------------------------------------------------- */

#define QEMU_CONF "/etc/libvirt/qemu.conf"

/* A virConf value: a string or a list of strings (numbers are skipped). */
typedef struct {
    const char *p;
} ConfLexer;

static void
conf_skip_blank(ConfLexer *lx)
{
    for (;;) {
        while (g_ascii_isspace(*lx->p))
            lx->p++;
        if (*lx->p != '#')
            return;
        /* qemu.conf is mostly comments: skip each line at once */
        lx->p += strcspn(lx->p, "\n");
    }
}

static char *
conf_string(ConfLexer *lx)
{
    char quote = *lx->p;
    const char *start = ++lx->p;
    const char *end = strchr(start, quote);

    if (!end)
        return NULL;
    lx->p = end + 1;
    return g_strndup(start, end - start);
}

/* A virConf value: a string, a list of strings, or another scalar (a
 * number: no items, not a list). */
typedef struct {
    gboolean is_list;
    GPtrArray *items;
} ConfValue;

static void
conf_value_free(ConfValue *v)
{
    g_ptr_array_unref(v->items);
    g_free(v);
}

/* One value into values (NULL: a number or other scalar we do not need).
 * FALSE on a syntax error. */
static gboolean
conf_value(ConfLexer *lx, GPtrArray *values)
{
    conf_skip_blank(lx);
    if (*lx->p == '"' || *lx->p == '\'') {
        char *s = conf_string(lx);
        if (!s)
            return FALSE;
        g_ptr_array_add(values, s);
        return TRUE;
    }
    if (*lx->p == '[') {
        lx->p++;
        for (;;) {
            conf_skip_blank(lx);
            if (*lx->p == ']') {
                lx->p++;
                return TRUE;
            }
            if (!conf_value(lx, values))
                return FALSE;
            conf_skip_blank(lx);
            if (*lx->p == ',')
                lx->p++;
            else if (*lx->p != ']')
                return FALSE;
        }
    }
    if (!g_ascii_isalnum(*lx->p) && *lx->p != '-')
        return FALSE;
    while (g_ascii_isalnum(*lx->p) || *lx->p == '-' || *lx->p == '.')
        lx->p++;
    return TRUE;
}

/* A virConf file as key -> values (GPtrArray of strings); the first
 * assignment wins, as virConfGetValue finds the first entry.  A syntax
 * error makes the whole file unusable (NULL), as it makes libvirt refuse it. */
static GHashTable *
conf_parse(const VcHost *host, const char *text, const char *path)
{
    g_autoptr(GHashTable) conf = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify)conf_value_free);
    ConfLexer lx = { text };

    for (;;) {
        g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
        const char *name;
        conf_skip_blank(&lx);
        if (!*lx.p)
            return g_steal_pointer(&conf);
        name = lx.p;
        while (g_ascii_isalnum(*lx.p) || *lx.p == '_' || *lx.p == '.')
            lx.p++;
        if (lx.p == name) {
            vc_host_warn(host, "ignoring %s: syntax error at byte %td", path, name - text);
            return NULL;
        }
        g_autofree char *key = g_strndup(name, lx.p - name);
        gboolean is_list;
        conf_skip_blank(&lx);
        is_list = lx.p[0] == '=' && *(lx.p + 1 + strspn(lx.p + 1, " \t")) == '[';
        if (*lx.p++ != '=' || !conf_value(&lx, values)) {
            vc_host_warn(host, "ignoring %s: syntax error after '%.32s'", path, key);
            return NULL;
        }
        if (!g_hash_table_contains(conf, key)) {
            ConfValue *v = g_new0(ConfValue, 1);
            v->is_list = is_list;
            v->items = g_steal_pointer(&values);
            g_hash_table_insert(conf, g_steal_pointer(&key), v);
        }
    }
}

/* The QEMU driver's qemu.conf, or NULL when absent or unusable. */
static GHashTable *
read_qemu_conf(const VcHost *host)
{
    g_autofree char *text = vc_host_read(host, QEMU_CONF, VC_FILE_MAX_LARGE);

    return text ? conf_parse(host, text, QEMU_CONF) : NULL;
}

/* A string setting; a list where a string belongs makes libvirt refuse
 * the file, so it is ignored with a warning. */
static const char *
conf_get_string(const VcHost *host, GHashTable *conf, const char *key)
{
    ConfValue *v = conf ? g_hash_table_lookup(conf, key) : NULL;

    if (v && v->is_list) {
        vc_host_warn(host, "ignoring %s in %s: expected a string, not a list", key, QEMU_CONF);
        return NULL;
    }
    return v && v->items->len == 1 ? g_ptr_array_index(v->items, 0) : NULL;
}

/* ---- secmodel --------------------------------------------------------- */

/* Debian's build: meson -Dqemu_user=libvirt-qemu -Dqemu_group=libvirt-qemu. */
#define QEMU_USER "libvirt-qemu"
#define QEMU_GROUP "libvirt-qemu"

typedef VcSecModel *(*LsmProbe)(const VcHost *host);

/* The id of name in a passwd/group style file (name:x:id:...). */
static gboolean
lookup_id(const VcHost *host, const char *file, const char *name, guint *id)
{
    g_autofree char *text = vc_host_read(host, file, VC_FILE_MAX_LARGE);
    g_auto(GStrv) lines = text ? g_strsplit(text, "\n", -1) : NULL;

    for (char **l = lines; l && *l; l++) {
        /* glibc skips an entry cut short before its fourth field. */
        g_auto(GStrv) f = g_strsplit(*l, ":", 5);
        guint64 v;
        if (g_strv_length(f) >= 4 && strcmp(f[0], name) == 0 &&
            g_ascii_string_to_unsigned(f[2], 10, 0, G_MAXUINT32, &v, NULL)) {
            *id = (guint)v;
            return TRUE;
        }
    }
    return FALSE;
}

/* virGetUserID / virGetGroupID: "+N" is a number, else a name, else a
 * number.  libvirt refuses to start when this fails. */
static gboolean
resolve_id(const VcHost *host, const char *file, const char *spec, guint *id)
{
    guint64 v;

    if (*spec != '+' && lookup_id(host, file, spec, id))
        return TRUE;
    if (*spec == '+')
        spec++;
    if (!g_ascii_string_to_unsigned(spec, 10, 0, G_MAXUINT32, &v, NULL))
        return FALSE;
    *id = (guint)v;
    return TRUE;
}

/* The DAC driver: doi 0, base label "+uid:+gid" for kvm and qemu. */
static VcSecModel *
dac_secmodel(const VcHost *host, GHashTable *conf)
{
    const char *user = conf_get_string(host, conf, "user");
    const char *group = conf_get_string(host, conf, "group");
    g_autofree char *label = NULL;
    g_autofree char *safe_user = NULL, *safe_group = NULL;
    VcSecModel *sec;
    guint uid, gid;

    /* A tree without a user database (libvirt's own test trees) says
     * nothing about DAC: no model, and nothing to warn about. */
    if (!vc_host_exists(host, "/etc/passwd") && !vc_host_exists(host, "/etc/group"))
        return NULL;
    if (!resolve_id(host, "/etc/passwd", user ? user : QEMU_USER, &uid) ||
        !resolve_id(host, "/etc/group", group ? group : QEMU_GROUP, &gid)) {
        safe_user = g_strescape(user ? user : QEMU_USER, NULL);
        safe_group = g_strescape(group ? group : QEMU_GROUP, NULL);
        vc_host_warn(host, "no dac secmodel: cannot resolve QEMU user '%.32s' or group "
                     "'%.32s' in /etc/passwd, /etc/group", safe_user, safe_group);
        return NULL;
    }
    label = g_strdup_printf("+%u:+%u", uid, gid);
    sec = vc_secmodel_new("dac", "0");
    vc_secmodel_add_baselabel(sec, "kvm", label);
    vc_secmodel_add_baselabel(sec, "qemu", label);
    return sec;
}

/* SELinux is enabled (libselinux's is_selinux_enabled) when selinuxfs is
 * mounted and /etc/selinux/config exists; the base labels are the lines of
 * the policy's virtual_domain_context (kvm first, then TCG if present). */
static VcSecModel *
selinux_secmodel(const VcHost *host)
{
    g_autofree char *config = NULL, *type = NULL, *path = NULL, *ctx = NULL;
    g_auto(GStrv) lines = NULL;
    VcSecModel *sec;

    if (!vc_host_exists(host, "/sys/fs/selinux/enforce") ||
        !(config = vc_host_read(host, "/etc/selinux/config", VC_FILE_MAX_SMALL)))
        return NULL;
    lines = g_strsplit(config, "\n", -1);
    for (char **l = lines; *l; l++)
        if (g_str_has_prefix(g_strstrip(*l), "SELINUXTYPE=") && !type)
            type = g_strdup(*l + strlen("SELINUXTYPE="));
    path = g_strdup_printf("/etc/selinux/%s/contexts/virtual_domain_context",
                           type && *type ? type : "targeted");
    if (!(ctx = vc_host_read(host, path, VC_FILE_MAX_SMALL))) {
        vc_host_warn(host, "no selinux secmodel: cannot read %s", path);
        return NULL;
    }
    g_strfreev(lines);
    lines = g_strsplit(ctx, "\n", 3);
    sec = vc_secmodel_new("selinux", "0");
    vc_secmodel_add_baselabel(sec, "kvm", lines[0]);
    vc_secmodel_add_baselabel(sec, "qemu", lines[1] && *lines[1] ? lines[1] : lines[0]);
    return sec;
}

/* AppArmor (use_apparmor + the probe): the profiles list is readable and
 * shows a "libvirtd" profile (the daemon's own name; virtcaps and virsh are
 * never confined themselves), and libvirt's templates are installed. */
static VcSecModel *
apparmor_secmodel(const VcHost *host)
{
    static const char *const templates[] = {
        "/etc/apparmor.d/libvirt/TEMPLATE.qemu", "/etc/apparmor.d/libvirt/TEMPLATE.lxc",
    };
    g_autofree char *profiles =
        vc_host_read(host, "/sys/kernel/security/apparmor/profiles", 1024 * 1024);

    if (!profiles || !strstr(profiles, "libvirtd "))
        return NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(templates); i++)
        if (!vc_host_exists(host, templates[i]))
            return NULL;
    return vc_secmodel_new("apparmor", "0");
}

static VcSecModel *
none_secmodel(const VcHost *host)
{
    (void)host;
    return vc_secmodel_new("none", "0");
}

/* security_driver.c's list, in probe order; "none" always probes. */
static const struct {
    const char *name;
    LsmProbe probe;
} lsm_drivers[] = {
    { "selinux", selinux_secmodel },
    { "apparmor", apparmor_secmodel },
    { "none", none_secmodel },
};

static VcSecModel *
lsm_by_name(const VcHost *host, const char *name)
{
    g_autofree char *safe = g_strescape(name, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(lsm_drivers); i++) {
        VcSecModel *sec;
        if (strcmp(lsm_drivers[i].name, name) != 0)
            continue;
        if (!(sec = lsm_drivers[i].probe(host)))
            vc_host_warn(host, "ignoring security_driver '%.32s' in %s: not enabled",
                         safe, QEMU_CONF);
        return sec;
    }
    vc_host_warn(host, "ignoring security_driver '%.32s' in %s: unknown", safe, QEMU_CONF);
    return NULL;
}

static gboolean
is_named_before(GPtrArray *names, guint i)
{
    for (guint j = 0; j < i; j++)
        if (strcmp(g_ptr_array_index(names, j), g_ptr_array_index(names, i)) == 0)
            return TRUE;
    return FALSE;
}

/* qemuSecurityInit: the drivers named by security_driver, else the first
 * that probes enabled; then, privileged, DAC.  libvirt refuses to start
 * where we warn and leave a model out. */
static void
probe_secmodels(const VcHost *host, VcHostCaps *caps)
{
    g_autoptr(GHashTable) conf = read_qemu_conf(host);
    ConfValue *setting = conf ? g_hash_table_lookup(conf, "security_driver") : NULL;
    GPtrArray *names = setting ? setting->items : NULL;
    VcSecModel *sec = NULL;

    if (names && names->len) {
        for (guint i = 0; i < names->len; i++) {
            const char *name = g_ptr_array_index(names, i);
            /* libvirt refuses a driver named twice; name it once. */
            if (is_named_before(names, i)) {
                g_autofree char *safe = g_strescape(name, NULL);
                vc_host_warn(host, "ignoring duplicate security_driver '%.32s' in %s",
                             safe, QEMU_CONF);
                continue;
            }
            if ((sec = lsm_by_name(host, name)))
                g_ptr_array_add(caps->secmodels, sec);
        }
    } else {
        for (gsize i = 0; i < G_N_ELEMENTS(lsm_drivers) && !sec; i++)
            if ((sec = lsm_drivers[i].probe(host)))
                g_ptr_array_add(caps->secmodels, sec);
    }
    if ((sec = dac_secmodel(host, conf)))
        g_ptr_array_add(caps->secmodels, sec);
}

void
vc_probe_misc(const VcHost *host, VcHostCaps *caps)
{
    probe_uuid(host, caps);
    probe_power_management(host, caps);
    probe_iommu(host, caps);
    /* virCapabilitiesNew(arch, TRUE, TRUE) and virQEMUCapsInit: offline and
     * live migration over tcp and rdma, always. */
    caps->migration_offline = TRUE;
    caps->migration_live = TRUE;
    g_ptr_array_add(caps->uri_transports, g_strdup("tcp"));
    g_ptr_array_add(caps->uri_transports, g_strdup("rdma"));
    probe_secmodels(host, caps);
}
