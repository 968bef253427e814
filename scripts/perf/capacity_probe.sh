#!/usr/bin/env bash
# Where durable ingestion on SQLite spends its time: load-tests/capacity (64 connections, a new
# alert per request) against a fresh regend on core 1, regenctl on core 0, and over the middle
# WINDOW seconds of the run:
#   - regend's CPU per alert, thread by thread (/proc/PID/task/*/stat: utime + stime);
#   - the bytes regend wrote and read per alert (/proc/PID/io wchar, rchar: the WAL, the
#     checkpoints, the sockets);
#   - commits, alerts per commit and time per commit (regend's /metrics).
# CPU time and bytes per alert depend little on how much of the core regend got, so they
# compare builds on a busy machine where alerts/s alone would not.
#
# usage: scripts/perf/capacity_probe.sh [BUILD_DIR] [ROUNDS]
#   DURATION (default 20) seconds per run, WINDOW (default 10) seconds measured from the 5th;
#   DATA_ROOT (default /var/tmp: the disk) holds the data directory, /dev/shm for tmpfs;
#   PORT (default 18795). Only loopback; everything started is stopped at the end.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
rounds=${2:-1}
duration=${DURATION:-20}
window=${WINDOW:-10}
port=${PORT:-18795}
cd "$(dirname "$0")/../.."
. scripts/lib/regend_ready.sh
work=$(mktemp -d "${DATA_ROOT:-/var/tmp}/regen-capacity-probe.XXXXXX")
regend_pid=
cleanup() {
  [ -n "$regend_pid" ] && kill -TERM "$regend_pid" 2>/dev/null && wait "$regend_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# "thread-name cpu-ticks" for every thread of $regend_pid.
thread_ticks() {
  for task in /proc/"$regend_pid"/task/*; do
    echo "$(cat "$task/comm") $(awk '{ print $14 + $15 }' "$task/stat")"
  done
}
io_bytes() { awk '/^(rchar|wchar)/ { printf "%s ", $2 }' /proc/"$regend_pid"/io; }
metric() { awk -v m="$1" '$1 == m { print $2 }' "$2"; }

for round in $(seq "$rounds"); do
  rm -rf "$work/data"
  mkdir -p "$work/data"
  REGEN_RATE_LIMIT_EXEMPT=127.0.0.0/8 taskset -c 1 "$build/regend/regend" \
    --listen "127.0.0.1:$port" --data-dir "$work/data" --log-level warn >"$work/regend.log" 2>&1 &
  regend_pid=$!
  wait_for_ready "http://127.0.0.1:$port" "$regend_pid" "$work/regend.log" || exit 1
  taskset -c 0 "$build/regenctl/regenctl" bench run load-tests/capacity.toml \
    --target "http://127.0.0.1:$port" --duration "${duration}s" -q -o json >"$work/run.json" &
  bench_pid=$!
  sleep 5
  curl -s "http://127.0.0.1:$port/metrics" >"$work/metrics.0"
  thread_ticks >"$work/ticks.0"
  io0=$(io_bytes)
  sleep "$window"
  thread_ticks >"$work/ticks.1"
  io1=$(io_bytes)
  curl -s "http://127.0.0.1:$port/metrics" >"$work/metrics.1"
  wait "$bench_pid" || true
  kill -TERM "$regend_pid"
  wait "$regend_pid" 2>/dev/null || true
  regend_pid=
  commits=$(($(metric regen_store_batch_size_count "$work/metrics.1") - \
    $(metric regen_store_batch_size_count "$work/metrics.0")))
  python3 - "$work" "$window" "$commits" "$io0" "$io1" "$round" <<'PY'
import json, os, sys
work, window, commits, io0, io1, round_ = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), \
    [int(x) for x in sys.argv[4].split()], [int(x) for x in sys.argv[5].split()], sys.argv[6]
def metric(name, which):
    for line in open(f"{work}/metrics.{which}"):
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0
alerts = metric("regen_store_batch_size_sum", 1) - metric("regen_store_batch_size_sum", 0)
commit_s = metric("regen_store_commit_duration_seconds_sum", 1) - \
    metric("regen_store_commit_duration_seconds_sum", 0)
def ticks(which):
    out = {}
    for line in open(f"{work}/ticks.{which}"):
        name, value = line.rsplit(" ", 1)
        out[name] = out.get(name, 0) + int(value)
    return out
t0, t1 = ticks(0), ticks(1)
hz = os.sysconf("SC_CLK_TCK")
per_thread = {k: (t1[k] - t0.get(k, 0)) / hz * 1e6 / alerts for k in t1 if t1[k] > t0.get(k, 0)}
r = json.load(open(f"{work}/run.json"))
m = r["metrics"]
print(f"round {round_}: {m['http_reqs']['rate']:.0f} alerts/s over the run, "
      f"p50 {m['http_req_duration']['med']:.2f} ms, p99 {m['http_req_duration']['p99']:.2f} ms, "
      f"failed {m['http_req_failed']['count']}")
print(f"  window {window:.0f} s: {alerts / window:.0f} alerts/s, {commits} commits, "
      f"{alerts / max(commits, 1):.1f} alerts/commit, {commit_s * 1e3 / max(commits, 1):.2f} ms/commit")
print(f"  CPU per alert {sum(per_thread.values()):.0f} us: " +
      ", ".join(f"{k} {v:.0f}" for k, v in sorted(per_thread.items(), key=lambda kv: -kv[1])))
print(f"  per alert: written {(io1[1] - io0[1]) / alerts / 1e3:.1f} KB, "
      f"read {(io1[0] - io0[0]) / alerts / 1e3:.1f} KB")
PY
done
