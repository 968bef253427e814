#!/usr/bin/env bash
# PostgreSQL capacity: pgbench's single-row INSERT at 64 clients against regend's webhook
# ingestion at 64 connections (a new generic alert per request), on one local PostgreSQL
# (Debian's package, started in a temp dir as the postgres user, fsync and
# synchronous_commit on, the defaults). Nothing is pinned: PostgreSQL's backends need the
# cores as much as regend does.
# usage: scripts/perf/pg_vs_pgbench.sh REGEND_BIN [ROUNDS]   (run as root)
# PGPORT (15433) and REGEN_PORT (18790) move the two servers off ports another run is using.
set -u
BIN=$(readlink -f "$1"); ROUNDS=${2:-2}; DUR=${DUR:-10}
LUA=$(readlink -f "$(dirname "$0")/post_generic.lua")
# shellcheck source=../lib/local_postgres.sh
. "$(dirname "$0")/../lib/local_postgres.sh"
W=$(mktemp -d)
PORT=${PGPORT:-15433}
RPORT=${REGEN_PORT:-18790}
cleanup() { pg_stop "$W"; rm -rf "$W"; }
trap cleanup EXIT
pg_start "$W" "$PORT"
pgbench_prepare "$W" "$PORT"
for r in $(seq "$ROUNDS"); do
  tps=$(pgbench_insert_tps "$W" "$PORT" "$DUR" | awk '/^tps/{print $3}')
  "$pg_bin/dropdb" -h 127.0.0.1 -p "$PORT" -U regen --if-exists regen
  "$pg_bin/createdb" -h 127.0.0.1 -p "$PORT" -U regen regen
  rm -rf "$W/regend"; mkdir "$W/regend"
  REGEN_RATE_LIMIT_ENABLED=false "$BIN" --listen 127.0.0.1:$RPORT --data-dir "$W/regend" \
    --database-url "postgres://regen@127.0.0.1:$PORT/regen" 2>"$W/regend.log" & rp=$!
  for _ in $(seq 200); do curl -s -o /dev/null http://127.0.0.1:$RPORT/health && break; sleep 0.05; done
  # A regend that could not start (port taken) would leave wrk measuring whoever holds the port.
  if ! kill -0 $rp 2>/dev/null; then cat "$W/regend.log" >&2; exit 1; fi
  out=$(wrk -t1 -c64 -d"${DUR}s" --latency -s "$LUA" http://127.0.0.1:$RPORT 2>&1)
  metrics=$(curl -s http://127.0.0.1:$RPORT/metrics)
  kill -INT $rp; kill -INT $rp 2>/dev/null; wait $rp 2>/dev/null
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out"); p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  bsum=$(awk '/^regen_store_batch_size_sum/{print $2}' <<<"$metrics")
  bcnt=$(awk '/^regen_store_batch_size_count/{print $2}' <<<"$metrics")
  echo "round $r pgbench_tps=$tps regend_alerts/s=$rps p99=$p99 req/commit=$(echo "scale=1; $bsum/$bcnt" | bc)" \
       "ratio=$(echo "scale=3; $rps/$tps" | bc) $(grep -oE 'errors:.*' <<<"$out")"
done
