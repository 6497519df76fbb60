/*
 * vc-module.h - optional parts of virtcaps that live in loadable modules.
 *
 * Reading XML (libxml2, which pulls in ICU and libstdc++) and talking to
 * D-Bus (GIO) cost about 3 ms at every process start when linked in, more
 * than a whole warm `virtcaps domcapabilities` should take, and almost no
 * run needs them.  So they are small modules, loaded on first use.
 */
#ifndef VC_MODULE_H
#define VC_MODULE_H

#include <glib.h>

/* The address of symbol in module name ("xml", "dbus": the file is
 * virtcaps-NAME.so), loading the module on first use; NULL and *error
 * (one line naming the file) when it cannot be loaded.  Thread-safe.
 *
 * Where modules are looked for: $VIRTCAPS_MODULE_DIR when set; else the
 * build tree's when the running code is itself in the build tree (tests,
 * tools/dev); else the installed module directory. */
gpointer vc_module_symbol(const char *name, const char *symbol, GError **error);

#endif
