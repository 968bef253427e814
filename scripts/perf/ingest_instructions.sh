#!/usr/bin/env bash
# User-space instructions regend executes per accepted alert, under valgrind's callgrind: a
# count that does not move with the machine's load, for comparing two builds of the ingestion
# path where alerts/s on a shared machine would not (a 3 % change is lost in the noise).
# regend runs under callgrind with instrumentation off through startup; it is switched on for
# DURATION seconds of load-tests/capacity (64 connections), then off, and the instructions
# are divided by the alerts the store committed meanwhile (regend's /metrics). The kernel's
# work (sockets, the WAL's writes) is not counted; capacity_probe.sh measures that side.
#
# usage: scripts/perf/ingest_instructions.sh [BUILD_DIR]   (needs valgrind)
#   DURATION (default 20) seconds under load; PORT (default 18796); KEEP=FILE keeps the
#   callgrind profile (callgrind_annotate FILE). Only loopback.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
duration=${DURATION:-20}
port=${PORT:-18796}
cd "$(dirname "$0")/../.."
. scripts/lib/regend_ready.sh
work=$(mktemp -d "${TMPDIR:-/var/tmp}/regen-ingest-instructions.XXXXXX")
regend_pid=
cleanup() {
  [ -n "${KEEP:-}" ] && cp "$work/callgrind.out" "$KEEP" 2>/dev/null
  [ -n "$regend_pid" ] && kill -TERM "$regend_pid" 2>/dev/null && wait "$regend_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

mkdir -p "$work/data"
REGEN_RATE_LIMIT_EXEMPT=127.0.0.0/8 valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$work/callgrind.out" \
  "$build/regend/regend" --listen "127.0.0.1:$port" --data-dir "$work/data" --log-level warn \
  >"$work/regend.log" 2>&1 &
regend_pid=$!
wait_for_ready "http://127.0.0.1:$port" "$regend_pid" "$work/regend.log" || exit 1
before=$(metric regen_store_batch_size_sum)
callgrind_control -i on "$regend_pid" >/dev/null 2>&1
"$build/regenctl/regenctl" bench run load-tests/capacity.toml --target "http://127.0.0.1:$port" \
  --connections 64 --duration "${duration}s" -q -o json >"$work/run.json" || true
callgrind_control -i off "$regend_pid" >/dev/null 2>&1
after=$(metric regen_store_batch_size_sum)
kill -TERM "$regend_pid"
wait "$regend_pid" 2>/dev/null || true
regend_pid=
instructions=$(callgrind_annotate "$work/callgrind.out" 2>/dev/null |
  awk '/PROGRAM TOTALS/ && !done { gsub(",", "", $1); print $1; done = 1 }')
alerts=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%d", a - b }')
echo "alerts $alerts, instructions $instructions, per alert $((instructions / alerts))"
