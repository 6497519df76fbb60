#!/bin/bash
# Golden test of <guest> entries from recorded transcripts:
#   run-guests-case.sh VIRTCAPS HOST_ARCH EXPECTED ARCH=FILE...
# Runs `virtcaps capabilities --replay ARCH=FILE...` on a host of HOST_ARCH
# (a tree whose /proc/sys/kernel/arch says so) and compares the <guest>
# entries, from the first <guest> to </capabilities>, with EXPECTED.  The
# whole document is validated against libvirt's capability.rng when
# ../shared/corpus is there.  VIRTCAPS_REGENERATE=1 rewrites EXPECTED.
set -euo pipefail

virtcaps=$1
host_arch=$2
expected=$3
shift 3
schema=${VIRTCAPS_CORPUS:-$(dirname "$0")/../../../shared/corpus}/schemas/capability.rng
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/root/proc/sys/kernel"
echo "$host_arch" >"$tmp/root/proc/sys/kernel/arch"
args=(capabilities --quiet --root "$tmp/root")
for spec in "$@"; do
    args+=(--replay "$spec")
done
"$virtcaps" "${args[@]}" >"$tmp/out.xml" 2>"$tmp/err.txt" || {
    echo "FAIL: virtcaps exited with $?: $(head -n 1 "$tmp/err.txt")" >&2
    exit 1
}
sed -n '/^  <guest>$/,$p' "$tmp/out.xml" >"$tmp/guests.xml"
if [ "${VIRTCAPS_REGENERATE:-0}" = 1 ]; then
    cp "$tmp/guests.xml" "$expected"
    echo "regenerated $expected"
elif ! diff -u "$expected" "$tmp/guests.xml"; then
    echo "FAIL: <guest> entries differ from $expected" >&2
    exit 1
fi
if [ -f "$schema" ] && command -v xmllint >/dev/null &&
        ! xmllint --noout --relaxng "$schema" "$tmp/out.xml" 2>"$tmp/rng.txt"; then
    # libvirt's schema rejects host CPU feature names with a dot (README).
    if grep -v "feature name='[^']*\.[^']*'" "$tmp/out.xml" >"$tmp/nodots.xml" &&
            ! xmllint --noout --relaxng "$schema" "$tmp/nodots.xml" 2>"$tmp/rng.txt"; then
        echo "FAIL: does not validate: $(head -n 1 "$tmp/rng.txt")" >&2
        exit 1
    fi
fi
echo "ok: $(grep -c '<guest>' "$tmp/guests.xml") guests"
