#!/usr/bin/env bash
# Benchmark (not a test): what decoding the host CPU model costs a whole
# `virtcaps capabilities` process.  Runs it with the decoder switched off
# (VIRTCAPS_NO_CPU_MODEL=1: no CPUID walk, no data files, no model choice)
# and on, interleaved by hyperfine, and prints both and the difference of the
# means and medians.  Also counts the instructions of both with callgrind
# when valgrind is installed (not disturbed by the machine's load).
#
# usage: bench/bench-cpu-model.sh [--virtcaps PATH] [--runs N] [--root DIR]
#   --root DIR   decode the recorded dump DIR/.virtcaps/cpuid.json instead of
#                the CPUID instruction (default: the live CPU)
# The budget (issue 3): under 1 ms of whole-process time.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
virtcaps=${VIRTCAPS:-$here/../build/src/virtcaps}
runs=200
root=()
while (($#)); do
    case $1 in
        --virtcaps) virtcaps=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --root) root=(--root "$2"); shift 2 ;;
        *) echo "${0##*/}: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
command -v hyperfine >/dev/null || { echo "${0##*/}: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }

cmd="$virtcaps capabilities ${root[*]}"
json=$(mktemp)
trap 'rm -f "$json"' EXIT
hyperfine -N --warmup 20 --runs "$runs" --export-json "$json" \
    -n off "env VIRTCAPS_NO_CPU_MODEL=1 $cmd" -n on "env $cmd" >/dev/null
python3 - "$json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for n in ("off", "on"):
    x = r[n]
    print(f"decoder {n:3}: mean {x['mean']*1e3:.3f} ms  median {x['median']*1e3:.3f} ms  "
          f"min {x['min']*1e3:.3f} ms  sd {x['stddev']*1e3:.3f} ms")
d = lambda k: (r["on"][k] - r["off"][k]) * 1e3
print(f"cost of decoding: mean {d('mean'):+.3f} ms, median {d('median'):+.3f} ms, min {d('min'):+.3f} ms")
PY
# Instructions are independent of the machine's load (wall times are not).
if command -v valgrind >/dev/null; then
    for mode in off on; do
        env=(); [ $mode = off ] && env=(VIRTCAPS_NO_CPU_MODEL=1)
        n=$(env "${env[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null \
            $cmd 2>&1 >/dev/null | sed -n 's/.*Collected : //p')
        echo "decoder $mode: $n instructions (callgrind)"
    done
fi
