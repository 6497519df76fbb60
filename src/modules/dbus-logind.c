/*
 * dbus-logind.c - the "dbus" module: ask systemd-logind over the system
 * bus which suspend targets the host supports, as libvirt does.  A module
 * so that GIO is loaded only on hosts that have a system bus.
 */
#include <string.h>

#include <gio/gio.h>
#include <gmodule.h>

#include "modules/dbus-logind.h"

/* logind's method for each target, in VC_PM_* bit order. */
static const char *const logind_methods[] = { "CanSuspend", "CanHibernate", "CanHybridSleep" };

G_MODULE_EXPORT guint vc_dbus_module_logind_pm(int timeout_ms);

static gboolean
bus_lists(GDBusConnection *bus, const char *method, const char *name, int timeout_ms,
          gboolean *found)
{
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GVariantIter) iter = NULL;
    const char *s;

    reply = g_dbus_connection_call_sync(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus", method, NULL,
                                        G_VARIANT_TYPE("(as)"), G_DBUS_CALL_FLAGS_NONE,
                                        timeout_ms, NULL, NULL);
    if (!reply)
        return FALSE;
    *found = FALSE;
    g_variant_get(reply, "(as)", &iter);
    while (g_variant_iter_next(iter, "&s", &s))
        if (strcmp(s, name) == 0)
            *found = TRUE;
    return TRUE;
}

/* virSystemdHasLogind: activatable, and running or on a systemd host.
 * -1: bus error, 0: no logind, 1: logind. */
static int
logind_present(GDBusConnection *bus, int timeout_ms)
{
    gboolean found;

    if (!bus_lists(bus, "ListActivatableNames", "org.freedesktop.login1", timeout_ms, &found))
        return -1;
    if (!found)
        return 0;
    if (!bus_lists(bus, "ListNames", "org.freedesktop.login1", timeout_ms, &found))
        return -1;
    if (!found && !bus_lists(bus, "ListNames", "org.freedesktop.systemd1", timeout_ms, &found))
        return -1;
    return found ? 1 : 0;
}

/* virNodeSuspendGetTargetMask over systemd-logind: "yes" or "challenge"
 * means supported; any bus error loses the whole mask, as in libvirt. */
G_MODULE_EXPORT guint
vc_dbus_module_logind_pm(int timeout_ms)
{
    g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, NULL);
    guint mask = 0;

    if (!bus || logind_present(bus, timeout_ms) <= 0)
        return 0;
    for (gsize i = 0; i < G_N_ELEMENTS(logind_methods); i++) {
        g_autoptr(GVariant) reply = NULL;
        const char *answer;
        reply = g_dbus_connection_call_sync(bus, "org.freedesktop.login1",
                                            "/org/freedesktop/login1",
                                            "org.freedesktop.login1.Manager",
                                            logind_methods[i], NULL, G_VARIANT_TYPE("(s)"),
                                            G_DBUS_CALL_FLAGS_NONE, timeout_ms,
                                            NULL, NULL);
        if (!reply)
            return 0;
        g_variant_get(reply, "(&s)", &answer);
        if (strcmp(answer, "yes") == 0 || strcmp(answer, "challenge") == 0)
            mask |= 1u << i;
    }
    return mask;
}

