/*
 * vc-module.c - load optional modules on first use (see vc-module.h).
 */
#include "util/vc-module.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <gmodule.h>

#include "config.h"
#include "virtcaps.h"

static GMutex modules_lock;
static GHashTable *modules;   /* name -> GModule, never unloaded */

/* Whether the code running now is in the build tree: an uninstalled
 * binary loads uninstalled modules, an installed one never does. */
static gboolean
running_from_build_tree(void)
{
    Dl_info info;
    g_autofree char *real = NULL;
    gsize n = strlen(VC_BUILD_ROOT);

    if (!dladdr((void *)vc_module_symbol, &info) || !info.dli_fname)
        return FALSE;
    real = realpath(info.dli_fname, NULL);
    return real && strncmp(real, VC_BUILD_ROOT, n) == 0 && real[n] == '/';
}

static char *
module_dir(void)
{
    const char *env = g_getenv("VIRTCAPS_MODULE_DIR");

    if (env && *env)
        return g_strdup(env);
    if (running_from_build_tree())
        return g_build_filename(VC_BUILD_ROOT, "src", "modules", NULL);
    return g_strdup(VC_MODULE_DIR);
}

static GModule *
open_module(const char *name, GError **error)
{
    g_autofree char *dir = module_dir();
    g_autofree char *file = g_strdup_printf("virtcaps-%s.so", name);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    GModule *m = g_module_open(path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);

    if (!m) {
        /* g_module_error() already names the file. */
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "cannot load module: %s",
                    g_module_error());
        return NULL;
    }
    g_module_make_resident(m);
    return m;
}

static gpointer
module_symbol_locked(const char *name, const char *symbol, GError **error)
{
    GModule *m;
    gpointer addr = NULL;

    if (!modules)
        modules = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (!(m = g_hash_table_lookup(modules, name))) {
        if (!(m = open_module(name, error)))
            return NULL;
        g_hash_table_insert(modules, g_strdup(name), m);
    }
    if (!g_module_symbol(m, symbol, &addr) || !addr) {
        g_set_error(error, VIRTCAPS_ERROR, VIRTCAPS_ERROR_IO, "module %s: %s",
                    g_module_name(m), g_module_error());
        return NULL;
    }
    return addr;
}

gpointer
vc_module_symbol(const char *name, const char *symbol, GError **error)
{
    gpointer addr;

    g_mutex_lock(&modules_lock);
    addr = module_symbol_locked(name, symbol, error);
    g_mutex_unlock(&modules_lock);
    return addr;
}
