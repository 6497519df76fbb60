#!/bin/bash
# Golden test for one host capabilities case:
#   run-hostcaps-case.sh VIRTCAPS CASEDIR
# CASEDIR holds root/ (a recorded or synthetic host tree), optionally
# facts.json (merged over the probe) and the expected outputs beside them:
#   expected.xml       virtcaps capabilities --root root [--facts facts.json]
#   expected.json      the same with --format json (when the file exists)
#   expected.stderr    the warnings printed (when the file exists)
# With VIRTCAPS_REGENERATE=1 the expected files are rewritten (review the
# diff before committing).  XML is validated against libvirt's schema when
# ../shared/corpus is there.  VIRTCAPS_WRAPPER (e.g. "valgrind -q
# --error-exitcode=1") runs virtcaps under a checker.
set -euo pipefail

read -r -a wrapper <<<"${VIRTCAPS_WRAPPER:-}"
virtcaps=$1
case_dir=$2
schema=${VIRTCAPS_CORPUS:-$(dirname "$0")/../../shared/corpus}/schemas/capability.rng
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

args=(capabilities --root "$case_dir/root")
[ -f "$case_dir/facts.json" ] && args+=(--facts "$case_dir/facts.json")

status=0
"${wrapper[@]}" "$virtcaps" "${args[@]}" >"$tmp/out.xml" 2>"$tmp/err.txt" || {
    echo "FAIL: virtcaps exited with $? on $case_dir" >&2
    cat "$tmp/err.txt" >&2
    exit 1
}

check() { # check ACTUAL EXPECTED
    if [ "${VIRTCAPS_REGENERATE:-0}" = 1 ]; then
        cp "$1" "$2"
        echo "regenerated $2"
    elif ! diff -u "$2" "$1"; then
        echo "FAIL: output differs from $2" >&2
        status=1
    fi
}

check "$tmp/out.xml" "$case_dir/expected.xml"
if [ -f "$case_dir/expected.stderr" ] || [ "${VIRTCAPS_REGENERATE:-0}" = 1 -a -s "$tmp/err.txt" ]; then
    check "$tmp/err.txt" "$case_dir/expected.stderr"
elif [ -s "$tmp/err.txt" ]; then
    echo "FAIL: unexpected warnings:" >&2
    cat "$tmp/err.txt" >&2
    status=1
fi
if [ -f "$case_dir/expected.json" ]; then
    "${wrapper[@]}" "$virtcaps" "${args[@]}" --format json >"$tmp/out.json" 2>/dev/null
    check "$tmp/out.json" "$case_dir/expected.json"
fi
if [ -f "$schema" ] && command -v xmllint >/dev/null; then
    # libvirt's own pattern rejects feature names with a dot (sse4.1); those
    # are checked by the comparison above, the rest by the schema.
    grep -v "<feature name='[^']*\.[^']*'/>" "$tmp/out.xml" >"$tmp/schema.xml"
    if ! xmllint --noout --relaxng "$schema" "$tmp/schema.xml" 2>"$tmp/rng.txt"; then
        echo "FAIL: output does not validate against $schema" >&2
        cat "$tmp/rng.txt" >&2
        status=1
    fi
fi
exit $status
