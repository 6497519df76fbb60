#!/usr/bin/env bash
# Benchmark (not a test): whole `capabilities` with <guest> entries, cold.
#   virtcaps capabilities            every emulator probed (no cache exists)
#   virsh -c 'qemu:///embed?root=NEW' capabilities   a new, empty root each run
# Both see the same qemu-system-* binaries.  hyperfine, side by side in one
# run; prints a markdown table with means and the ratio.
#
# usage: bench/bench-guests.sh [--virtcaps PATH] [--runs N] [--no-virsh]
set -euo pipefail

prog=${0##*/}
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
virtcaps=${VIRTCAPS:-$here/../build/src/virtcaps}
runs=5
with_virsh=1
while (($#)); do
    case $1 in
        --virtcaps) virtcaps=${2:?}; shift 2 ;;
        --runs) runs=${2:?}; shift 2 ;;
        --no-virsh) with_virsh=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[[ -x $virtcaps ]] || die "virtcaps binary '$virtcaps' not found; build it with 'ninja -C build'"
command -v hyperfine >/dev/null || { [[ $EUID == 0 ]] && apt-get install -y -q hyperfine >/dev/null; } ||
    die "hyperfine not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-guests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$virtcaps" capabilities >"$tmp/virtcaps.xml" 2>"$tmp/virtcaps.err" ||
    die "virtcaps capabilities failed: $(grep -m1 . "$tmp/virtcaps.err" || echo 'no message')"
printf 'emulators: %s\n' "$(grep -o '<emulator>[^<]*' "$tmp/virtcaps.xml" | sort -u | sed 's/<emulator>//' | tr '\n' ' ')"
printf 'guests: %s\n' "$(grep -c '<guest>' "$tmp/virtcaps.xml")"

args=(--runs "$runs" --warmup 1 --export-json "$tmp/h.json"
      -n virtcaps "$virtcaps capabilities")
if ((with_virsh)); then
    command -v virsh >/dev/null || die "virsh not found; run tests/interop/install-libvirt.sh"
    args+=(--prepare "rm -rf $tmp/root; mkdir -p $tmp/root"
           -n "virsh (cold)" "virsh -q -c qemu:///embed?root=$tmp/root capabilities")
fi
hyperfine -N "${args[@]}" >&2 || hyperfine "${args[@]}" >&2
python3 - "$tmp/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["mean"]
print("| command | mean | σ | median | min | virtcaps ÷ this (mean) |")
print("|---|---:|---:|---:|---:|---:|")
for x in r:
    print(f"| `{x['command']}` | {x['mean']*1000:.0f} ms | {x['stddev']*1000:.0f} ms | "
          f"{x['median']*1000:.0f} ms | {x['min']*1000:.0f} ms | {base / x['mean']:.2f} |")
PY
