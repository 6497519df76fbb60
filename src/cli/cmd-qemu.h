/*
 * cmd-qemu.h - the virtcaps commands about QEMU binaries.
 */
#ifndef VC_CLI_CMD_QEMU_H
#define VC_CLI_CMD_QEMU_H

/* virtcaps qemu-probe [--emulator PATH] [--replay FILE] [--record FILE]
 *                     [--timeout SECONDS] [--accel LIST] [--format json]
 *                     [--no-cache] [--cache-dir DIR] */
int vc_cmd_qemu_probe(int argc, char **argv);

#endif /* VC_CLI_CMD_QEMU_H */
