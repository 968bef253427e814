#!/usr/bin/env bash
# Durable ingestion capacity: regend on core 1 (default configuration, rate limits off),
# wrk with 64 connections on core 0 posting a new alert per request for 8 s. Prints req/s,
# latency, regend's CPU time per request, commits per second and requests per commit (from
# /metrics: regen_store_batch_size) and context switches per request.
# usage: scripts/perf/ingest.sh REGEND_BIN LUA [ROUNDS]   (LUA: scripts/perf/post_*.lua)
# DATA=/dev/shm/... puts the database on tmpfs (no fsync cost: the software's own ceiling).
set -u
BIN=$1; LUA=$2; ROUNDS=${3:-1}; CONNS=${CONNS:-64}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
DATA=${DATA:-$W/data}
for _ in $(seq "$ROUNDS"); do
  rm -rf "$DATA"; mkdir -p "$DATA"
  REGEN_RATE_LIMIT_ENABLED=false taskset -c 1 "$BIN" --listen 127.0.0.1:18790 --data-dir "$DATA" \
    2>"$W/regend.log" & rp=$!
  for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18790/health && break; sleep 0.05; done
  taskset -c 0 wrk -t1 -c"$CONNS" -d8s --latency -s "$LUA" http://127.0.0.1:18790 > "$W/wrk" 2>&1 & wp=$!
  sleep 2
  perf stat -e task-clock,context-switches -x, -p $rp -o "$W/stat" -- sleep 5 2>/dev/null
  wait $wp
  metrics=$(curl -s http://127.0.0.1:18790/metrics)
  kill -INT $rp; kill -INT $rp 2>/dev/null; wait $rp 2>/dev/null
  bsum=$(awk '/^regen_store_batch_size_sum/{print $2}' <<<"$metrics")
  bcnt=$(awk '/^regen_store_batch_size_count/{print $2}' <<<"$metrics")
  rps=$(awk '/Requests\/sec/{print $2}' "$W/wrk")
  p50=$(awk '$1=="50%"{print $2}' "$W/wrk"); p99=$(awk '$1=="99%"{print $2}' "$W/wrk")
  ms=$(awk -F, '/task-clock/{print $1}' "$W/stat")
  cs=$(awk -F, '/context-switches/{print $1}' "$W/stat")
  echo "req/s=$rps p50=$p50 p99=$p99 cpu_us/req=$(echo "scale=1; $ms*1000/($rps*5)" | bc)" \
       "commits/s=$(echo "scale=0; $bcnt/8" | bc) req/commit=$(echo "scale=1; $bsum/$bcnt" | bc)" \
       "cs/req=$(echo "scale=2; $cs/($rps*5)" | bc) $(grep -oE 'errors:.*' "$W/wrk")"
done
