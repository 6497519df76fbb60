/*
 * cmd-domcaps.h - virtcaps domcapabilities.
 */
#ifndef VC_CLI_CMD_DOMCAPS_H
#define VC_CLI_CMD_DOMCAPS_H

/* virtcaps domcapabilities [--emulatorbin PATH] [--arch ARCH] [--machine NAME]
 *     [--virttype kvm|qemu|hvf] [--replay FILE] [--host-facts FILE] [--format xml] */
int vc_cmd_domcapabilities(int argc, char **argv);

#endif /* VC_CLI_CMD_DOMCAPS_H */
