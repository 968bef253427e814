#!/usr/bin/env bash
# The benchmarks behind docs/BENCHMARKS.md (performance targets 1-5) and docs/RELIABILITY.md
# (the three reference scenarios), each against a freshly started regend, with the reference
# tool (nginx + wrk, pgbench) run in the same session so that figures can be given as ratios.
#
#   scripts/benchmarks.sh BUILD_DIR OUT_DIR [PART...]
#
# PART (default: all of them, in this order):
#   health      target 1: GET /health against nginx's static 200 under the same wrk load
#               (scripts/perf/health_vs_nginx.sh: server on core 1, wrk on core 0)
#   sqlite      target 2: load-tests/capacity on the SQLite default (synchronous=FULL),
#               regend on core 1, regenctl on core 0, with the disk's fsync latency beside it
#   postgres    target 3: load-tests/capacity on a local PostgreSQL against pgbench's
#               single-row INSERT at the same client count (nothing pinned: the backends need
#               both cores); then, for comparison only, pgbench writing one alert's rows per
#               transaction into regend's database (scripts/lib/alert_write_set.pgbench)
#   reference   docs/RELIABILITY.md: webhook-sustained and webhook-burst at full length, with
#               the daemon's RSS sampled during the burst (target 5)
#   api-read    target 4 and docs/RELIABILITY.md: bench seed (BENCH_INCIDENTS, BENCH_ALERTS;
#               default 100000 and 1000000), then api-read at full length
#   soak        target 5: capacity for SOAK_DURATION (default 10m), RSS sampled every 10 s
#
# OUT_DIR receives each run's JSON (for `regenctl bench report`), the regend logs, the RSS
# samples and summary.txt, one line per figure. Needs root (PostgreSQL runs as postgres) and
# scripts/install-bench-deps.sh. Only loopback is used; every run is bounded in time.
set -uo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
build=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
shift 2
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(health sqlite postgres reference api-read soak)
cd "$(dirname "$0")/.."
repo=$(pwd)
. scripts/lib/regend_ready.sh
. scripts/lib/local_postgres.sh
regend=$build/regend/regend
regenctl=$build/regenctl/regenctl
port=18790
target=http://127.0.0.1:$port
work=$(mktemp -d /var/tmp/regen-benchmarks.XXXXXX)  # on the disk, as a real data directory
chmod 755 "$work"                                    # PostgreSQL runs as postgres beneath it
regend_pid=
pg_port=15433

note() { echo "$*" | tee -a "$out/summary.txt"; }

stop_regend() {
  if [ -n "$regend_pid" ] && kill -0 "$regend_pid" 2>/dev/null; then
    kill -TERM "$regend_pid"
    wait "$regend_pid" 2>/dev/null
  fi
  regend_pid=
}

cleanup() {
  stop_regend
  pg_stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_regend NAME [CPU] [regend options...]: a fresh data directory; loopback exempt from rate
# limits unless the caller's environment says otherwise (the burst keeps them).
start_regend() {
  local name=$1 cpu=$2
  shift 2
  rm -rf "$work/$name"
  mkdir -p "$work/$name"
  local pin=()
  [ "$cpu" = "-" ] || pin=(taskset -c "$cpu")
  REGEN_RATE_LIMIT_EXEMPT=${REGEN_RATE_LIMIT_EXEMPT-127.0.0.0/8} REGEN_SERVER_DRAIN_GRACE=0s \
    "${pin[@]}" "$regend" --listen "127.0.0.1:$port" --data-dir "$work/$name" --log-level warn \
    "$@" >"$out/regend-$name.log" 2>&1 &
  regend_pid=$!
  wait_for_ready "$target" "$regend_pid" "$out/regend-$name.log" || exit 1
}
socket() { echo "$work/$1/regend.sock"; }
rss_kib() { awk '/^VmRSS/{print $2}' "/proc/$regend_pid/status"; }
hwm_kib() { awk '/^VmHWM/{print $2}' "/proc/$regend_pid/status"; }
# sample_rss FILE SECONDS: "elapsed_s rss_kib" every SECONDS until regend or the caller stops it.
sample_rss() {
  local file=$1 every=$2 start=$SECONDS
  while kill -0 "$regend_pid" 2>/dev/null; do
    echo "$((SECONDS - start)) $(rss_kib)" >>"$file"
    sleep "$every"
  done
}
bench() { "$regenctl" bench run "$@"; }
json_figure() {  # FILE PYTHON_EXPR over `r` (the results document, schema regen-bench/1)
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); m=r['metrics']; print($2)" "$1"
}
capacity_figures="'%.0f req/s, p50 %.2f ms, p99 %.2f ms, failed %d, statuses %s' % (m['http_reqs']['rate'], \
m['http_req_duration']['med'], m['http_req_duration']['p99'], m['http_req_failed']['count'], r['statuses'])"

part_health() {
  note "## target 1: GET /health vs nginx (wrk -t1 -c64, 10 s rounds, server on core 1)"
  "$repo/scripts/perf/health_vs_nginx.sh" "$regend" 3 2>&1 | tee -a "$out/summary.txt"
}

part_sqlite() {
  note "## target 2: capacity on SQLite (64 connections, 30 s, regend core 1, regenctl core 0)"
  note "disk fsync latency (ms): $(python3 "$repo/scripts/perf/fsync_latency.py" 200 4096 "$work" 2>&1 | tail -n 1)"
  start_regend sqlite 1
  taskset -c 0 "$regenctl" bench run load-tests/capacity.toml --target "$target" \
    --connections 64 --out "$out/capacity-sqlite.json" >"$out/capacity-sqlite.txt" 2>&1
  note "regend: $(json_figure "$out/capacity-sqlite.json" \
    "$capacity_figures")"
  note "rss after: $(rss_kib) KiB, peak $(hwm_kib) KiB"
  stop_regend
}

part_postgres() {
  note "## target 3: capacity on PostgreSQL vs pgbench (64 clients, 30 s each)"
  mkdir -p "$work/pg"
  pg_start "$work/pg" "$pg_port"
  pgbench_prepare "$work/pg" "$pg_port"
  pgbench_insert_tps "$work/pg" "$pg_port" 30 >"$out/pgbench.txt"
  note "pgbench: $(grep -E '^(tps|latency average)' "$out/pgbench.txt" | tr '\n' ' ')"
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U regen regen
  start_regend postgres - --database-url "postgres://regen@127.0.0.1:$pg_port/regen"
  "$regenctl" bench run load-tests/capacity.toml --target "$target" --connections 64 \
    --out "$out/capacity-postgres.json" >"$out/capacity-postgres.txt" 2>&1
  note "regend: $(json_figure "$out/capacity-postgres.json" \
    "$capacity_figures")"
  stop_regend
  pgbench_alert_write_set_tps "$pg_port" regen 30 >"$out/pgbench-alert-write-set.txt"
  note "pgbench, one alert's rows per transaction: $(grep -E '^(tps|latency average)' \
    "$out/pgbench-alert-write-set.txt" | tr '\n' ' ')"
  pg_stop "$work/pg"
}

part_reference() {
  note "## reference: webhook-sustained (loopback exempt from rate limits)"
  start_regend sustained 1
  taskset -c 0 "$regenctl" bench run load-tests/webhook-sustained.toml --target "$target" \
    --out "$out/webhook-sustained.json" >"$out/webhook-sustained.txt" 2>&1
  note "webhook-sustained: exit $? (0: thresholds held)"
  stop_regend

  note "## reference: webhook-burst (rate limits on, the defaults), RSS sampled every second"
  REGEN_RATE_LIMIT_EXEMPT="" start_regend burst 1
  note "idle rss: $(rss_kib) KiB"
  sample_rss "$out/rss-burst.txt" 1 &
  local sampler=$!
  taskset -c 0 "$regenctl" bench run load-tests/webhook-burst.toml --target "$target" \
    --out "$out/webhook-burst.json" >"$out/webhook-burst.txt" 2>&1
  note "webhook-burst: exit $? (0: thresholds held)"
  note "burst rss: max sampled $(sort -k2 -n "$out/rss-burst.txt" | tail -n 1 | cut -d' ' -f2) KiB, peak (VmHWM) $(hwm_kib) KiB"
  kill "$sampler" 2>/dev/null
  stop_regend
}

part_api_read() {
  local incidents=${BENCH_INCIDENTS:-100000} alerts=${BENCH_ALERTS:-1000000}
  note "## target 4: api-read on $incidents incidents / $alerts alerts"
  start_regend api-read 1
  local started=$SECONDS
  "$regenctl" --socket "$(socket api-read)" --timeout 600 bench seed --incidents "$incidents" \
    --alerts "$alerts" >"$out/seed.txt" 2>&1 || { cat "$out/seed.txt" >&2; exit 1; }
  note "seed: $((SECONDS - started)) s; $(tr '\n' ' ' <"$out/seed.txt")"
  note "rss after seed (idle): $(rss_kib) KiB"
  local token
  token=$("$regenctl" --socket "$(socket api-read)" -o json tokens create --name bench \
    --role viewer | sed 's/.*"token":"\([^"]*\)".*/\1/')
  REGEN_TOKEN=$token taskset -c 0 "$regenctl" bench run load-tests/api-read.toml \
    --target "$target" --out "$out/api-read.json" >"$out/api-read.txt" 2>&1
  note "api-read: exit $? (0: thresholds held)"
  note "$(json_figure "$out/api-read.json" "'; '.join('%s p99 %.2f ms' % (q['name'], q['http_req_duration']['p99']) for q in r['requests'])")"
  stop_regend
}

part_soak() {
  local duration=${SOAK_DURATION:-10m}
  note "## target 5: capacity soak for $duration on SQLite, RSS every 10 s"
  start_regend soak 1
  note "idle rss: $(rss_kib) KiB"
  sample_rss "$out/rss-soak.txt" 10 &
  local sampler=$!
  taskset -c 0 "$regenctl" bench run load-tests/capacity.toml --target "$target" \
    --connections 64 --duration "$duration" --out "$out/soak.json" >"$out/soak.txt" 2>&1
  kill "$sampler" 2>/dev/null
  note "soak: $(json_figure "$out/soak.json" \
    "$capacity_figures")"
  # Growth: the last sample against the one at 60 s (past start-up and the first page-cache fill).
  note "soak rss: $(awk '$1>=60 && !base {base=$2} {last=$2} END {printf "%d KiB at 60 s, %d KiB at the end: %+.1f %%", base, last, (last-base)*100/base}' "$out/rss-soak.txt")"
  stop_regend
}

note "# benchmarks $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$repo" describe --always --dirty)"
for part in "${parts[@]}"; do
  case $part in
    health) part_health ;;
    sqlite) part_sqlite ;;
    postgres) part_postgres ;;
    reference) part_reference ;;
    api-read) part_api_read ;;
    soak) part_soak ;;
    *)
      echo "benchmarks: unknown part '$part'" >&2
      exit 2
      ;;
  esac
done
