#!/bin/bash
# Write the synthetic host trees of the golden host capabilities cases:
#
#   make-synthetic-trees.sh [-o OUTDIR] [CASE...]
#
# Each CASE is written to OUTDIR/CASE/root (OUTDIR defaults to the directory
# of this script, tests/hostcaps), replacing that root/ and nothing else: the
# expected.* files beside it are written by the golden runner
# (VIRTCAPS_REGENERATE=1 meson test -C build --suite golden) and reviewed by
# hand.  Without CASE every committed case is written; the cases listed in
# PENDING_CASES (defects the probes do not handle yet) are written only when
# named, e.g. "make-synthetic-trees.sh -o /tmp/t bad-truncated-memtotal".
#
# The trees hold the files a Linux kernel exposes, in the kernel's formats
# (cpulists "0-3,8", masks "0000000f,000f000f" sized by nr_cpu_ids, per-node
# and global meminfo, /proc/cpuinfo blocks of online CPUs), and only those the
# probes read (with /etc/passwd and /etc/group holding Debian's QEMU user
# libvirt-qemu, as on a host with libvirt).  Each tree also has
# /.virtcaps/page_size_kib (4), the value `virtcaps record-host` stores for
# the system page size, so that the cases do not depend on the page size of
# the machine running the tests.
#
# The output is deterministic: same script, same bytes.
set -euo pipefail
export LC_ALL=C
umask 022

out=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = -o ]; then
    out=$2
    shift 2
fi

COMMITTED_CASES=(
    x86_64-2socket-4node-smt-hugepages
    x86_64-no-numa
    aarch64-clusters
    x86_64-offline-cpus
    bad-empty-core-id
    bad-garbage-node-cpulist
    bad-truncated-meminfo
    bad-huge-distance
    bad-reversed-range
    bad-absurd-cpu-number
    bad-negative-nr-hugepages
    bad-eisdir-distance
    bad-symlink-loop-node-online
    bad-nul-cpuinfo
    misc-apparmor
    misc-apparmor-unconfined
    misc-selinux
    misc-qemu-conf
    misc-qemu-conf-numeric
    misc-dmi-uuid
    misc-dmi-uuid-invalid
    misc-machine-id
    misc-power
    misc-power-recorded
    misc-iommu
    bad-garbage-qemu-conf
    bad-truncated-passwd
    bad-garbage-product-uuid
    bad-truncated-memtotal
    bad-symlink-loop-meminfo
    bad-negative-core-id
    bad-list-user-qemu-conf
    bad-duplicate-security-driver
    bad-partial-dmi-uuid
    bad-cut-passwd-uid
    aarch64-thunderx2
    aarch64-ampereone
    aarch64-old-kernel
    ppc64le-power9
    s390x-z13
    bad-aarch64-unknown-part
    bad-aarch64-unknown-implementer
    bad-aarch64-malformed-part
    bad-ppc64-unknown-pvr
    bad-ppc64-malformed-pvr
)
# Trees that show a probe bug; not committed as golden cases until the
# probe handles them.
# shellcheck disable=SC2034
PENDING_CASES=(
)

ROOT=
SYS=/sys/devices/system

# ---- writing files ---------------------------------------------------------

# w PATH TEXT: write TEXT and a newline to PATH under the tree.
w() {
    local p=$ROOT$1
    mkdir -p "$(dirname "$p")"
    printf '%s\n' "$2" >"$p"
}

# wraw PATH: write stdin, byte for byte, to PATH under the tree.
wraw() {
    local p=$ROOT$1
    mkdir -p "$(dirname "$p")"
    cat >"$p"
}

# fmt_list N...: the kernel's cpulist format ("0-3,8") of a set of numbers.
fmt_list() {
    local out="" first="" last="" n
    for n in $(printf '%s\n' "$@" | sort -n -u); do
        if [ -z "$first" ]; then
            first=$n last=$n
        elif [ "$n" -eq $((last + 1)) ]; then
            last=$n
        else
            out+=${out:+,}$first; [ "$last" != "$first" ] && out+=-$last
            first=$n last=$n
        fi
    done
    if [ -n "$first" ]; then
        out+=${out:+,}$first; [ "$last" != "$first" ] && out+=-$last
    fi
    printf '%s' "$out"
}

# fmt_mask NBITS N...: the kernel's "%*pb" mask of a set of numbers below
# NBITS: hex, 32-bit groups separated by commas, the first group as wide as
# the bits left for it need ("f" for 4 bits, "000f000f" for 32).
fmt_mask() {
    local nbits=$1; shift
    local nwords=$(( (nbits + 31) / 32 )) i m width out=""
    local -a words=()
    for ((i = 0; i < nwords; i++)); do words[i]=0; done
    for m in "$@"; do
        words[m / 32]=$(( words[m / 32] | (1 << (m % 32)) ))
    done
    for ((i = nwords - 1; i >= 0; i--)); do
        width=8
        if [ $i -eq $((nwords - 1)) ] && [ $((nbits % 32)) -ne 0 ]; then
            width=$(( (nbits % 32 + 3) / 4 ))
        fi
        out+=${out:+,}$(printf '%0*x' "$width" "${words[i]}")
    done
    printf '%s' "$out"
}

# ---- the machine being described --------------------------------------------
#
# A tree is described by these variables, then written by emit_tree:
#   NCPU              CPUs 0..NCPU-1 are present (and possible: nr_cpu_ids)
#   OFFLINE[c]=1      CPU c is offline (no topology, no cache, not in cpuinfo)
#   PKG CORE APIC     per CPU: physical_package_id, core_id, x86 APIC id
#   DIE CLU           per CPU: die_id, cluster_id; an empty value leaves the
#                     file out (aarch64 has no die_id)
#   CLUSTER_CPUS=1    also write cluster_cpus{,_list} (aarch64)
#   L1L2_ID[c]        id of the per-core caches of CPU c
#   CACHES            "level type size scope" per cache index; scope core,
#                     cluster or package says which CPUs share it and which
#                     id it takes (L1L2_ID, CLU or PKG)
#   NNODES            NUMA nodes 0..NNODES-1; 0: no /sys/devices/system/node
#   NODE[c]           node of CPU c
#   DIST[n]           node n's distance line
#   MEMTOTAL[n]       node n's MemTotal in kB (NNODES=0: the host's)
#   HPSIZES           huge page sizes in kB
#   HPNR[n:size] HPFREE[n:size]   per node huge pages (NNODES=0: n=host)
#   CPUINFO_KIND      intel-xeon, intel-core, amd-ryzen, arm-n1, power9 or s390x
#   ARM_IMPL ARM_VARIANT ARM_PART ARM_REV ARM_FEATURES
#                     the MIDR fields and hwcaps of an arm cpuinfo block
#   PVR               "XXXX XXXX", the PVR of a power9 cpuinfo block
#   ARCH              /proc/sys/kernel/arch

reset_machine() {
    ROOT=
    NCPU=0
    unset OFFLINE PKG CORE APIC DIE CLU L1L2_ID NODE DIST MEMTOTAL HPNR HPFREE
    declare -gA OFFLINE=() HPNR=() HPFREE=()
    declare -ga PKG=() CORE=() APIC=() DIE=() CLU=() L1L2_ID=() NODE=() DIST=() MEMTOTAL=()
    CACHES=()
    HPSIZES=()
    NNODES=0
    CLUSTER_CPUS=0
    CPUINFO_KIND=
    ARCH=x86_64
    DMI_UUID=
    TSC=
    ARM_IMPL=0x41 ARM_VARIANT=0x3 ARM_PART=0xd0c ARM_REV=1 ARM_FEATURES=$N1_FEATURES
    PVR="004e 1202"
}

online_cpus() {
    local c
    for ((c = 0; c < NCPU; c++)); do
        [ -z "${OFFLINE[$c]:-}" ] && printf '%s ' "$c"
    done
    return 0
}

# CPUs (online) that share the thing SCOPE of CPU c.
sharing_cpus() { # sharing_cpus SCOPE C
    local scope=$1 c=$2 o
    for o in $(online_cpus); do
        case $scope in
        thread)  [ "${PKG[o]}" = "${PKG[c]}" ] && [ "${CORE[o]}" = "${CORE[c]}" ] ;;
        core)    [ "${PKG[o]}" = "${PKG[c]}" ] && [ "${CORE[o]}" = "${CORE[c]}" ] ;;
        cluster) [ "${PKG[o]}" = "${PKG[c]}" ] && [ "${CLU[o]}" = "${CLU[c]}" ] ;;
        package) [ "${PKG[o]}" = "${PKG[c]}" ] ;;
        esac && printf '%s ' "$o"
    done
    return 0
}

emit_cpus() {
    local c cpu i level type size scope id sharers all
    all=$(seq 0 $((NCPU - 1)))
    # shellcheck disable=SC2086
    w $SYS/cpu/present "$(fmt_list $all)"
    # shellcheck disable=SC2046
    w $SYS/cpu/online "$(fmt_list $(online_cpus))"
    for ((c = 0; c < NCPU; c++)); do
        cpu=$SYS/cpu/cpu$c
        # The boot CPU cannot be offlined and has no online file.
        if [ "$c" -gt 0 ]; then
            if [ -n "${OFFLINE[$c]:-}" ]; then w "$cpu/online" 0; else w "$cpu/online" 1; fi
        fi
        [ -n "${OFFLINE[$c]:-}" ] && continue
        w "$cpu/topology/physical_package_id" "${PKG[c]}"
        [ -n "${DIE[c]}" ] && w "$cpu/topology/die_id" "${DIE[c]}"
        [ -n "${CLU[c]}" ] && w "$cpu/topology/cluster_id" "${CLU[c]}"
        w "$cpu/topology/core_id" "${CORE[c]}"
        sharers=$(sharing_cpus thread "$c")
        # shellcheck disable=SC2086
        w "$cpu/topology/thread_siblings" "$(fmt_mask "$NCPU" $sharers)"
        # shellcheck disable=SC2086
        w "$cpu/topology/thread_siblings_list" "$(fmt_list $sharers)"
        if [ "$CLUSTER_CPUS" = 1 ]; then
            sharers=$(sharing_cpus cluster "$c")
            # shellcheck disable=SC2086
            w "$cpu/topology/cluster_cpus" "$(fmt_mask "$NCPU" $sharers)"
            # shellcheck disable=SC2086
            w "$cpu/topology/cluster_cpus_list" "$(fmt_list $sharers)"
        fi
        for i in "${!CACHES[@]}"; do
            read -r level type size scope <<<"${CACHES[i]}"
            case $scope in
            core) id=${L1L2_ID[c]} ;;
            cluster) id=${CLU[c]} ;;
            package) id=${PKG[c]} ;;
            esac
            sharers=$(sharing_cpus "$scope" "$c")
            w "$cpu/cache/index$i/level" "$level"
            w "$cpu/cache/index$i/type" "$type"
            w "$cpu/cache/index$i/size" "$size"
            w "$cpu/cache/index$i/id" "$id"
            # shellcheck disable=SC2086
            w "$cpu/cache/index$i/shared_cpu_list" "$(fmt_list $sharers)"
        done
    done
    return 0
}

# The per-node meminfo, with the kernel's layout; values other than the
# totals are plausible fillers that no probe reads.
node_meminfo() { # node_meminfo NODE
    local n=$1 total=${MEMTOTAL[$1]} hp=${HPNR[$1:2048]:-0} hpfree=${HPFREE[$1:2048]:-0}
    local free=$(( total * 7 / 8 / 4 * 4 )) f
    local -a fields=(
        "MemTotal:" "$total"
        "MemFree:" "$free"
        "MemUsed:" $((total - free))
        "SwapCached:" 0
        "Active:" $((total / 64 / 4 * 4))
        "Inactive:" $((total / 32 / 4 * 4))
        "Active(anon):" 10240
        "Inactive(anon):" 52224
        "Active(file):" $((total / 64 / 4 * 4 - 10240))
        "Inactive(file):" $((total / 32 / 4 * 4 - 52224))
        "Unevictable:" 0
        "Mlocked:" 0
        "Dirty:" 48
        "Writeback:" 0
        "FilePages:" $((total / 20 / 4 * 4))
        "Mapped:" 38912
        "AnonPages:" 62464
        "Shmem:" 1024
        "KernelStack:" 6144
        "PageTables:" 2352
        "SecPageTables:" 0
        "NFS_Unstable:" 0
        "Bounce:" 0
        "WritebackTmp:" 0
        "KReclaimable:" 80124
        "Slab:" 151980
        "SReclaimable:" 80124
        "SUnreclaim:" 71856
        "AnonHugePages:" 0
        "ShmemHugePages:" 0
        "ShmemPmdMapped:" 0
        "FileHugePages:" 0
        "FilePmdMapped:" 0
    )
    for ((f = 0; f < ${#fields[@]}; f += 2)); do
        printf 'Node %d %-16s%8d kB\n' "$n" "${fields[f]}" "${fields[f + 1]}"
    done
    printf 'Node %d HugePages_Total: %5d\n' "$n" "$hp"
    printf 'Node %d HugePages_Free:  %5d\n' "$n" "$hpfree"
    printf 'Node %d HugePages_Surp:  %5d\n' "$n" 0
}

emit_nodes() {
    local n c size members node
    [ "$NNODES" -gt 0 ] || return 0
    # shellcheck disable=SC2046
    w $SYS/node/online "$(fmt_list $(seq 0 $((NNODES - 1))))"
    # shellcheck disable=SC2046
    w $SYS/node/possible "$(fmt_list $(seq 0 $((NNODES - 1))))"
    for ((n = 0; n < NNODES; n++)); do
        node=$SYS/node/node$n
        members=
        for c in $(online_cpus); do
            [ "${NODE[c]}" = "$n" ] && members+="$c "
        done
        # shellcheck disable=SC2086
        w "$node/cpulist" "$(fmt_list $members)"
        # shellcheck disable=SC2086
        w "$node/cpumap" "$(fmt_mask "$NCPU" $members)"
        w "$node/distance" "${DIST[n]}"
        node_meminfo "$n" | wraw "$node/meminfo"
        for size in "${HPSIZES[@]}"; do
            w "$node/hugepages/hugepages-${size}kB/nr_hugepages" "${HPNR[$n:$size]:-0}"
            w "$node/hugepages/hugepages-${size}kB/free_hugepages" "${HPFREE[$n:$size]:-0}"
        done
        # The node's cpuN links stay while a CPU is offline.
        for ((c = 0; c < NCPU; c++)); do
            [ "${NODE[c]}" = "$n" ] && ln -sfn "../../cpu/cpu$c" "$ROOT$node/cpu$c"
        done
    done
    return 0
}

# /sys/kernel/mm/hugepages and /proc/meminfo: host totals.
emit_host_memory() {
    local n size nr free total=0 hugetlb=0 hp2m=0 hp2mfree=0
    local -a keys
    if [ "$NNODES" -gt 0 ]; then
        mapfile -t keys < <(seq 0 $((NNODES - 1)))
    else
        keys=(host)
    fi
    for n in "${keys[@]}"; do
        total=$((total + ${MEMTOTAL[${n/host/0}]}))
    done
    for size in "${HPSIZES[@]}"; do
        nr=0 free=0
        for n in "${keys[@]}"; do
            nr=$((nr + ${HPNR[$n:$size]:-0}))
            free=$((free + ${HPFREE[$n:$size]:-0}))
        done
        w "/sys/kernel/mm/hugepages/hugepages-${size}kB/nr_hugepages" "$nr"
        w "/sys/kernel/mm/hugepages/hugepages-${size}kB/free_hugepages" "$free"
        hugetlb=$((hugetlb + nr * size))
        if [ "$size" = 2048 ]; then hp2m=$nr hp2mfree=$free; fi
    done
    host_meminfo "$total" "$hugetlb" "$hp2m" "$hp2mfree" | wraw /proc/meminfo
}

host_meminfo() { # host_meminfo TOTAL HUGETLB HP2M HP2MFREE
    local total=$1 hugetlb=$2 hp2m=$3 hp2mfree=$4
    local free_kb=$(( (total - hugetlb) * 7 / 8 / 4 * 4 )) f
    local -a fields=(
        "MemTotal:" "$total"
        "MemFree:" "$free_kb"
        "MemAvailable:" $((free_kb + 524288))
        "Buffers:" 81920
        "Cached:" 1048576
        "SwapCached:" 0
        "Active:" 524288
        "Inactive:" 1179648
        "Active(anon):" 2048
        "Inactive(anon):" 262144
        "Active(file):" 522240
        "Inactive(file):" 917504
        "Unevictable:" 0
        "Mlocked:" 0
        "SwapTotal:" 0
        "SwapFree:" 0
        "Zswap:" 0
        "Zswapped:" 0
        "Dirty:" 132
        "Writeback:" 0
        "AnonPages:" 262144
        "Mapped:" 131072
        "Shmem:" 4096
        "KReclaimable:" 163840
        "Slab:" 262144
        "SReclaimable:" 163840
        "SUnreclaim:" 98304
        "KernelStack:" 12288
        "PageTables:" 8192
        "SecPageTables:" 0
        "NFS_Unstable:" 0
        "Bounce:" 0
        "WritebackTmp:" 0
        "CommitLimit:" $(( (total - hugetlb) / 2 ))
        "Committed_AS:" 1048576
        "VmallocTotal:" 34359738367
        "VmallocUsed:" 65536
        "VmallocChunk:" 0
        "Percpu:" $((NCPU * 1024))
        "AnonHugePages:" 0
        "ShmemHugePages:" 0
        "ShmemPmdMapped:" 0
        "FileHugePages:" 0
        "FilePmdMapped:" 0
    )
    for ((f = 0; f < ${#fields[@]}; f += 2)); do
        printf '%-16s%8d kB\n' "${fields[f]}" "${fields[f + 1]}"
    done
    printf 'HugePages_Total:   %5d\n' "$hp2m"
    printf 'HugePages_Free:    %5d\n' "$hp2mfree"
    printf 'HugePages_Rsvd:    %5d\n' 0
    printf 'HugePages_Surp:    %5d\n' 0
    printf '%-16s%8d kB\n' "Hugepagesize:" 2048 "Hugetlb:" "$hugetlb" \
        "DirectMap4k:" 417792 "DirectMap2M:" 8968192 "DirectMap1G:" $(( (total / 1048576 + 1) * 1048576 ))
}

# ---- /proc/cpuinfo ---------------------------------------------------------

XEON_FLAGS="fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb cat_l3 cdp_l3 invpcid_single intel_ppin ssbd mba ibrs ibpb stibp ibrs_enhanced tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid cqm mpx rdt_a avx512f avx512dq rdseed adx smap clflushopt clwb intel_pt avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local dtherm ida arat pln pts pku ospke avx512_vnni md_clear flush_l1d arch_capabilities"
XEON_BUGS="spectre_v1 spectre_v2 spec_store_bypass swapgs taa itlb_multihit mmio_stale_data retbleed eibrs_pbrsb gds bhi"
CORE_FLAGS="fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb invpcid_single pti ssbd ibrs ibpb stibp tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid mpx rdseed adx smap clflushopt intel_pt xsaveopt xsavec xgetbv1 xsaves dtherm arat pln pts hwp hwp_notify hwp_act_window hwp_epp md_clear flush_l1d arch_capabilities"
CORE_BUGS="cpu_meltdown spectre_v1 spectre_v2 spec_store_bypass l1tf mds swapgs itlb_multihit srbds mmio_stale_data retbleed gds"
RYZEN_FLAGS="fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb hw_pstate ssbd ibpb vmmcall fsgsbase bmi1 avx2 smep bmi2 rdseed adx smap clflushopt sha_ni xsaveopt xsavec xgetbv1 xsaves clzero irperf xsaveerptr arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif overflow_recov succor smca"
RYZEN_BUGS="sysret_ss_attrs null_seg spectre_v1 spectre_v2 spec_store_bypass retbleed smt_rsb srso div0"
N1_FEATURES="fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs"

# Online CPUs of CPU c's package, and that package's cores.
package_threads() { sharing_cpus package "$1" | wc -w; }
package_cores() {
    local o
    for o in $(sharing_cpus package "$1"); do echo "${CORE[o]}"; done | sort -u | wc -l
}

cpuinfo_x86_block() { # cpuinfo_x86_block CPU
    local c=$1 vendor family model name stepping microcode mhz cache level flags bugs bogo addr pm
    case $CPUINFO_KIND in
    intel-xeon)
        vendor=GenuineIntel family=6 model=85 stepping=7 microcode=0x5003604
        name="Intel(R) Xeon(R) Gold 6234 CPU @ 3.30GHz" mhz=3300.000 cache="25344 KB"
        level=22 flags=$XEON_FLAGS bugs=$XEON_BUGS bogo=6600.00
        addr="46 bits physical, 48 bits virtual" pm="" ;;
    intel-core)
        vendor=GenuineIntel family=6 model=142 stepping=9 microcode=0xf4
        name="Intel(R) Core(TM) i3-7100U CPU @ 2.40GHz" mhz=2400.000 cache="3072 KB"
        level=22 flags=$CORE_FLAGS bugs=$CORE_BUGS bogo=4800.00
        addr="39 bits physical, 48 bits virtual" pm="" ;;
    amd-ryzen)
        vendor=AuthenticAMD family=23 model=24 stepping=1 microcode=0x8108109
        name="AMD Ryzen 3 3200U with Radeon Vega Mobile Gfx" mhz=2600.000 cache="512 KB"
        level=13 flags=$RYZEN_FLAGS bugs=$RYZEN_BUGS bogo=5190.11
        addr="43 bits physical, 48 bits virtual" pm="ts ttp tm hwpstate cpb eff_freq_ro [13] [14]" ;;
    esac
    printf 'processor\t: %d\n' "$c"
    printf 'vendor_id\t: %s\n' "$vendor"
    printf 'cpu family\t: %d\n' "$family"
    printf 'model\t\t: %d\n' "$model"
    printf 'model name\t: %s\n' "$name"
    printf 'stepping\t: %d\n' "$stepping"
    printf 'microcode\t: %s\n' "$microcode"
    printf 'cpu MHz\t\t: %s\n' "$mhz"
    printf 'cache size\t: %s\n' "$cache"
    printf 'physical id\t: %d\n' "${PKG[c]}"
    printf 'siblings\t: %d\n' "$(package_threads "$c")"
    printf 'core id\t\t: %d\n' "${CORE[c]}"
    printf 'cpu cores\t: %d\n' "$(package_cores "$c")"
    printf 'apicid\t\t: %d\n' "${APIC[c]}"
    printf 'initial apicid\t: %d\n' "${APIC[c]}"
    printf 'fpu\t\t: yes\n'
    printf 'fpu_exception\t: yes\n'
    printf 'cpuid level\t: %d\n' "$level"
    printf 'wp\t\t: yes\n'
    printf 'flags\t\t: %s\n' "$flags"
    printf 'bugs\t\t: %s\n' "$bugs"
    printf 'bogomips\t: %s\n' "$bogo"
    [ "$CPUINFO_KIND" = amd-ryzen ] && printf 'TLB size\t: 2560 4K pages\n'
    printf 'clflush size\t: 64\n'
    printf 'cache_alignment\t: 64\n'
    printf 'address sizes\t: %s\n' "$addr"
    printf 'power management: %s\n' "$pm"
    printf '\n'
}

cpuinfo_arm_block() { # cpuinfo_arm_block CPU
    printf 'processor\t: %d\n' "$1"
    printf 'BogoMIPS\t: 50.00\n'
    printf 'Features\t: %s\n' "$ARM_FEATURES"
    printf 'CPU implementer\t: %s\n' "$ARM_IMPL"
    printf 'CPU architecture: 8\n'
    printf 'CPU variant\t: %s\n' "$ARM_VARIANT"
    printf 'CPU part\t: %s\n' "$ARM_PART"
    printf 'CPU revision\t: %s\n' "$ARM_REV"
    printf '\n'
}

# Linux's powerpc show_cpuinfo: one block per CPU, then the machine.
cpuinfo_power9_block() { # cpuinfo_power9_block CPU
    printf 'processor\t: %d\n' "$1"
    printf 'cpu\t\t: POWER9 (raw), altivec supported\n'
    printf 'clock\t\t: 3800.000000MHz\n'
    printf 'revision\t: 2.2 (pvr %s)\n' "$PVR"
    printf '\n'
}

cpuinfo_power9_machine() {
    printf 'timebase\t: 512000000\n'
    printf 'platform\t: PowerNV\n'
    printf 'model\t\t: 9006-22P\n'
    printf 'machine\t\t: PowerNV 9006-22P\n'
    printf 'firmware\t: OPAL\n'
    printf 'MMU\t\t: Radix\n'
}

# Linux's s390 show_cpuinfo (a z13, as linux-s390x-with-frequency of
# libvirt's tests): the machine, one line per CPU, then one block per CPU.
cpuinfo_s390x() {
    local c
    printf 'vendor_id       : IBM/S390\n'
    printf '# processors    : %d\n' "$NCPU"
    printf 'bogomips per cpu: 20325.00\n'
    printf 'max thread id   : 0\n'
    printf 'features\t: esan3 zarch stfle msa ldisp eimm dfp edat etf3eh highgprs te vx sie\n'
    printf 'facilities      : 0 1 2 3 4 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 30 31 32 33 34 35 36 37 40 41 42 43 44 45 46 47 48 49 50 51 52 53 55 57 64 65 66 67 68 69 70 71 72 73 75 76 77 78 80 128 129 131 132 142 143\n'
    for c in $(online_cpus); do
        printf 'processor %d: version = 00,  identification = 145F07,  machine = 2964\n' "$c"
    done
    for c in $(online_cpus); do
        printf '\ncpu number      : %d\n' "$c"
        printf 'cpu MHz dynamic : 5000\n'
        printf 'cpu MHz static  : 5000\n'
    done
}

cpuinfo() {
    local c
    case $CPUINFO_KIND in
    s390x) cpuinfo_s390x; return 0 ;;
    esac
    for c in $(online_cpus); do
        case $CPUINFO_KIND in
        arm-*) cpuinfo_arm_block "$c" ;;
        power9) cpuinfo_power9_block "$c" ;;
        *) cpuinfo_x86_block "$c" ;;
        esac
    done
    [ "$CPUINFO_KIND" = power9 ] && cpuinfo_power9_machine
    return 0
}

emit_tree() { # emit_tree CASE
    ROOT=$out/$1/root
    rm -rf "$ROOT"
    mkdir -p "$ROOT"
    w /proc/sys/kernel/arch "$ARCH"
    cpuinfo | wraw /proc/cpuinfo
    emit_cpus
    emit_nodes
    emit_host_memory
    w /.virtcaps/page_size_kib 4
    # Debian's libvirt runs QEMU as libvirt-qemu:libvirt-qemu (the DAC model).
    printf '%s\n' 'root:x:0:0:root:/root:/bin/bash' \
        'libvirt-qemu:x:64055:108:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin' |
        wraw /etc/passwd
    printf '%s\n' 'root:x:0:' 'kvm:x:108:libvirt-qemu' 'libvirt-qemu:x:64055:libvirt-qemu' |
        wraw /etc/group
    [ -n "$TSC" ] && w /.virtcaps/tsc "$TSC"
    [ -n "$DMI_UUID" ] && w /sys/devices/virtual/dmi/id/product_uuid "$DMI_UUID"
    return 0
}

# ---- the machines ----------------------------------------------------------

# 2 sockets x 8 cores x 2 threads, sub-NUMA clustering: 2 nodes per socket.
# Linux numbers the first threads of every core 0-15 (socket 0: 0-7) and
# their siblings 16-31; core ids are not contiguous, as on real Xeons.
machine_xeon_2s4n() {
    reset_machine
    local c t k s j coreids=(0 1 2 3 8 9 10 11)
    NCPU=32 NNODES=4 CPUINFO_KIND=intel-xeon
    for ((c = 0; c < NCPU; c++)); do
        t=$((c / 16)) k=$((c % 16)) s=$((k / 8)) j=$((k % 8))
        PKG[c]=$s DIE[c]=0 CORE[c]=${coreids[j]}
        APIC[c]=$((s * 64 + coreids[j] * 2 + t))
        # x86 cluster_id is the L2 id: the APIC id without its thread bit.
        CLU[c]=$((APIC[c] >> 1)) L1L2_ID[c]=$((APIC[c] >> 1))
        NODE[c]=$((s * 2 + j / 4))
    done
    CACHES=("1 Data 32K core" "1 Instruction 32K core" "2 Unified 1024K core"
            "3 Unified 25344K package")
    DIST=("10 11 21 21" "11 10 21 21" "21 21 10 11" "21 21 11 10")
    MEMTOTAL=(15988624 16511388 16511392 16509212)
    HPSIZES=(2048 1048576)
    HPNR=([0:2048]=1024 [1:2048]=1024 [2:2048]=512 [3:2048]=512
          [0:1048576]=2 [1:1048576]=2 [2:1048576]=4 [3:1048576]=0)
    HPFREE=([0:2048]=1000 [1:2048]=1024 [2:2048]=512 [3:2048]=500
            [0:1048576]=1 [1:1048576]=2 [2:1048576]=4 [3:1048576]=0)
    TSC="3300000000 yes"
    DMI_UUID=4c4c4544-0042-3510-8052-b4c04f4e3232
}

# AMD Ryzen 3 3200U laptop with a kernel without NUMA: 2 cores x 2 threads,
# siblings 0,2 and 1,3.
machine_ryzen_no_numa() {
    reset_machine
    local c
    NCPU=4 NNODES=0 CPUINFO_KIND=amd-ryzen
    for ((c = 0; c < NCPU; c++)); do
        PKG[c]=0 DIE[c]=0 CORE[c]=$((c % 2)) APIC[c]=$(( (c % 2) * 2 + c / 2 ))
        # Kernels that do not know the L2 id of the CPU print 65535.
        CLU[c]=65535 L1L2_ID[c]=$((c % 2))
        NODE[c]=0
    done
    CACHES=("1 Data 32K core" "1 Instruction 64K core" "2 Unified 512K core"
            "3 Unified 4096K package")
    MEMTOTAL=(5963460)
    HPSIZES=(2048 1048576)
    HPNR=([host:2048]=0 [host:1048576]=0)
    HPFREE=([host:2048]=0 [host:1048576]=0)
}

# Neoverse N1 style: one package, one node, two clusters of four cores
# sharing an L3, no SMT; arm64 has cluster_id but no die_id.
machine_arm_clusters() {
    reset_machine
    local c
    NCPU=8 NNODES=1 CPUINFO_KIND=arm-n1 ARCH=aarch64 CLUSTER_CPUS=1
    for ((c = 0; c < NCPU; c++)); do
        PKG[c]=0 DIE[c]='' CLU[c]=$((c / 4)) CORE[c]=$c L1L2_ID[c]=$c NODE[c]=0
    done
    CACHES=("1 Data 64K core" "1 Instruction 64K core" "2 Unified 1024K core"
            "3 Unified 4096K cluster")
    DIST=("10")
    MEMTOTAL=(32567928)
    HPSIZES=(2048 1048576)
    HPNR=([0:2048]=512 [0:1048576]=4)
    HPFREE=([0:2048]=512 [0:1048576]=3)
}

# POWER9 (PowerNV, ppc64le): one chip of 4 SMT4 cores, all threads online;
# powerpc has neither die_id nor cluster_id, a core's id is its first
# thread's; 64 KiB base pages.  (libvirt's ppc64 subcore rule needs a KVM
# ioctl and does not apply to a tree.)
machine_power9() {
    reset_machine
    local c
    NCPU=16 NNODES=1 CPUINFO_KIND=power9 ARCH=ppc64le
    for ((c = 0; c < NCPU; c++)); do
        PKG[c]=0 DIE[c]='' CLU[c]='' CORE[c]=$((c - c % 4)) L1L2_ID[c]=$((c - c % 4)) NODE[c]=0
    done
    CACHES=("1 Data 32K core" "1 Instruction 32K core" "2 Unified 512K core"
            "3 Unified 10240K core")
    DIST=("10")
    MEMTOTAL=(66846720)
    HPSIZES=(2048 1048576)
    HPNR=([0:2048]=0 [0:1048576]=0)
    HPFREE=([0:2048]=0 [0:1048576]=0)
}

# s390x (z13 LPAR): 4 CPUs, each a core; no NUMA; 1 MiB huge pages.
machine_s390x() {
    reset_machine
    local c
    NCPU=4 NNODES=0 CPUINFO_KIND=s390x ARCH=s390x
    for ((c = 0; c < NCPU; c++)); do
        PKG[c]=0 DIE[c]='' CLU[c]='' CORE[c]=$c L1L2_ID[c]=$c NODE[c]=0
    done
    CACHES=("1 Data 128K core" "1 Instruction 96K core" "2 Data 2048K core"
            "2 Instruction 2048K core")
    MEMTOTAL=(8161364)
    HPSIZES=(1024)
    HPNR=([host:1024]=0)
    HPFREE=([host:1024]=0)
}

# A small one-node host: Core i3 with 2 cores x 2 threads (siblings 0,2 and
# 1,3), 2 MiB and 1 GiB huge pages.  The bad-* cases start from it.
machine_small() {
    reset_machine
    local c
    NCPU=4 NNODES=1 CPUINFO_KIND=intel-core
    for ((c = 0; c < NCPU; c++)); do
        PKG[c]=0 DIE[c]=0 CORE[c]=$((c % 2)) APIC[c]=$(( (c % 2) * 2 + c / 2 ))
        CLU[c]=$((APIC[c] >> 1)) L1L2_ID[c]=$((APIC[c] >> 1)) NODE[c]=0
    done
    CACHES=("1 Data 32K core" "1 Instruction 32K core" "2 Unified 256K core"
            "3 Unified 3072K package")
    DIST=("10")
    MEMTOTAL=(8029876)
    HPSIZES=(2048 1048576)
    HPNR=([0:2048]=256 [0:1048576]=1)
    HPFREE=([0:2048]=200 [0:1048576]=1)
}

# ---- the host-misc files ---------------------------------------------------
#
# Added on top of machine_small's tree by the misc-* cases (and their bad-*
# variants): the files of src/probe/host-misc.c, in the formats the kernel,
# the distributions and libvirt's packages give them.

# AppArmor with libvirt's profiles loaded: the kernel's profile list (one
# "NAME (MODE)" line per profile) shows libvirtd's profile and libvirt's
# domain templates are installed (AppArmorSecurityManagerProbe).
emit_apparmor() { # emit_apparmor WITH_LIBVIRTD(1/0)
    {
        printf '%s\n' 'virt-aa-helper (enforce)'
        [ "$1" = 1 ] && printf '%s\n' 'libvirtd (enforce)' 'libvirtd//qemu_bridge_helper (enforce)'
        printf '%s\n' '/usr/sbin/chronyd (enforce)' 'lsb_release (enforce)' \
            'nvidia_modprobe (enforce)' 'nvidia_modprobe//kmod (enforce)'
    } | wraw /sys/kernel/security/apparmor/profiles
    local t
    for t in qemu lxc; do
        printf '%s\n' '#' '# Template for the profile of one libvirt domain.' '#' '' \
            '#include <tunables/global>' '' \
            'profile LIBVIRT_TEMPLATE flags=(attach_disconnected) {' \
            "  #include <abstractions/libvirt-$t>" '}' |
            wraw "/etc/apparmor.d/libvirt/TEMPLATE.$t"
    done
}

# SELinux enabled (selinuxfs mounted, /etc/selinux/config present) with the
# targeted policy's virt contexts: svirt_t for KVM, svirt_tcg_t for TCG
# (virtual_image_context is not read by virtcaps, but libvirt's QEMU driver
# needs it to start with SELinux, so a real host has it).
emit_selinux() {
    local ctx=/etc/selinux/targeted/contexts
    printf '1' | wraw /sys/fs/selinux/enforce
    printf '%s\n' '# This file controls the state of SELinux on the system.' \
        'SELINUX=enforcing' 'SELINUXTYPE=targeted' | wraw /etc/selinux/config
    printf '%s\n' system_u:system_r:svirt_t:s0 system_u:system_r:svirt_tcg_t:s0 |
        wraw $ctx/virtual_domain_context
    printf '%s\n' system_u:object_r:svirt_image_t:s0 system_u:object_r:virt_content_t:s0 |
        wraw $ctx/virtual_image_context
}

# Fedora's QEMU user and group: qemu (107) in group kvm (36).
emit_fedora_users() {
    printf '%s\n' 'root:x:0:0:root:/root:/bin/bash' \
        'qemu:x:107:107:qemu user:/:/sbin/nologin' | wraw /etc/passwd
    printf '%s\n' 'root:x:0:' 'kvm:x:36:qemu' 'qemu:x:107:' | wraw /etc/group
}

# /sys/power as on a laptop with swap: s2idle, S3 and hibernation, and the
# kernel's hibernation modes (the current one in brackets).
emit_power() {
    w /sys/power/state "freeze mem disk"
    w /sys/power/disk "[platform] shutdown reboot suspend test_resume"
}

MACHINE_ID=5f1c0a3e9b7d4e2a8c6b1d0f3e2a9c47

# ---- the cases -------------------------------------------------------------

N0=$SYS/node/node0

make_case() { # make_case CASE
    case $1 in
    x86_64-2socket-4node-smt-hugepages)
        machine_xeon_2s4n; emit_tree "$1" ;;
    x86_64-no-numa)
        machine_ryzen_no_numa; emit_tree "$1" ;;
    aarch64-clusters)
        # Also the Neoverse-N1 (Ampere Altra) naming case.
        machine_arm_clusters; emit_tree "$1" ;;
    aarch64-thunderx2)
        # Cavium ThunderX2 CN99xx, cpuinfo as libvirt's
        # linux-aarch64-with-clusters: model 'ThunderX2 99xx', vendor Cavium.
        machine_arm_clusters
        ARM_IMPL=0x43 ARM_VARIANT=0x1 ARM_PART=0x0af
        ARM_FEATURES="fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics cpuid asimdrdm"
        emit_tree "$1" ;;
    aarch64-ampereone)
        # AmpereOne (implementer 0xc0, part 0xac3): HWCAP2 names (dcpodp,
        # sve2 ... bti) follow the 32 AT_HWCAP ones and are not listed.
        machine_arm_clusters
        ARM_IMPL=0xc0 ARM_VARIANT=0x0 ARM_PART=0xac3 ARM_REV=0
        ARM_FEATURES="fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma lrcpc dcpop sha3 sm3 sm4 asimddp sha512 asimdfhm dit uscat ilrcpc flagm ssbs sb paca pacg dcpodp flagm2 frint i8mm bf16 rng bti ecv"
        emit_tree "$1" ;;
    aarch64-old-kernel)
        # A kernel before 4.11 has no 'cpuid' hwcap: libvirt cannot read
        # MIDR and names nothing (a warning, like libvirt's error log).
        machine_arm_clusters
        ARM_PART=0xd07 ARM_VARIANT=0x1 ARM_FEATURES="fp asimd evtstrm aes pmull sha1 sha2 crc32"
        emit_tree "$1" ;;
    ppc64le-power9)
        machine_power9; emit_tree "$1"
        w /.virtcaps/page_size_kib 64 ;;
    s390x-z13)
        # libvirt's s390 CPU driver has no getHost: no model, no vendor.
        machine_s390x; emit_tree "$1" ;;
    bad-aarch64-unknown-part)
        # APM X-Gene (part 0x000, as linux-aarch64-rhel74-moonshot): no model.
        machine_arm_clusters
        ARM_IMPL=0x50 ARM_VARIANT=0x0 ARM_PART=0x000 ARM_FEATURES="fp asimd evtstrm cpuid"
        emit_tree "$1" ;;
    bad-aarch64-unknown-implementer)
        # libvirt sets the model from the part, then fails on the vendor:
        # the model stays, without vendor or features.
        machine_arm_clusters; ARM_IMPL=0x99; emit_tree "$1" ;;
    bad-aarch64-malformed-part)
        machine_arm_clusters; ARM_PART=0xzz; emit_tree "$1" ;;
    bad-ppc64-unknown-pvr)
        # A logical PVR (0x0f000005, POWER9 compat mode) is no processor.
        machine_power9; PVR="0f00 0005"; emit_tree "$1"
        w /.virtcaps/page_size_kib 64 ;;
    bad-ppc64-malformed-pvr)
        machine_power9; PVR="004e"; emit_tree "$1"
        w /.virtcaps/page_size_kib 64 ;;
    x86_64-offline-cpus)
        # CPU 3 (second thread of core 1) offline: the kernel drops its
        # topology and cache directories and takes it out of the online
        # list, the node's cpulist/cpumap and its sibling's masks.
        machine_small; OFFLINE[3]=1; emit_tree "$1" ;;
    bad-empty-core-id)
        machine_small; emit_tree "$1"
        : >"$ROOT$SYS/cpu/cpu1/topology/core_id" ;;
    bad-garbage-node-cpulist)
        machine_small; emit_tree "$1"
        printf 'abc\001\n' >"$ROOT$N0/cpulist" ;;
    bad-truncated-meminfo)
        # Cut in the middle of a line after MemTotal, without a newline.
        machine_small; emit_tree "$1"
        node_meminfo 0 | head -c 130 >"$ROOT$N0/meminfo" ;;
    bad-truncated-memtotal)
        # Cut inside MemTotal's number: "Node 0 MemTotal:        80".
        machine_small; emit_tree "$1"
        node_meminfo 0 | head -c 26 >"$ROOT$N0/meminfo" ;;
    bad-huge-distance)
        # 65537 bytes of digits: one byte over VC_FILE_MAX_SMALL.
        machine_small; emit_tree "$1"
        { printf '10'; head -c 65534 /dev/zero | tr '\0' '0'; printf '\n'; } >"$ROOT$N0/distance" ;;
    bad-reversed-range)
        machine_small; emit_tree "$1"
        w $SYS/cpu/online "3-1" ;;
    bad-absurd-cpu-number)
        machine_small; emit_tree "$1"
        w $SYS/cpu/present "0-3,99999999" ;;
    bad-negative-nr-hugepages)
        machine_small; emit_tree "$1"
        w "$N0/hugepages/hugepages-2048kB/nr_hugepages" "-1" ;;
    bad-negative-core-id)
        machine_small; emit_tree "$1"
        w $SYS/cpu/cpu1/topology/core_id "-1" ;;
    bad-eisdir-distance)
        # A directory where a file belongs (git keeps it by its .keep file).
        machine_small; emit_tree "$1"
        rm "$ROOT$N0/distance"
        mkdir "$ROOT$N0/distance"
        : >"$ROOT$N0/distance/.keep" ;;
    bad-symlink-loop-node-online)
        # Unreadable even for root (mode 000 is not): ELOOP.
        machine_small; emit_tree "$1"
        ln -sfn online "$ROOT$SYS/node/online" ;;
    bad-symlink-loop-meminfo)
        machine_small; emit_tree "$1"
        ln -sfn meminfo "$ROOT$N0/meminfo" ;;
    bad-nul-cpuinfo)
        # NUL bytes in the middle of the second processor block.
        machine_small; emit_tree "$1"
        f=$ROOT/proc/cpuinfo
        { head -c 1500 "$f"; printf '\0\0\0\0'; tail -c +1501 "$f"; } >"$f.new"
        mv "$f.new" "$f" ;;
    misc-apparmor)
        machine_small; emit_tree "$1"; emit_apparmor 1 ;;
    misc-apparmor-unconfined)
        # The profile list is there but libvirtd runs unconfined: no apparmor
        # model, the probe goes on to "none".
        machine_small; emit_tree "$1"; emit_apparmor 0 ;;
    misc-selinux)
        machine_small; emit_tree "$1"; emit_selinux ;;
    misc-qemu-conf)
        # Fedora-style users, named in qemu.conf; "none" chosen even though
        # AppArmor is active.  Numbers and lists are skipped by the reader.
        machine_small; emit_tree "$1"; emit_apparmor 1; emit_fedora_users
        printf '%s\n' '# Master configuration file for the QEMU driver.' '' \
            '#security_driver = "selinux"' 'security_driver = "none"' '' \
            'user = "qemu"' 'group = "kvm"' 'dynamic_ownership = 1' '' \
            'cgroup_controllers = [ "cpu", "devices", "memory", "blkio", "cpuset", "cpuacct" ]' \
            "vnc_listen = '0.0.0.0'" | wraw /etc/libvirt/qemu.conf ;;
    misc-qemu-conf-numeric)
        # "+N" ids are numbers even where no such user exists; the driver
        # list form of security_driver.
        machine_small; emit_tree "$1"
        printf '%s\n' 'security_driver = [ "none" ]' 'user = "+107"' 'group = "+36"' |
            wraw /etc/libvirt/qemu.conf ;;
    misc-dmi-uuid)
        # Upper case from the firmware is accepted; DMI wins over machine-id.
        machine_small; emit_tree "$1"
        w /sys/devices/virtual/dmi/id/product_uuid "8A1F6D2E-3B4C-4D5E-9F60-71A2B3C4D5E6"
        w /etc/machine-id "$MACHINE_ID" ;;
    misc-dmi-uuid-invalid)
        # Firmware that leaves the UUID unset: libvirt parses it, finds all
        # bytes equal and prints no <uuid> (it does not fall back to
        # machine-id or a random one).
        machine_small; emit_tree "$1"
        w /sys/devices/virtual/dmi/id/product_uuid "ffffffff-ffff-ffff-ffff-ffffffffffff"
        w /etc/machine-id "$MACHINE_ID" ;;
    misc-machine-id)
        # No DMI (a VM without SMBIOS, a container): /etc/machine-id, as
        # libvirtd with host_uuid_source = "machine-id".
        machine_small; emit_tree "$1"
        w /etc/machine-id "$MACHINE_ID" ;;
    misc-power)
        machine_small; emit_tree "$1"; emit_power ;;
    misc-power-recorded)
        # The recorded logind answer wins over /sys/power.
        machine_small; emit_tree "$1"; emit_power
        w /.virtcaps/power_management "suspend_mem" ;;
    misc-iommu)
        # One IOMMU group, as the kernel lays it out.
        machine_small; emit_tree "$1"
        w /sys/kernel/iommu_groups/0/type "DMA-FQ"
        w /sys/kernel/iommu_groups/0/reserved_regions "0x00000000fee00000 0x00000000feefffff msi"
        mkdir -p "$ROOT/sys/kernel/iommu_groups/0/devices"
        ln -sfn ../../../../devices/pci0000:00/0000:00:00.0 \
            "$ROOT/sys/kernel/iommu_groups/0/devices/0000:00:00.0" ;;
    bad-garbage-qemu-conf)
        # Not virConf syntax: the whole file is ignored (libvirt refuses to
        # start), so user = "root" before the garbage is not used either.
        machine_small; emit_tree "$1"
        printf '%s\n' 'user = "root"' '<<< merge conflict >>> !!' 'group = "root"' |
            wraw /etc/libvirt/qemu.conf ;;
    bad-truncated-passwd)
        # Cut inside libvirt-qemu's line (no uid): glibc skips the entry, so
        # the QEMU user cannot be resolved.
        machine_small; emit_tree "$1"
        printf '%s\n%s' 'root:x:0:0:root:/root:/bin/bash' 'libvirt-qemu:x' | wraw /etc/passwd ;;
    bad-garbage-product-uuid)
        # 36 bytes of text that is not a UUID: no DMI UUID; machine-id then.
        machine_small; emit_tree "$1"
        w /sys/devices/virtual/dmi/id/product_uuid "Not Settable, Not Settable, Not Set!"
        w /etc/machine-id "$MACHINE_ID" ;;
    bad-list-user-qemu-conf)
        # A list where libvirt wants a string: libvirt refuses the setting;
        # the default QEMU user stays, with a warning.
        machine_small; emit_tree "$1"
        printf '%s\n' 'user = [ "root" ]' | wraw /etc/libvirt/qemu.conf ;;
    bad-duplicate-security-driver)
        # libvirt refuses a driver named twice: one model and a warning.
        machine_small; emit_tree "$1"
        printf '%s\n' 'security_driver = [ "none", "none" ]' | wraw /etc/libvirt/qemu.conf ;;
    bad-partial-dmi-uuid)
        # A UUID broken in its last byte: libvirt keeps the bytes it parsed
        # (and the high nibble of the broken one).
        machine_small; emit_tree "$1"
        w /sys/devices/virtual/dmi/id/product_uuid "8a1f6d2e-3b4c-4d5e-9f60-71a2b3c4d5eZ"
        w /etc/machine-id "$MACHINE_ID" ;;
    bad-cut-passwd-uid)
        # Cut inside the uid: glibc needs the gid field, so the entry is
        # skipped and the QEMU user is unknown (no dac, a warning).
        machine_small; emit_tree "$1"
        printf '%s\n%s' 'root:x:0:0:root:/root:/bin/bash' 'libvirt-qemu:x:640' | wraw /etc/passwd ;;
    *)
        echo "make-synthetic-trees.sh: unknown case '$1'" >&2
        return 1 ;;
    esac
}

if [ $# -eq 0 ]; then
    set -- "${COMMITTED_CASES[@]}"
fi
for c in "$@"; do
    make_case "$c"
done
