#!/bin/bash
# Golden test for one domain capabilities case on the project's own QEMU
# transcripts (tests/qemu/data/):
#   run-case.sh VIRTCAPS CASEDIR
# CASEDIR/case holds lines "KEY VALUE":
#   replay FILE    the transcript, a file of tests/qemu/data/
#   args ARGS...   the other `virtcaps domcapabilities` arguments
#   loader PATH    (repeatable) the firmware images that exist on the machine
#                  the facts describe, for this arch and machine
# The host facts are ../host-facts.json (the development machine's facts,
# firmware descriptors from firmware/ beside it) plus the case's loader
# values, so the output does not depend on the machine running the test.
# Expected outputs beside the case file: expected.xml, expected.json.
# VIRTCAPS_REGENERATE=1 rewrites them (review the diff before committing).
# XML is validated against libvirt's domaincaps.rng when ../shared/corpus is
# there.  That schema is libvirt 10.7's and rejects what later releases
# added to custom CPU models (<blockers>, 10.9; canonical, 10.10), which
# the default (newest) format prints: those are removed from the copy that
# is validated (schema_view); the byte comparison covers them.
# VIRTCAPS_WRAPPER (e.g. "valgrind -q --error-exitcode=1") runs
# virtcaps under a checker.
set -euo pipefail

read -r -a wrapper <<<"${VIRTCAPS_WRAPPER:-}"
virtcaps=$(realpath "$1")
case_dir=$(realpath "$2")
golden=$(cd "$(dirname "$0")" && pwd)
data=$golden/../../qemu/data
schema=${VIRTCAPS_CORPUS:-$golden/../../../../shared/corpus}/schemas/domaincaps.rng
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

replay= args=() loaders=()
while read -r key value; do
    case $key in
    replay) replay=$data/$value ;;
    args) read -r -a args <<<"$value" ;;
    loader) loaders+=("\"$value\"") ;;
    ''|'#'*) ;;
    *) echo "FAIL: $case_dir/case: unknown key '$key'" >&2; exit 1 ;;
    esac
done <"$case_dir/case"
[ -n "$replay" ] || { echo "FAIL: $case_dir/case: no replay line" >&2; exit 1; }

# host-facts.json with the case's loader values as its first member.
list=$(IFS=,; echo "${loaders[*]}")
sed "1s|^{|{\"loader_values\": [$list],|" "$golden/host-facts.json" >"$tmp/host-facts.json"

status=0
run() { # run FORMAT OUT: relative firmware_dirs resolve against golden/
    (cd "$golden" && "${wrapper[@]}" "$virtcaps" domcapabilities --replay "$replay" \
        --host-facts "$tmp/host-facts.json" --cache-dir "$tmp/cache" "${args[@]}" --format "$1") >"$2" 2>"$tmp/err.txt" || {
        echo "FAIL: virtcaps exited with $? on $case_dir ($1)" >&2
        cat "$tmp/err.txt" >&2
        exit 1
    }
    if [ -s "$tmp/err.txt" ]; then
        echo "FAIL: unexpected warnings ($1):" >&2
        cat "$tmp/err.txt" >&2
        status=1
    fi
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

# The document as the 10.7 schema knows it: without <blockers> elements
# and canonical attributes (see the header).
schema_view() {
    sed -e "/^ *<blockers model='[^']*'>$/,/^ *<\/blockers>$/d" \
        -e "s/ canonical='[^']*'//" "$1"
}

run xml "$tmp/out.xml"
run json "$tmp/out.json"
check "$tmp/out.xml" "$case_dir/expected.xml"
check "$tmp/out.json" "$case_dir/expected.json"
if [ -f "$schema" ] && command -v xmllint >/dev/null; then
    schema_view "$tmp/out.xml" >"$tmp/schema-view.xml"
    if ! xmllint --noout --relaxng "$schema" "$tmp/schema-view.xml" 2>"$tmp/rng.txt"; then
        echo "FAIL: output does not validate against $schema" >&2
        cat "$tmp/rng.txt" >&2
        status=1
    fi
else
    echo "schema check skipped (no $schema or xmllint)"
fi
exit $status
