/* `virtcaps cpuid`: decode host CPUID data (src/cli/cmd-cpu.c). */
#ifndef VC_CLI_CMD_CPU_H
#define VC_CLI_CMD_CPU_H

int vc_cmd_cpuid(int argc, char **argv);

#endif
