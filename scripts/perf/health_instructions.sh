#!/usr/bin/env bash
# User-space instructions regend executes per GET /health (target 1's request), under
# valgrind's callgrind: like ingest_instructions.sh for alerts, a count that does not move
# with the machine's load, for comparing two builds where req/s on a shared machine would not.
# Instrumentation is on only while wrk (1 thread, 64 connections, keep-alive) runs for
# DURATION seconds; the instructions are divided by the requests wrk completed. Default
# configuration: the access log is on, as in health_vs_nginx.sh. The kernel's work is not
# counted; health_vs_nginx.sh measures the whole.
#
# usage: scripts/perf/health_instructions.sh [BUILD_DIR]   (needs valgrind, wrk)
#   DURATION (default 10) seconds under load; PORT (default 18797); KEEP=FILE keeps the
#   callgrind profile (callgrind_annotate FILE). Only loopback.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
duration=${DURATION:-10}
port=${PORT:-18797}
cd "$(dirname "$0")/../.."
. scripts/lib/regend_ready.sh
work=$(mktemp -d "${TMPDIR:-/var/tmp}/regen-health-instructions.XXXXXX")
regend_pid=
cleanup() {
  [ -n "${KEEP:-}" ] && cp "$work/callgrind.out" "$KEEP" 2>/dev/null
  [ -n "$regend_pid" ] && kill -TERM "$regend_pid" 2>/dev/null && wait "$regend_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/data"
REGEN_RATE_LIMIT_ENABLED=false valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$work/callgrind.out" \
  "$build/regend/regend" --listen "127.0.0.1:$port" --data-dir "$work/data" \
  >/dev/null 2>"$work/regend.log" &
regend_pid=$!
wait_for_ready "http://127.0.0.1:$port" "$regend_pid" "$work/regend.log" || exit 1
callgrind_control -i on "$regend_pid" >/dev/null 2>&1
requests=$(wrk -t1 -c64 -d"${duration}s" "http://127.0.0.1:$port/health" |
  awk '/requests in/ { print $1 }')
callgrind_control -i off "$regend_pid" >/dev/null 2>&1
kill -TERM "$regend_pid"
wait "$regend_pid" 2>/dev/null || true
regend_pid=
instructions=$(callgrind_annotate "$work/callgrind.out" 2>/dev/null |
  awk '/PROGRAM TOTALS/ && !done { gsub(",", "", $1); print $1; done = 1 }')
echo "requests $requests, instructions $instructions, per request $((instructions / requests))"
