#!/usr/bin/env bash
# PostgreSQL capacity, taken apart: load-tests/capacity at 64 connections against regend on a
# local PostgreSQL (Debian's package, started in a temp dir as the postgres user; fsync and
# synchronous_commit on, the defaults), with pgbench's single-row INSERT at 64 clients run just
# before each round for the ratio. For each round and each writer count in WRITERS
# (storage.postgres_writers), alternated, one line: pgbench TPS, regend alerts/s and the ratio,
# p50/p99, requests per commit, and the CPU each process spent per alert over the middle of the
# run (regend, all PostgreSQL processes, regenctl), from /proc/PID/stat.
# STATEMENTS=1 loads pg_stat_statements (with track_planning) and prints, after each run, the
# statements that cost the server most: calls, plans, planning and execution µs per call.
# WRITE_SET=1 runs, after each regend run, the second reference of local_postgres.sh: pgbench
# writing one alert's rows per transaction into the same database (pgbench_alert_write_set_tps),
# and prints its TPS and regend's rate against it.
# SCHEMA_SQL='...' runs that SQL in regend's database once regend has migrated it, before the
# load: a model of a schema change (say, a dropped index) measured without building one.
# Nothing is pinned, as in scripts/benchmarks.sh: PostgreSQL needs the cores as much as regend.
#
# usage: scripts/perf/pg_capacity_probe.sh [BUILD] [ROUNDS]   (run as root)
#   WRITERS="1 2" (default), DUR=15 (s per run), PGPORT=15497, REGEN_PORT=18778
set -u
BUILD=$(readlink -f "${1:-build}"); ROUNDS=${2:-1}
WRITERS=${WRITERS:-"1 2"}; DUR=${DUR:-15}; STATEMENTS=${STATEMENTS:-0}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$BUILD/regend/regend; CTL=$BUILD/regenctl/regenctl
# shellcheck source=../lib/regend_ready.sh
. "$ROOT/scripts/lib/regend_ready.sh"
# shellcheck source=../lib/local_postgres.sh
. "$ROOT/scripts/lib/local_postgres.sh"
PORT=${PGPORT:-15497}; RPORT=${REGEN_PORT:-18778}
W=$(mktemp -d)
regend_pid=
psql_regen() { pg_psql "$PORT" "$@"; }
cleanup() {
  [ -n "$regend_pid" ] && kill -INT "$regend_pid" 2>/dev/null && wait "$regend_pid" 2>/dev/null
  pg_stop "$W"
  rm -rf "$W"
}
trap cleanup EXIT

preload=()
[ "$STATEMENTS" = 1 ] &&
  preload=(shared_preload_libraries=pg_stat_statements pg_stat_statements.track_planning=on)
pg_start "$W" "$PORT" "${preload[@]}"
pgbench_prepare "$W" "$PORT"

cpu_ticks() {  # utime + stime of the given pids, in clock ticks
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
committed() { curl -s "http://127.0.0.1:$RPORT/metrics" | awk '/^regen_store_batch_size_sum/{print $2}'; }
per_alert() { echo "scale=1; $1 * 1000000 / $(getconf CLK_TCK) / $2" | bc; }

run() {  # WRITERS ROUND
  local writers=$1 round=$2 tps window=$((DUR / 2))
  tps=$(pgbench_insert_tps "$W" "$PORT" "$DUR" | awk '/^tps/{printf "%.0f", $3}')
  "$pg_bin/dropdb" -h 127.0.0.1 -p "$PORT" -U regen --if-exists regen 2>/dev/null
  "$pg_bin/createdb" -h 127.0.0.1 -p "$PORT" -U regen regen
  [ "$STATEMENTS" = 1 ] && psql_regen regen -c "CREATE EXTENSION pg_stat_statements"
  rm -rf "$W/regend"; mkdir "$W/regend"
  REGEN_STORAGE_POSTGRES_WRITERS=$writers REGEN_RATE_LIMIT_ENABLED=false "$BIN" \
    --listen "127.0.0.1:$RPORT" --data-dir "$W/regend" \
    --database-url "postgres://regen@127.0.0.1:$PORT/regen" 2>"$W/regend.log" &
  regend_pid=$!
  wait_for_ready "http://127.0.0.1:$RPORT" "$regend_pid" "$W/regend.log" || exit 1
  [ -n "${SCHEMA_SQL:-}" ] && psql_regen regen -c "$SCHEMA_SQL"
  [ "$STATEMENTS" = 1 ] && psql_regen regen -c "SELECT pg_stat_statements_reset()" >/dev/null
  "$CTL" bench run "$ROOT/load-tests/capacity.toml" --target "http://127.0.0.1:$RPORT" \
    --connections 64 --duration-scale "$(echo "scale=3; $DUR / 30" | bc)" -o json \
    --out "$W/capacity.json" >/dev/null 2>&1 &
  local generator=$!
  sleep $((DUR / 4))  # past the start; the window ends before the run does
  local pg r1 p1 g1 c1 r2 p2 g2 c2
  pg=$(pgrep -u postgres -d ' ' postgres)
  r1=$(cpu_ticks "$regend_pid"); p1=$(cpu_ticks $pg); g1=$(cpu_ticks "$generator"); c1=$(committed)
  sleep "$window"
  r2=$(cpu_ticks "$regend_pid"); p2=$(cpu_ticks $pg); g2=$(cpu_ticks "$generator"); c2=$(committed)
  wait "$generator"
  local alerts=$((${c2%.*} - ${c1%.*}))
  python3 - "$W/capacity.json" "$round" "$writers" "$tps" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
rate, tps = m["http_reqs"]["rate"], float(sys.argv[4])
d = m["http_req_duration"]
print(f"round {sys.argv[2]} writers={sys.argv[3]} pgbench={tps:.0f} regend={rate:.0f} "
      f"ratio={rate / tps:.3f} p50={d['med']:.2f} p99={d['p99']:.2f} "
      f"failed={m['http_req_failed']['count']}", end=" ")
PY
  local metrics bsum bcnt
  metrics=$(curl -s "http://127.0.0.1:$RPORT/metrics")
  bsum=$(awk '/^regen_store_batch_size_sum/{print $2}' <<<"$metrics")
  bcnt=$(awk '/^regen_store_batch_size_count/{print $2}' <<<"$metrics")
  echo "req/commit=$(echo "scale=1; $bsum / $bcnt" | bc)" \
    "cpu_us/alert: regend=$(per_alert $((r2 - r1)) "$alerts")" \
    "postgres=$(per_alert $((p2 - p1)) "$alerts") regenctl=$(per_alert $((g2 - g1)) "$alerts")"
  if [ "$STATEMENTS" = 1 ]; then
    psql_regen regen -P pager=off -c "SELECT calls, plans,
        round((total_plan_time / greatest(calls, 1) * 1000)::numeric) AS plan_us,
        round((total_exec_time / greatest(calls, 1) * 1000)::numeric) AS exec_us,
        rows / greatest(calls, 1) AS rows_per_call, left(regexp_replace(query, '\s+', ' ', 'g'), 80) AS query
      FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'
      ORDER BY total_exec_time + total_plan_time DESC LIMIT 12"
  fi
  kill -INT "$regend_pid"; wait "$regend_pid" 2>/dev/null; regend_pid=
  if [ "${WRITE_SET:-0}" = 1 ]; then
    local rate ws
    rate=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metrics"]["http_reqs"]["rate"])' "$W/capacity.json")
    ws=$(pgbench_alert_write_set_tps "$PORT" regen "$DUR" | awk '/^tps/{printf "%.0f", $3}')
    echo "  write-set pgbench=$ws regend/write-set=$(echo "scale=3; $rate / $ws" | bc)"
  fi
}

for round in $(seq "$ROUNDS"); do
  for writers in $WRITERS; do run "$writers" "$round"; done
done
