/*
 * The host files the host-probe harness writes, in the order of the input's
 * pieces (separated by VC_FUZZ_SEPARATOR).  Shared with the seed maker,
 * which packs fixture trees in the same order.
 */
#ifndef VC_FUZZ_HOST_PROBE_FILES_H
#define VC_FUZZ_HOST_PROBE_FILES_H

/* ASCII record separator: rare in host files, one byte for the mutator. */
#define VC_FUZZ_SEPARATOR '\x1e'

static const char *const vc_fuzz_host_files[] = {
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/proc/sys/kernel/arch",
    "/sys/devices/system/cpu/online",
    "/sys/devices/system/cpu/present",
    "/sys/devices/system/cpu/cpu0/topology/physical_package_id",
    "/sys/devices/system/cpu/cpu0/topology/die_id",
    "/sys/devices/system/cpu/cpu0/topology/cluster_id",
    "/sys/devices/system/cpu/cpu0/topology/core_id",
    "/sys/devices/system/cpu/cpu0/topology/thread_siblings_list",
    "/sys/devices/system/cpu/cpu1/topology/core_id",
    "/sys/devices/system/cpu/cpu1/topology/thread_siblings",
    "/sys/devices/system/cpu/cpu0/cache/index3/level",
    "/sys/devices/system/cpu/cpu0/cache/index3/id",
    "/sys/devices/system/cpu/cpu0/cache/index3/size",
    "/sys/devices/system/cpu/cpu0/cache/index3/type",
    "/sys/devices/system/cpu/cpu0/cache/index3/shared_cpu_list",
    "/sys/devices/system/node/online",
    "/sys/devices/system/node/node0/cpulist",
    "/sys/devices/system/node/node0/cpumap",
    "/sys/devices/system/node/node0/meminfo",
    "/sys/devices/system/node/node0/distance",
    "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages",
    "/sys/devices/system/node/node1/cpulist",
    "/sys/devices/system/node/node1/meminfo",
    "/sys/devices/system/node/node1/distance",
    "/sys/devices/system/node/node0/access0/initiators/read_latency",
    "/sys/devices/system/node/node0/memory_side_cache/index1/size",
    "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
    "/sys/fs/resctrl/info/L3/cbm_mask",
    "/sys/fs/resctrl/info/L3/min_cbm_bits",
    "/sys/fs/resctrl/info/L3/num_closids",
    "/sys/fs/resctrl/info/MB/bandwidth_gran",
    "/sys/fs/resctrl/info/MB/min_bandwidth",
    "/sys/fs/resctrl/info/MB/num_closids",
    "/sys/fs/resctrl/info/L3_MON/num_rmids",
    "/sys/fs/resctrl/info/L3_MON/mon_features",
    "/sys/class/dmi/id/product_uuid",
    "/sys/power/state",
    "/sys/power/disk",
    "/etc/libvirt/qemu.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/selinux/config",
    "/.virtcaps/tsc",
    "/.virtcaps/page_size_kib",
    "/.virtcaps/power_management",
};

#endif
