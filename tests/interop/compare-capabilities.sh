#!/usr/bin/env bash
# Compare the <host> section and the <guest> entries of `virtcaps capabilities`
# with libvirt's own `virsh -c 'qemu:///embed?root=DIR' capabilities` on this
# machine (both see the same qemu-system-* binaries).
#
# usage: tests/interop/compare-capabilities.sh [options]
#   --virtcaps PATH      virtcaps binary (default: build/src/virtcaps, or $VIRTCAPS)
#   --known FILE         known differences (default: tests/interop/known-differences.txt)
#   --libvirt-xml FILE   use this saved libvirt output instead of running virsh
#   --save FILE          where to save libvirt's full output
#                        (default: /tmp/interop-libvirt-caps.xml; '' to skip)
#   --root DIR           embedded libvirt root to use (kept; default: a temporary one)
#
# Prints `interop host: N elements identical, M differ`, then `interop guests:
# ...` for the <guest> entries (each keyed by its arch), and every difference
# (element path, libvirt's value, ours).  Exit status: 0 when every difference
# is listed in the known-differences file, 1 otherwise, 2 on errors.
# Prerequisite: tests/interop/install-libvirt.sh.
set -euo pipefail

prog=${0##*/}
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

virtcaps=${VIRTCAPS:-$top/build/src/virtcaps}
known=$here/known-differences.txt
libvirt_xml=
save=/tmp/interop-libvirt-caps.xml
root=

while (($#)); do
    case $1 in
        --virtcaps) virtcaps=${2:?--virtcaps needs a path}; shift 2 ;;
        --known) known=${2:?--known needs a file}; shift 2 ;;
        --libvirt-xml) libvirt_xml=${2:?--libvirt-xml needs a file}; shift 2 ;;
        --save) save=${2-}; shift 2 || die "--save needs a file" ;;
        --root) root=${2:?--root needs a directory}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

[[ -x $virtcaps ]] || die "virtcaps binary '$virtcaps' not found; build it with 'ninja -C build'"
[[ -r $known ]] || die "known-differences file '$known' not readable"

python=
for p in /usr/bin/python3 "$(command -v python3 || true)"; do
    if [[ -n $p && -x $p ]]; then python=$p; break; fi
done
[[ -n $python ]] || die "python3 not found; run tests/interop/install-libvirt.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/interop.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

given_xml=$libvirt_xml
if [[ -z $libvirt_xml ]]; then
    command -v virsh >/dev/null 2>&1 ||
        die "virsh not found; run tests/interop/install-libvirt.sh"
    root_kind=kept
    [[ -n $root ]] || { root=$tmp/libvirt-root; root_kind=temporary; }
    mkdir -p "$root"
    libvirt_xml=$tmp/libvirt.xml
    # Twice: the first run probes QEMU and fills the root's caches (seconds);
    # the second reads the host again and is immediately followed by virtcaps,
    # so values that drift (this VM's memory is hot-plugged) are read together.
    for _ in 1 2; do
        if ! virsh -q -c "qemu:///embed?root=$root" capabilities >"$libvirt_xml" 2>"$tmp/virsh.err"; then
            die "virsh capabilities failed: $(grep -m1 . "$tmp/virsh.err" || echo 'no message')"
        fi
    done
    if [[ -n $save ]]; then
        cp "$libvirt_xml" "$save" || die "cannot save libvirt's output to '$save'"
    fi
fi
[[ -s $libvirt_xml ]] || die "libvirt output '$libvirt_xml' is empty or missing"

if ! "$virtcaps" capabilities >"$tmp/virtcaps.xml" 2>"$tmp/virtcaps.err"; then
    die "virtcaps capabilities failed: $(grep -m1 . "$tmp/virtcaps.err" || echo 'no message')"
fi

if [[ -n $given_xml ]]; then
    printf 'libvirt:  saved output %s\n' "$given_xml"
else
    printf 'libvirt:  %s, %s embedded root %s, output saved to %s\n' \
        "$(virsh --version 2>/dev/null || echo '?')" "$root_kind" "$root" "${save:-nowhere}"
fi
printf 'virtcaps: %s\n' "$virtcaps"
if [[ -s $tmp/virtcaps.err ]]; then
    sed 's/^/  stderr: /' "$tmp/virtcaps.err"
fi
rc=0
"$python" "$here/compare_host.py" "$libvirt_xml" "$tmp/virtcaps.xml" "$known" || rc=$?
echo
guest_rc=0
"$python" "$here/compare_host.py" "$libvirt_xml" "$tmp/virtcaps.xml" "$known" --guests || guest_rc=$?
((guest_rc > rc)) && rc=$guest_rc
exit "$rc"
