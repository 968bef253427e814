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
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
W=$(mktemp -d); chown postgres "$W"; chmod 755 "$W"
PORT=${PGPORT:-15433}
RPORT=${REGEN_PORT:-18790}
as_pg() { runuser -u postgres -- env -C "$W" "$@"; }
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$W/data" -m immediate stop >/dev/null 2>&1; rm -rf "$W"; }
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$W/data" -A trust -U regen -E UTF8 --locale=C >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$W/data" -l "$W/pg.log" -w \
  -o "-p $PORT -k $W -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U regen bench
"$PGBIN/psql" -q -h 127.0.0.1 -p "$PORT" -U regen bench -c \
  "CREATE TABLE t (id bigserial PRIMARY KEY, payload text NOT NULL, created_at bigint NOT NULL)"
echo "INSERT INTO t (payload, created_at) VALUES ('x', 1);" > "$W/insert.sql"
for r in $(seq "$ROUNDS"); do
  tps=$("$PGBIN/pgbench" -n -h 127.0.0.1 -p "$PORT" -U regen -c 64 -j 2 -T "$DUR" -f "$W/insert.sql" bench \
        2>/dev/null | awk '/^tps/{print $3}')
  "$PGBIN/dropdb" -h 127.0.0.1 -p "$PORT" -U regen --if-exists regen
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U regen regen
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
