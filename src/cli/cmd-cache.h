/*
 * cmd-cache.h - `virtcaps cache show|clear`: the QEMU facts cache.
 */
#ifndef VC_CLI_CMD_CACHE_H
#define VC_CLI_CMD_CACHE_H

/* virtcaps cache show [--cache-dir DIR]
 * virtcaps cache clear [--cache-dir DIR] */
int vc_cmd_cache(int argc, char **argv);

#endif /* VC_CLI_CMD_CACHE_H */
