#!/bin/bash
# swtpm_setup's answer in the facts cache (src/domcaps/hostfacts.c):
#   test-swtpm-cache.sh VIRTCAPS REPLIES
# A fake swtpm_setup (and swtpm) first in PATH counts its runs: the second
# run is a hit, a changed swtpm_setup or swtpm is a miss, a corrupt or
# unsafe cache file is a warning and a probe, --no-cache always probes; the
# answer (the TPM backend versions) is the fake's every time.
set -euo pipefail

virtcaps=$(realpath "$1")
replies=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
cache=$tmp/cache
runs=$tmp/runs
fail() { echo "FAIL: $*" >&2; exit 1; }

write_setup() {   # write_setup FEATURES-JSON
    cat >"$tmp/bin/swtpm_setup" <<SH
#!/bin/sh
echo run >>"$runs"
[ "\$1" = --print-capabilities ] || exit 1
echo '{ "type": "swtpm_setup", "features": [ $1 ], "version": "0.0.0" }'
SH
    chmod +x "$tmp/bin/swtpm_setup"
}
write_setup '"cmdarg-keyfile-fd", "tpm-2.0"'
printf '#!/bin/sh\nexit 0\n' >"$tmp/bin/swtpm"
chmod +x "$tmp/bin/swtpm"

# run NAME [ARGS...]: domcapabilities; output in $tmp/NAME.xml, stderr in $tmp/NAME.err
run() {
    local name=$1
    shift
    PATH="$tmp/bin:$PATH" "$virtcaps" domcapabilities --replay "$replies" --cache-dir "$cache" \
        "$@" >"$tmp/$name.xml" 2>"$tmp/$name.err" || fail "$name: virtcaps failed: $(cat "$tmp/$name.err")"
}
count() { if [[ -f $runs ]]; then wc -l <"$runs"; else echo 0; fi; }
expect_runs() { [[ $(count) == "$1" ]] || fail "$2: swtpm_setup ran $(count) times, expected $1"; }
versions() { sed -n "/<enum name='backendVersion'>/,/<\/enum>/p" "$tmp/$1.xml" | grep -o '<value>[^<]*' | sed 's/<value>//' | tr '\n' ' '; }
expect_versions() { [[ $(versions "$1") == "$2" ]] || fail "$1: TPM versions '$(versions "$1")', expected '$2'"; }
expect_quiet() { [[ ! -s $tmp/$1.err ]] || fail "$1: unexpected stderr: $(cat "$tmp/$1.err")"; }
expect_warning() { grep -q "warning: .*swtpm.blob.*$2" "$tmp/$1.err" || fail "$1: no warning '$2': $(cat "$tmp/$1.err")"; }

run cold
expect_runs 1 cold
expect_versions cold "2.0 "
[[ -f $cache/swtpm.blob ]] || fail "no cache file"
[[ $(stat -c %a "$cache/swtpm.blob") == 600 ]] || fail "cache file mode $(stat -c %a "$cache/swtpm.blob")"

run warm
expect_runs 1 "warm (hit)"
cmp -s "$tmp/cold.xml" "$tmp/warm.xml" || fail "warm answer differs from cold"
expect_quiet warm

# A new swtpm_setup (another answer): a miss, and the new answer.
write_setup '"tpm-1.2", "tpm-2.0"'
run changed
expect_runs 2 "changed swtpm_setup"
expect_versions changed "1.2 2.0 "
run changed-warm
expect_runs 2 "changed swtpm_setup, warm"
expect_versions changed-warm "1.2 2.0 "

# The same swtpm_setup, swtpm touched (mtime/ctime): a miss.
touch -d '2001-01-01' "$tmp/bin/swtpm"
run swtpm-changed
expect_runs 3 "changed swtpm"
expect_versions swtpm-changed "1.2 2.0 "

# A corrupt file: one warning, probed, rewritten.
printf 'X' | dd of="$cache/swtpm.blob" bs=1 seek=40 conv=notrunc status=none
run corrupt
expect_runs 4 "corrupt file"
expect_versions corrupt "1.2 2.0 "
expect_warning corrupt "corrupt"
run corrupt-rewritten
expect_runs 4 "after a corrupt file"
expect_quiet corrupt-rewritten

# Garbage and a truncated file: the same.
echo garbage >"$cache/swtpm.blob"
run garbage
expect_runs 5 "garbage file"
expect_warning garbage "not a virtcaps cache file"
truncate -s 30 "$cache/swtpm.blob"
run truncated
expect_runs 6 "truncated file"
expect_warning truncated "truncated"

# A symbolic link in its place: not followed, a warning and a probe.
cp "$cache/swtpm.blob" "$tmp/elsewhere"

rm -f "$cache/swtpm.blob"
ln -s "$tmp/elsewhere" "$cache/swtpm.blob"
run symlink
expect_runs 7 "symbolic link"
expect_warning symlink "symbolic link"
expect_versions symlink "1.2 2.0 "
rm -f "$cache/swtpm.blob"

# An unsafe directory: not used (a warning), probed each time.
run refill2
chmod 0777 "$cache"
run unsafe
expect_runs 9 "unsafe directory"
grep -q "writable by group or others" "$tmp/unsafe.err" || fail "unsafe: no warning"
chmod 0700 "$cache"

# --no-cache: always probes, writes nothing.
rm -f "$cache/swtpm.blob"
run nocache1 --no-cache
run nocache2 --no-cache
expect_runs 11 "--no-cache"
[[ ! -e $cache/swtpm.blob ]] || fail "--no-cache wrote the cache"
expect_versions nocache2 "1.2 2.0 "

# A failing swtpm_setup: no TPM versions, nothing cached, probed again.
printf '#!/bin/sh\necho run >>"%s"\nexit 1\n' "$runs" >"$tmp/bin/swtpm_setup"
run failing1
run failing2
expect_runs 13 "failing swtpm_setup"
expect_versions failing2 ""
[[ ! -e $cache/swtpm.blob ]] || fail "a failure was cached"

echo "ok"
