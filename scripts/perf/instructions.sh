#!/usr/bin/env bash
# User-space instructions regend executes per unit of work, under valgrind's callgrind: a count
# that moves far less with the machine's load than throughput does, for comparing two builds
# where throughput on a shared machine would not tell (a 3 % change is lost in its noise). regend runs under callgrind
# with instrumentation off through startup; it is switched on for DURATION seconds of load,
# then off, and the instructions are divided by the work done meanwhile. The count still
# depends a little on how busy regend was (batch sizes, how often a read finds its request):
# compare builds run one after the other, with the same DURATION.
#
#   alert   per accepted alert: load-tests/capacity at 64 connections; alerts counted as the
#           store committed them (regend's /metrics). Target 2's path; the access log off
#           (--log-level warn), as in the figures of docs/notes/write-path-perf.md §7.
#   health  per GET /health: wrk -t1 -c64 (keep-alive), requests counted by wrk; the access log
#           on, as in health_vs_nginx.sh. Target 1's path.
#
# The kernel's work (sockets, the WAL's writes) is not counted: capacity_probe.sh and
# health_vs_nginx.sh measure the whole.
#
# usage: scripts/perf/instructions.sh alert|health [BUILD_DIR]   (needs valgrind; health: wrk)
#   DURATION (default 20 for alert, 10 for health) seconds under load; PORT (default 18796);
#   KEEP=FILE keeps the callgrind profile (callgrind_annotate FILE). Only loopback.
set -euo pipefail
what=${1:-}
case "$what" in
  # As the earlier figures were taken: the limiter exempting loopback for alerts, off for
  # /health (as health_vs_nginx.sh runs it).
  alert) duration=${DURATION:-20} log_level=warn limiter=REGEN_RATE_LIMIT_EXEMPT=127.0.0.0/8
    unit=alert ;;
  health) duration=${DURATION:-10} log_level=info limiter=REGEN_RATE_LIMIT_ENABLED=false
    unit=request ;;
  *) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
build=$(cd "${2:-build}" && pwd)
port=${PORT:-18796}
cd "$(dirname "$0")/../.."
. scripts/lib/regend_ready.sh
work=$(mktemp -d "${TMPDIR:-/var/tmp}/regen-instructions.XXXXXX")
regend_pid=
cleanup() {
  [ -n "${KEEP:-}" ] && cp "$work/callgrind.out" "$KEEP" 2>/dev/null
  [ -n "$regend_pid" ] && kill -TERM "$regend_pid" 2>/dev/null && wait "$regend_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

mkdir -p "$work/data"
env "$limiter" valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$work/callgrind.out" \
  "$build/regend/regend" --listen "127.0.0.1:$port" --data-dir "$work/data" \
  --log-level "$log_level" >/dev/null 2>"$work/regend.log" &
regend_pid=$!
wait_for_ready "http://127.0.0.1:$port" "$regend_pid" "$work/regend.log" || exit 1
if [ "$what" = alert ]; then
  before=$(metric regen_store_batch_size_sum)
  callgrind_control -i on "$regend_pid" >/dev/null 2>&1
  "$build/regenctl/regenctl" bench run load-tests/capacity.toml \
    --target "http://127.0.0.1:$port" --connections 64 --duration "${duration}s" -q -o json \
    >"$work/run.json" || true
  callgrind_control -i off "$regend_pid" >/dev/null 2>&1
  after=$(metric regen_store_batch_size_sum)
  units=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%d", a - b }')
else
  callgrind_control -i on "$regend_pid" >/dev/null 2>&1
  units=$(wrk -t1 -c64 -d"${duration}s" "http://127.0.0.1:$port/health" |
    awk '/requests in/ { print $1 }')
  callgrind_control -i off "$regend_pid" >/dev/null 2>&1
fi
kill -TERM "$regend_pid"
wait "$regend_pid" 2>/dev/null || true
regend_pid=
instructions=$(callgrind_annotate "$work/callgrind.out" 2>/dev/null |
  awk '/PROGRAM TOTALS/ && !done { gsub(",", "", $1); print $1; done = 1 }')
echo "${unit}s $units, instructions $instructions, per $unit $((instructions / units))"
