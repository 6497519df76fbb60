#!/usr/bin/env bash
# Compare `virtcaps domcapabilities` with libvirt's own
# `virsh -c 'qemu:///embed?root=DIR' domcapabilities` on this machine, for
# kvm/q35, kvm/pc, qemu/q35 and qemu aarch64 virt (both probe the same
# qemu-system-* binaries and read the same firmware descriptors).  virtcaps
# prints the XML in the format of the installed libvirt (`virsh --version`,
# 9.0.0 on Debian 12: --libvirt-version), so the custom models' <blockers>
# (libvirt 10.9+) and canonical (10.10+) are left out as virsh does.
#
# usage: tests/interop/compare-domcaps.sh [options]
#   --virtcaps PATH   virtcaps binary (default: build/src/virtcaps, or $VIRTCAPS)
#   --known FILE      known differences (default: tests/interop/known-differences-domcaps.txt)
#   --root DIR        embedded libvirt root to use (kept; default: a temporary one)
#   --save DIR        keep both outputs of every case in DIR
#
# Prints `interop domcaps CASE: N identical, M differ` per case and every
# difference (element path, libvirt's value, ours), compared element by
# element by compare_domcaps.py.  Exit status: 0 when every difference is
# listed in the known-differences file, 1 otherwise, 2 on errors.
# Prerequisite: tests/interop/install-libvirt.sh.
set -euo pipefail

prog=${0##*/}
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

virtcaps=${VIRTCAPS:-$top/build/src/virtcaps}
known=$here/known-differences-domcaps.txt
root=
save=

while (($#)); do
    case $1 in
        --virtcaps) virtcaps=${2:?--virtcaps needs a path}; shift 2 ;;
        --known) known=${2:?--known needs a file}; shift 2 ;;
        --root) root=${2:?--root needs a directory}; shift 2 ;;
        --save) save=${2:?--save needs a directory}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

[[ -x $virtcaps ]] || die "virtcaps binary '$virtcaps' not found; build it with 'ninja -C build'"
[[ -r $known ]] || die "known-differences file '$known' not readable"
command -v virsh >/dev/null 2>&1 || die "virsh not found; run tests/interop/install-libvirt.sh"
command -v python3 >/dev/null 2>&1 || die "python3 not found; run tests/interop/install-libvirt.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/interop-domcaps.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root_kind=kept
[[ -n $root ]] || { root=$tmp/libvirt-root; root_kind=temporary; }
mkdir -p "$root"
[[ -z $save ]] || mkdir -p "$save" || die "cannot create '$save'"

# CASE and the domcapabilities arguments both tools take.
cases=(
    "kvm-q35|--virttype kvm --machine q35"
    "kvm-pc|--virttype kvm --machine pc"
    "qemu-q35|--virttype qemu --machine q35"
    "qemu-aarch64-virt|--emulatorbin /usr/bin/qemu-system-aarch64 --arch aarch64 --machine virt --virttype qemu"
)

libvirt_version=$(virsh --version 2>/dev/null) || die "virsh --version failed"
printf 'libvirt:  %s, %s embedded root %s\n' "$libvirt_version" "$root_kind" "$root"
printf 'virtcaps: %s\n' "$virtcaps"
rc=0
for entry in "${cases[@]}"; do
    name=${entry%%|*}
    read -r -a args <<<"${entry#*|}"
    lv=$tmp/$name.libvirt.xml vc=$tmp/$name.virtcaps.xml
    virsh -q -c "qemu:///embed?root=$root" domcapabilities "${args[@]}" >"$lv" 2>"$tmp/err" ||
        die "virsh domcapabilities ($name) failed: $(grep -m1 . "$tmp/err" || echo 'no message')"
    "$virtcaps" domcapabilities "${args[@]}" --libvirt-version "$libvirt_version" >"$vc" 2>"$tmp/err" ||
        die "virtcaps domcapabilities ($name) failed: $(grep -m1 . "$tmp/err" || echo 'no message')"
    [[ -s $tmp/err ]] && sed "s/^/  virtcaps stderr ($name): /" "$tmp/err"
    [[ -z $save ]] || cp "$lv" "$vc" "$save/"
    case_rc=0
    python3 "$here/compare_domcaps.py" "$name" "$lv" "$vc" "$known" || case_rc=$?
    ((case_rc > rc)) && rc=$case_rc
    echo
done
exit "$rc"
