#!/usr/bin/env bash
# GET /health throughput and CPU cost per request, regend against nginx answering a static
# 200, in alternating rounds: each server on core 1, wrk (1 thread, 64 connections) on core 0.
# Prints req/s and the server's CPU time per request (perf stat task-clock over the middle of
# the run). On a shared machine the CPU per request is the steadier figure: a busy neighbour
# changes how much of core 1 each server gets (regend runs more threads than nginx's worker).
# usage: scripts/perf/health_vs_nginx.sh [REGEND_BIN] [ROUNDS]   (needs nginx, wrk, perf)
set -u
BIN=${1:-build/regend/regend}; ROUNDS=${2:-3}; DUR=${DUR:-10}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cat > "$W/nginx.conf" <<CONF
worker_processes 1; daemon off; error_log $W/nginx-error.log; pid $W/nginx.pid;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:18791; location / { return 200 "ok"; } } }
CONF
wait_port() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return; sleep 0.05; done; }
measure() {  # URL PID -> "req/s us_per_request"
  taskset -c 0 wrk -t1 -c64 -d"${DUR}s" "$1" > "$W/wrk" & local wp=$!
  sleep 1
  perf stat -e task-clock -x, -p "$2" -o "$W/stat" -- sleep $((DUR - 2)) 2>/dev/null
  wait $wp
  local rps ms; rps=$(awk '/Requests\/sec/{print $2}' "$W/wrk"); ms=$(awk -F, '/task-clock/{print $1}' "$W/stat")
  echo "$rps $(echo "scale=3; $ms*1000/($rps*($DUR-2))" | bc)"
}
for r in $(seq "$ROUNDS"); do
  taskset -c 1 nginx -c "$W/nginx.conf" -p "$W" >/dev/null 2>&1 & np=$!
  wait_port http://127.0.0.1:18791/
  read -r nr nc < <(measure http://127.0.0.1:18791/ "$(pgrep -P $np)")
  kill $np; wait $np 2>/dev/null
  rm -rf "$W/data"; mkdir -p "$W/data"
  # Default configuration (access log on); stderr to a file, as under a supervisor.
  REGEN_RATE_LIMIT_ENABLED=false taskset -c 1 "$BIN" --listen 127.0.0.1:18790 --data-dir "$W/data" \
    2>"${REGEND_STDERR:-$W/regend.log}" & rp=$!
  wait_port http://127.0.0.1:18790/health
  read -r rr rc < <(measure http://127.0.0.1:18790/health $rp)
  kill -INT $rp; kill -INT $rp 2>/dev/null; wait $rp 2>/dev/null
  echo "round $r nginx=$nr req/s ${nc}us/req regend=$rr req/s ${rc}us/req" \
       "req/s-ratio=$(echo "scale=3; $rr/$nr" | bc) cpu-ratio=$(echo "scale=3; $nc/$rc" | bc)"
done
