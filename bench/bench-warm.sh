#!/usr/bin/env bash
# Benchmark (not a test): warm (cached) whole-process runs, side by side in
# one hyperfine run:
#   virtcaps capabilities / domcapabilities      with a private, warm cache
#   virsh -c 'qemu:///embed?root=DIR' ...          DIR prepared (probed) once
#   virsh -c qemu:///system domcapabilities       the daemon's round trip
# and prints the ratios against issue 4's and 5's bars (capabilities at most
# a tenth of embed; domcapabilities under a tenth of embed and under a third
# of the daemon).  The daemon is libvirtd, started here (libvirtd -d) if none
# runs and stopped again by its pid; /dev/kvm must be 0660 root:kvm or
# libvirt re-probes on every run.
#
# usage: bench/bench-warm.sh [--virtcaps PATH] [--runs N] [--no-daemon]
set -euo pipefail

prog=${0##*/}
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
virtcaps=${VIRTCAPS:-$here/../build/src/virtcaps}
runs=50
with_daemon=1
while (($#)); do
    case $1 in
        --virtcaps) virtcaps=${2:?}; shift 2 ;;
        --runs) runs=${2:?}; shift 2 ;;
        --no-daemon) with_daemon=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[[ -x $virtcaps ]] || die "virtcaps binary '$virtcaps' not found; build it with 'ninja -C build'"
command -v hyperfine >/dev/null || die "hyperfine not found (apt-get install hyperfine)"
command -v virsh >/dev/null || die "virsh not found; run tests/interop/install-libvirt.sh"
if [[ -e /dev/kvm ]] && [[ $(stat -c '%a %G' /dev/kvm) != "660 kvm" ]]; then
    [[ $EUID == 0 ]] || die "/dev/kvm must be 0660 root:kvm (libvirt re-probes otherwise)"
    chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-warm.XXXXXX")
started_pid=
cleanup() {
    [[ -n $started_pid ]] && kill "$started_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

cache=$tmp/cache
embed="qemu:///embed?root=$tmp/embed"
# Warm everything once (a private cache: another build's entries would be
# another key, and each build would replace the other's).
"$virtcaps" capabilities --cache-dir "$cache" >"$tmp/caps.xml"
"$virtcaps" domcapabilities --cache-dir "$cache" >"$tmp/domcaps.xml"
virsh -q -c "$embed" capabilities >/dev/null
virsh -q -c "$embed" domcapabilities >/dev/null

args=(-N --warmup 3 --runs "$runs" --export-json "$tmp/h.json"
      -n "virtcaps capabilities" "$virtcaps capabilities --cache-dir $cache"
      -n "virtcaps domcapabilities" "$virtcaps domcapabilities --cache-dir $cache"
      -n "virsh embed capabilities" "virsh -q -c $embed capabilities"
      -n "virsh embed domcapabilities" "virsh -q -c $embed domcapabilities"
      -n "virtcaps version (process floor)" "$virtcaps version")
if ((with_daemon)); then
    if ! virsh -q -c qemu:///system version >/dev/null 2>&1; then
        [[ $EUID == 0 ]] || die "no libvirt daemon and not root to start one (or use --no-daemon)"
        command -v libvirtd >/dev/null || apt-get install -y -q libvirt-daemon-system >/dev/null
        libvirtd -d -p "$tmp/libvirtd.pid"
        for _ in $(seq 100); do [[ -s $tmp/libvirtd.pid ]] && break; sleep 0.1; done
        started_pid=$(cat "$tmp/libvirtd.pid")
    fi
    virsh -q -c qemu:///system domcapabilities >/dev/null   # the daemon probes once
    args+=(-n "virsh daemon domcapabilities" "virsh -q -c qemu:///system domcapabilities")
fi
hyperfine "${args[@]}" >&2
python3 - "$tmp/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
def ms(x): return x * 1000
print("| command | mean | σ | median | min | user+sys |")
print("|---|---:|---:|---:|---:|---:|")
for name, x in r.items():
    print(f"| {name} | {ms(x['mean']):.1f} ms | {ms(x['stddev']):.1f} ms | {ms(x['median']):.1f} ms"
          f" | {ms(x['min']):.1f} ms | {ms(x['user'] + x['system']):.1f} ms |")
print()
def ratio(a, b, bar):
    if a in r and b in r:
        q = r[a]["mean"] / r[b]["mean"]
        print(f"- {a} / {b}: {q:.3f} (bar {bar}: {'met' if q <= bar else 'NOT met'})")
ratio("virtcaps capabilities", "virsh embed capabilities", 0.1)
ratio("virtcaps domcapabilities", "virsh embed domcapabilities", 0.1)
ratio("virtcaps domcapabilities", "virsh daemon domcapabilities", 1 / 3)
PY
