#!/usr/bin/env bash
# Benchmark (not a test): whole-process wall time and peak RSS of
#   virtcaps capabilities --no-guests   (the host part; guests: bench-guests.sh)
#   lscpu
#   virsh -c 'qemu:///embed?root=DIR' capabilities   (warm: caches already built)
# with hyperfine, plus /usr/bin/time -v for peak RSS and, optionally,
# valgrind --tool=callgrind instruction counts for virtcaps.
# Prints a markdown table with mean times and ratios.
#
# usage: bench/bench-capabilities.sh [options]
#   --virtcaps PATH   virtcaps binary (default: build/src/virtcaps, or $VIRTCAPS)
#   --runs N          hyperfine runs per command (default: 50)
#   --warmup N        hyperfine warm-up runs per command (default: 5)
#   --rss-runs N      /usr/bin/time runs per command; the median is shown (default: 5)
#   --root DIR        libvirt embedded root to reuse (default: a temporary one)
#   --callgrind       also count instructions with callgrind (installs valgrind)
#   --no-callgrind    skip callgrind even if valgrind is installed
#   --no-virsh        leave libvirt out
#
# Missing tools (hyperfine, time, valgrind) are installed with apt-get when
# running as root.  libvirt itself comes from tests/interop/install-libvirt.sh.
set -euo pipefail

prog=${0##*/}
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }
note() { printf '%s: %s\n' "$prog" "$*" >&2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)

virtcaps=${VIRTCAPS:-$top/build/src/virtcaps}
runs=50
warmup=5
rss_runs=5
root=
callgrind=auto
with_virsh=1

while (($#)); do
    case $1 in
        --virtcaps) virtcaps=${2:?--virtcaps needs a path}; shift 2 ;;
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --warmup) warmup=${2:?--warmup needs a number}; shift 2 ;;
        --rss-runs) rss_runs=${2:?--rss-runs needs a number}; shift 2 ;;
        --root) root=${2:?--root needs a directory}; shift 2 ;;
        --callgrind) callgrind=yes; shift ;;
        --no-callgrind) callgrind=no; shift ;;
        --no-virsh) with_virsh=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
for n in "$runs" "$warmup" "$rss_runs"; do
    [[ $n =~ ^[0-9]+$ ]] || die "'$n' is not a number"
done
((runs >= 2 && rss_runs >= 1)) || die "--runs must be at least 2 and --rss-runs at least 1"

[[ -x $virtcaps ]] || die "virtcaps binary '$virtcaps' not found; build it with 'ninja -C build'"
virtcaps=$(cd "$(dirname "$virtcaps")" && pwd)/$(basename "$virtcaps")
case $virtcaps in *[[:space:]]*) die "virtcaps path must not contain spaces: '$virtcaps'" ;; esac

# install_pkg PACKAGE: apt-get install it quietly (root only).
install_pkg() {
    [[ $EUID -eq 0 ]] || die "$1 is missing; install it (apt-get install $1) or run as root"
    command -v apt-get >/dev/null 2>&1 || die "$1 is missing and apt-get is not available"
    note "installing $1"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get -qq -y install "$1" >/dev/null 2>&1; then
        apt-get -qq update >/dev/null 2>&1 || die "apt-get update failed"
        apt-get -qq -y install "$1" >/dev/null 2>&1 || die "apt-get install $1 failed"
    fi
}

command -v hyperfine >/dev/null 2>&1 || install_pkg hyperfine
[[ -x /usr/bin/time ]] || install_pkg time
command -v lscpu >/dev/null 2>&1 || die "lscpu not found (package util-linux)"
if [[ $callgrind == yes ]] && ! command -v valgrind >/dev/null 2>&1; then
    install_pkg valgrind
fi
[[ $callgrind == auto ]] && { command -v valgrind >/dev/null 2>&1 && callgrind=yes || callgrind=no; }

python=
for p in /usr/bin/python3 "$(command -v python3 || true)"; do
    if [[ -n $p && -x $p ]]; then python=$p; break; fi
done
[[ -n $python ]] || die "python3 not found (apt-get install python3)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-caps.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

names=(virtcaps lscpu)
cmds=("$virtcaps capabilities --no-guests" "lscpu")

if ((with_virsh)); then
    command -v virsh >/dev/null 2>&1 ||
        die "virsh not found; run tests/interop/install-libvirt.sh (or pass --no-virsh)"
    [[ -n $root ]] || root=$tmp/libvirt-root
    mkdir -p "$root"
    root=$(cd "$root" && pwd)
    case $root in *[[:space:]]*) die "libvirt root must not contain spaces: '$root'" ;; esac
    uri="qemu:///embed?root=$root"
    # Warm libvirt's caches (QEMU capabilities, host CPU) before measuring.
    note "warming libvirt's caches in $root"
    virsh -q -c "$uri" capabilities >/dev/null 2>"$tmp/virsh.err" ||
        die "virsh capabilities failed: $(grep -m1 . "$tmp/virsh.err" || echo 'no message')"
    start=$(date +%s%N)
    virsh -q -c "$uri" capabilities >/dev/null 2>&1
    warm_ms=$((($(date +%s%N) - start) / 1000000))
    if ((warm_ms > 1000)); then
        note "warning: a warm virsh run took ${warm_ms} ms; libvirt is re-probing QEMU" \
             "(is /dev/kvm 0660 root:kvm? see tests/interop/install-libvirt.sh)"
    fi
    names+=(virsh)
    cmds+=("virsh -q -c $uri capabilities")
fi

# The command must work before it is timed.
"$virtcaps" capabilities --no-guests >/dev/null 2>"$tmp/virtcaps.err" ||
    die "virtcaps capabilities failed: $(grep -m1 . "$tmp/virtcaps.err" || echo 'no message')"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
hf_args=(-N --style basic --warmup "$warmup" --runs "$runs" --export-json "$tmp/hyperfine.json")
for i in "${!names[@]}"; do
    hf_args+=(-n "${names[$i]}" "${cmds[$i]}")
done
note "hyperfine: $runs runs after $warmup warm-ups per command"
hyperfine "${hf_args[@]}" >&2 || die "hyperfine failed"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Peak RSS: median of several /usr/bin/time -v runs.
for i in "${!names[@]}"; do
    : >"$tmp/rss.${names[$i]}"
    for ((r = 0; r < rss_runs; r++)); do
        # shellcheck disable=SC2086 # the command is a plain word list (no spaces in paths)
        /usr/bin/time -v -o "$tmp/time.out" ${cmds[$i]} >/dev/null 2>&1 ||
            die "'${cmds[$i]}' failed under /usr/bin/time"
        sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tmp/time.out" \
            >>"$tmp/rss.${names[$i]}"
    done
done

instr=
instr_lscpu=
if [[ $callgrind == yes ]]; then
    note "callgrind: counting instructions of one virtcaps and one lscpu run"
    if valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind.out" \
            "$virtcaps" capabilities --no-guests >/dev/null 2>"$tmp/callgrind.err"; then
        instr=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/callgrind.err" | tail -n 1)
        if command -v callgrind_annotate >/dev/null 2>&1; then
            callgrind_annotate --threshold=100 "$tmp/callgrind.out" 2>/dev/null |
                grep -E '^ *[0-9,]+ .*:' | head -n 8 >"$tmp/callgrind.top" || true
        fi
    else
        note "warning: valgrind failed: $(grep -m1 . "$tmp/callgrind.err" || echo 'no message')"
    fi
    if valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind-lscpu.out" \
            lscpu >/dev/null 2>"$tmp/callgrind-lscpu.err"; then
        instr_lscpu=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/callgrind-lscpu.err" | tail -n 1)
    fi
fi

# Where and what was measured.
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem_gib=$(awk '/^MemTotal:/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)
rev=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
printf '\n%s\n' "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
printf '%s\n' "machine: ${cpu_model:-unknown CPU}, $(nproc) CPUs, ${mem_gib} GiB RAM," \
    "  $(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release 2>/dev/null), kernel $(uname -r)"
printf '%s\n' "virtcaps: $rev; lscpu: $(lscpu --version 2>/dev/null | awk '{print $NF}')" \
    "libvirt: $( ((with_virsh)) && virsh --version 2>/dev/null || echo n/a); $(hyperfine --version)"
printf '%s\n' "runs: $runs (+$warmup warm-up) per command; peak RSS: median of $rss_runs" \
    "load average before/after hyperfine: $load_before / $load_after"

"$python" - "$tmp" "$instr" "$instr_lscpu" "${names[@]}" <<'EOF'
import json
import statistics
import sys

tmp, instr, instr_lscpu, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
results = {r["command"]: r for r in json.load(open(f"{tmp}/hyperfine.json"))["results"]}
rss = {}
for n in names:
    vals = [int(x) for x in open(f"{tmp}/rss.{n}").read().split()]
    rss[n] = statistics.median(vals) / 1024 if vals else float("nan")

base = results["virtcaps"]["mean"]
print()
print("| command | mean | σ | median | min | peak RSS | virtcaps ÷ this (mean) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for n in names:
    r = results[n]
    print(f"| `{n}` | {r['mean'] * 1e3:.2f} ms | {r['stddev'] * 1e3:.2f} ms | "
          f"{r['median'] * 1e3:.2f} ms | {r['min'] * 1e3:.2f} ms | {rss[n]:.1f} MiB | {base / r['mean']:.2f} |")
print()
for n in names[1:]:
    print(f"virtcaps / {n}: {base / results[n]['mean']:.2f} (mean time), "
          f"{results['virtcaps']['median'] / results[n]['median']:.2f} (median time), "
          f"{rss['virtcaps'] / rss[n]:.2f} (peak RSS)")
if instr:
    extra = ""
    if instr_lscpu:
        extra = f"; lscpu: {int(instr_lscpu):,} (ratio {int(instr) / int(instr_lscpu):.2f})"
    print(f"virtcaps instructions (callgrind Ir): {int(instr):,}{extra}")
    try:
        top = open(f"{tmp}/callgrind.top").read().rstrip()
    except OSError:
        top = ""
    if top:
        print("top functions by self cost (callgrind_annotate):")
        print(top)
EOF
