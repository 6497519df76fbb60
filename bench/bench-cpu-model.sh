#!/usr/bin/env bash
# Benchmark (not a test): what decoding the host CPU model costs a whole
# `virtcaps capabilities` process.  Runs it with the decoder switched off
# (VIRTCAPS_NO_CPU_MODEL=1: no CPUID walk, no data files, no model choice)
# and on, strictly alternating (off, on, on, off, ...) so that changes in
# the machine's load hit both alike, and prints wall and CPU time (user+sys,
# from wait4) of both and the median and low percentile of the per-pair
# differences.  Also counts the instructions of both with callgrind when
# valgrind is installed (not disturbed by the machine's load at all).
#
# usage: bench/bench-cpu-model.sh [--virtcaps PATH] [--runs N] [--root DIR] [-- ARGS...]
#   --root DIR   decode the recorded dump DIR/.virtcaps/cpuid.json instead of
#                the CPUID instruction (default: the live CPU)
#   -- ARGS      more arguments for `virtcaps capabilities` (e.g. --no-guests,
#                so that a live run does not probe the emulators)
# The budget (issue 3): under 1 ms of whole-process time.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
virtcaps=${VIRTCAPS:-$here/../build/src/virtcaps}
runs=300
args=()
while (($#)); do
    case $1 in
        --virtcaps) virtcaps=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --root) args+=(--root "$2"); shift 2 ;;
        --) shift; args+=("$@"); break ;;
        *) echo "${0##*/}: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

python3 - "$runs" "$virtcaps" capabilities "${args[@]}" <<'PY'
import os, statistics, sys, time

runs, cmd = int(sys.argv[1]), sys.argv[2:]
env_on = {k: v for k, v in os.environ.items() if k != "VIRTCAPS_NO_CPU_MODEL"}
env_off = dict(env_on, VIRTCAPS_NO_CPU_MODEL="1")
quiet = [(os.POSIX_SPAWN_OPEN, fd, "/dev/null", os.O_WRONLY, 0) for fd in (1, 2)]

def run(env):
    t0 = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, env, file_actions=quiet)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if status:
        sys.exit(f"bench-cpu-model: {' '.join(cmd)} failed ({status})")
    return wall * 1e3, (ru.ru_utime + ru.ru_stime) * 1e3

for _ in range(20):                      # warm-up: page cache, CPU frequency
    run(env_off), run(env_on)
res = {"off": [], "on": []}
for i in range(runs):
    order = ("off", "on") if i % 2 == 0 else ("on", "off")
    for n in order:
        res[n].append(run(env_off if n == "off" else env_on))

def pct(xs, q):
    xs = sorted(xs)
    return xs[int(q * (len(xs) - 1))]

for k, what in ((0, "wall"), (1, "cpu ")):
    for n in ("off", "on"):
        xs = [r[k] for r in res[n]]
        print(f"{what} decoder {n:3}: median {statistics.median(xs):.3f} ms  "
              f"p10 {pct(xs, 0.1):.3f} ms  mean {statistics.mean(xs):.3f} ms")
    diff = [b[k] - a[k] for a, b in zip(res["off"], res["on"])]
    print(f"{what} cost of decoding (on - off, per pair): median {statistics.median(diff):+.3f} ms  "
          f"p25 {pct(diff, 0.25):+.3f} ms  p75 {pct(diff, 0.75):+.3f} ms  ({runs} pairs)")
PY
# Instructions are independent of the machine's load (wall times are not).
if command -v valgrind >/dev/null; then
    for mode in off on; do
        env=(); [ $mode = off ] && env=(VIRTCAPS_NO_CPU_MODEL=1)
        n=$(env "${env[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null \
            "$virtcaps" capabilities "${args[@]}" 2>&1 >/dev/null | sed -n 's/.*Collected : //p')
        echo "decoder $mode: $n instructions (callgrind)"
    done
fi
