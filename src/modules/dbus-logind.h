/*
 * dbus-logind.h - the "dbus" module's entry point (see util/vc-module.h).
 */
#ifndef VC_DBUS_LOGIND_H
#define VC_DBUS_LOGIND_H

#include <glib.h>

/* What systemd-logind says the host can do: bit i set when its method i
 * (CanSuspend, CanHibernate, CanHybridSleep: the VC_PM_* bit order)
 * answers "yes" or "challenge"; 0 on any bus error, as libvirt. */
typedef guint (*VcLogindPmFunc)(int timeout_ms);
#define VC_DBUS_MODULE "dbus"
#define VC_DBUS_MODULE_LOGIND_PM "vc_dbus_module_logind_pm"

#endif
