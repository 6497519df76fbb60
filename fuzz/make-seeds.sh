#!/bin/bash
# fuzz/make-seeds.sh BUILD OUT: seed corpora for every harness, from the
# project's fixtures and ../shared/corpus (when present), into OUT/TARGET/.
# Seeds are named by content hash, so the same input is kept once.
set -euo pipefail
build=$(realpath "$1")
out=$2
src=$(cd "$(dirname "$0")/.." && pwd)
corpus=$src/../shared/corpus/tests
seeds=$build/fuzz/make-seeds
virtcaps=$build/src/virtcaps
# Seed tools run instrumented; their leaks are not what is being fuzzed.
export ASAN_OPTIONS=detect_leaks=0

add() { # add TARGET FILE: copy FILE into OUT/TARGET under its hash
    [ -s "$2" ] || return 0
    mkdir -p "$out/$1"
    cp "$2" "$out/$1/$(sha1sum <"$2" | cut -c1-16)"
}

add_found() { # add_found TARGET MAXBYTES DIR... -- find(1) name tests
    local target=$1 max=$2 dirs=()
    shift 2
    while [ "$1" != -- ]; do [ -d "$1" ] && dirs+=("$1"); shift; done
    shift
    [ ${#dirs[@]} -gt 0 ] || return 0
    find "${dirs[@]}" -type f -size -"$max"c \( "$@" \) -print0 |
        while IFS= read -r -d '' f; do add "$target" "$f"; done
}

trees=("$src"/tests/hostcaps/*/root "$corpus/vircaps2xmldata" "$corpus/virresctrldata")

sysfs_seeds() {
    add_found bitmap-list 4096 "${trees[@]}" -- -name online -o -name present \
        -o -name possible -o -name cpulist -o -name '*_list'
    add_found bitmap-mask 4096 "${trees[@]}" -- -name cpumap -o -name thread_siblings \
        -o -name core_siblings -o -name shared_cpu_map -o -name cbm_mask
    add_found sysfs-number 64 "${trees[@]}" -- -name '*_id' -o -name '*hugepages' \
        -o -name level -o -name size -o -name 'num_*' -o -name 'min_*' -o -name '*_gran'
}

host_probe_seeds() {
    local tmp=$out/.tmp i=0
    mkdir -p "$tmp" "$out/host-probe"
    for root in "$src"/tests/hostcaps/*/root; do
        "$seeds" host-probe "$root" "$tmp/packed" && add host-probe "$tmp/packed"
    done
    # libvirt's recorded trees hold only /sys/devices/system.
    for tree in "$corpus"/vircaps2xmldata/linux-*/system; do
        [ -d "$tree" ] || continue
        rm -rf "$tmp/root" && mkdir -p "$tmp/root/sys/devices"
        ln -s "$tree" "$tmp/root/sys/devices/system"
        "$seeds" host-probe "$tmp/root" "$tmp/packed" && add host-probe "$tmp/packed"
    done
    rm -rf "$tmp"
}

json_seeds() {
    local tmp=$out/.tmp
    mkdir -p "$tmp"
    for case in "$src"/tests/hostcaps/*/; do
        "$virtcaps" capabilities --quiet --root "$case/root" --format json \
            >"$tmp/caps.json" 2>/dev/null || true
        add caps-json "$tmp/caps.json"
        add facts "$tmp/caps.json"
        for f in "$case"/expected.json "$case"/facts.json; do
            [ -f "$f" ] && add caps-json "$f" && add facts "$f"
        done
    done
    rm -rf "$tmp"
}

qemu_seeds() {
    local tmp=$out/.tmp
    mkdir -p "$tmp"
    for f in "$corpus"/qemucapabilitiesdata/*.replies "$src"/tests/qemu/data/*.replies; do
        [ -f "$f" ] || continue
        "$seeds" replies "$f" "$tmp/replies" "$tmp/stream" || continue
        add replies "$tmp/replies"
        add qmp-stream "$tmp/stream"
        "$seeds" cache-entry "$tmp/replies" "$tmp/entry" || continue
        for m in 0 1 2 3; do add cache-entry "$tmp/entry.$m"; done
    done
    rm -rf "$tmp"
}

# Descriptors one by one, and pairs (a piece each: the second overrides).
firmware_seeds() {
    local tmp=$out/.tmp prev=
    mkdir -p "$tmp"
    add_found firmware 65536 "$corpus/qemufirmwaredata" -- -name '*.json'
    for f in "$corpus"/qemufirmwaredata/*/qemu/firmware/*.json \
             "$corpus"/qemufirmwaredata/*/*/qemu/firmware/*.json; do
        [ -f "$f" ] || continue
        [ -n "$prev" ] && { cat "$prev"; printf '\036'; cat "$f"; } >"$tmp/pair" &&
            add firmware "$tmp/pair"
        prev=$f
    done
    rm -rf "$tmp"
}

# The facts the domcaps conformance runner writes (libvirt's harness).
host_facts_seeds() {
    local tmp=$out/.tmp arch cpu
    mkdir -p "$tmp"
    for arch in x86_64 aarch64 ppc64 s390x; do
        case $arch in x86_64) cpu='{"model": "Broadwell"}' ;; ppc64) cpu='{"model": "POWER8"}' ;;
                      *) cpu=null ;; esac
        cat >"$tmp/facts.json" <<JSON
{"arch": "$arch", "kvm_max_vcpus": 2147483647, "phys_addr_bits": 64, "hvf": false,
 "host_cpu": $cpu, "secure_guest": true, "firmware_dirs": [],
 "loader_values": ["/obviously/fake/firmware1.fd", "/obviously/fake/firmware2.fd"],
 "swtpm": true, "tpm_versions": ["1.2", "2.0"], "pci_backends": ["default", "vfio"],
 "sev_max_guests": 59, "sev_max_es_guests": 450}
JSON
        add host-facts "$tmp/facts.json"
    done
    rm -rf "$tmp"
}

cpuinfo_seeds() {
    add_found cpuinfo 65536 "$src"/tests/hostcaps/*/root/proc "$corpus/virhostcpudata" \
        -- -name cpuinfo -o -name '*.cpuinfo'
}

cpuid_seeds() {
    local tmp=$out/.tmp
    mkdir -p "$tmp"
    for f in "$corpus"/cputestdata/x86_64-cpuid-*.xml; do
        grep -q '<cpudata' "$f" 2>/dev/null || continue
        add cpuid-xml "$f"
        "$seeds" cpuid-json "$f" "$tmp/dump.json" 2>/dev/null && add cpuid-json "$tmp/dump.json"
    done
    rm -rf "$tmp"
}

sysfs_seeds
host_probe_seeds
json_seeds
# The QEMU and CPUID modes exist when the library has those parsers.
usage=$("$seeds" 2>&1 || true)
case $usage in *replies*) qemu_seeds; firmware_seeds; host_facts_seeds ;; esac
case $usage in *cpuid-json*) cpuid_seeds; cpuinfo_seeds ;; esac
