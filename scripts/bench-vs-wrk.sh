#!/usr/bin/env bash
# Checks that `regenctl bench` measures what wrk measures: the same GET load (closed
# model, N keep-alive connections, no think time, one thread) from each tool in turn, both
# pinned to the same core and the target to another, several rounds interleaved. Prints each
# round's requests/s and median latency, the medians over the rounds and their ratios, and
# fails when a ratio is off by more than the tolerance. Also prints the CPU each tool used: the
# requests/s one core could drive (requests per CPU-second) is the generator's own capacity.
#
#   scripts/bench-vs-wrk.sh [--build DIR] [--target URL] [--path PATH] [--duration SECONDS]
#                           [--connections N] [--rounds N] [--cores GEN,TARGET]
#                           [--tolerance PERCENT]
#
# --path (default /health) is the GET both tools send. /health costs the server so little that
# one generator core barely outpaces it: both generators then run near saturation, and their
# own event handling shows in the latency. A path the server takes longer over (/metrics) keeps
# the generators' share small, which is where two correct generators must agree.
#
# Without --target it starts regend from DIR (default build/) on a free loopback port with a
# temporary data directory, pinned to the TARGET core, and stops it on exit. Needs wrk
# (Debian package wrk; not installed by scripts/install-deps.sh) and taskset. The machine should
# be otherwise idle: on a shared one, raise --rounds and read the ratios, not the absolutes.
set -euo pipefail

build=build
target=
path=/health
duration=10
connections=64
rounds=3
cores=0,1
tolerance=10
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    --path) path=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --cores) cores=$2; shift 2 ;;
    --tolerance) tolerance=$2; shift 2 ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-vs-wrk: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
gen_core=${cores%%,*}
target_core=${cores##*,}
regenctl=$build/regenctl/regenctl
for tool in wrk taskset; do
  command -v "$tool" >/dev/null || { echo "bench-vs-wrk: $tool is not installed" >&2; exit 2; }
done
[ -x "$regenctl" ] || { echo "bench-vs-wrk: $regenctl not found (build first)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/regen-bench-vs-wrk.XXXXXX")
regend_pid=
cleanup() {
  if [ -n "$regend_pid" ] && kill -0 "$regend_pid" 2>/dev/null; then
    kill -TERM "$regend_pid" 2>/dev/null || true
    wait "$regend_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "$target" ]; then
  REGEN_SERVER_DRAIN_GRACE=0s taskset -c "$target_core" "$build/regend/regend" \
    --listen 127.0.0.1:0 --data-dir "$work/var" --log-level warn >"$work/regend.log" 2>&1 &
  regend_pid=$!
  for _ in $(seq 100); do
    "$regenctl" --socket "$work/var/regend.sock" --timeout 1 health >/dev/null 2>&1 && break
    sleep 0.1
  done
  address=$("$regenctl" --socket "$work/var/regend.sock" -o json status |
    grep -o '"kind":"http","address":"[^"]*"' | head -n 1 | sed 's/.*"address":"\([^"]*\)"/\1/')
  target="http://$address"
fi
target=${target%/}

# CPU seconds (user + system) of a command, when GNU time is there to say.
timed() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%U %S' -o "$work/cpu" "$@"
  else
    echo "- -" >"$work/cpu"
    "$@"
  fi
}
cpu_seconds() { awk '{ if ($1 == "-") print "-"; else printf "%.2f", $1 + $2 }' "$work/cpu"; }

# wrk's "50%  553.00us" in microseconds.
to_us() {
  awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); print v }
         else if (v ~ /ms$/) { sub(/ms$/, "", v); print v * 1000 }
         else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000000 } }'
}

run_wrk() {
  timed taskset -c "$gen_core" wrk -t1 -c"$connections" -d"${duration}s" --latency \
    "$target$path" >"$work/wrk.out"
  wrk_rps=$(awk '/^Requests\/sec:/ { print $2 }' "$work/wrk.out")
  wrk_p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.out" | to_us)
  wrk_avg=$(awk '$1 == "Latency" { print $2 }' "$work/wrk.out" | to_us)
  wrk_errors=$(awk '/Non-2xx|Socket errors/ { print }' "$work/wrk.out")
  wrk_cpu=$(cpu_seconds)
}

run_regenctl() {
  timed taskset -c "$gen_core" "$regenctl" bench run "$work/scenario.toml" \
    --target "$target" --connections "$connections" --duration "${duration}s" -q -o json \
    >"$work/regenctl.json"
  local json
  json=$(cat "$work/regenctl.json")
  ctl_rps=$(printf '%s' "$json" | grep -o '"http_reqs":{"count":[0-9]*,"rate":[0-9.eE+-]*' |
    head -n 1 | sed 's/.*"rate"://')
  local trend
  trend=$(printf '%s' "$json" | grep -o '"http_req_duration":{[^}]*}' | head -n 1)
  ctl_p50=$(printf '%s' "$trend" | sed 's/.*"med":\([0-9.eE+-]*\).*/\1/' | awk '{ print $1 * 1000 }')
  ctl_avg=$(printf '%s' "$trend" | sed 's/.*"avg":\([0-9.eE+-]*\).*/\1/' | awk '{ print $1 * 1000 }')
  ctl_failed=$(printf '%s' "$json" | grep -o '"http_req_failed":{"rate":[0-9.eE+-]*,"count":[0-9]*' |
    head -n 1 | sed 's/.*"count"://')
  ctl_cpu=$(cpu_seconds)
}

echo "target $target$path, $connections connections, ${duration}s per run, $rounds rounds," \
  "generator on core $gen_core${regend_pid:+, regend on core $target_core}"
# The scenario wrk's load mirrors, sending PATH.
sed "s|^path = \"/health\"|path = \"$path\"|" load-tests/health-capacity.toml >"$work/scenario.toml"
# Warm the target (and the page cache) before measuring.
taskset -c "$gen_core" wrk -t1 -c"$connections" -d2s "$target/health" >/dev/null

printf '%-6s %-9s %10s %10s %10s %8s %11s\n' round tool "req/s" "p50 (us)" "avg (us)" \
  "cpu (s)" "req/cpu-s"
: >"$work/rows"
for round in $(seq "$rounds"); do
  run_wrk
  run_regenctl
  for tool in wrk regenctl; do
    if [ "$tool" = wrk ]; then
      rps=$wrk_rps p50=$wrk_p50 avg=$wrk_avg cpu=$wrk_cpu
    else
      rps=$ctl_rps p50=$ctl_p50 avg=$ctl_avg cpu=$ctl_cpu
    fi
    per_cpu=$(awk -v r="$rps" -v c="$cpu" -v d="$duration" \
      'BEGIN { if (c == "-" || c <= 0) print "-"; else printf "%.0f", r * d / c }')
    printf '%-6s %-9s %10.0f %10.1f %10.1f %8s %11s\n' "$round" "$tool" "$rps" "$p50" "$avg" \
      "$cpu" "$per_cpu"
    echo "$tool $rps $p50" >>"$work/rows"
  done
  [ -z "$wrk_errors" ] || echo "  wrk: $wrk_errors"
  [ "${ctl_failed:-0}" = 0 ] || echo "  regenctl: $ctl_failed failed requests"
done

median() { # tool column
  awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$work/rows" | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
wrk_rps=$(median wrk 2)
wrk_p50=$(median wrk 3)
ctl_rps=$(median regenctl 2)
ctl_p50=$(median regenctl 3)
awk -v wr="$wrk_rps" -v wp="$wrk_p50" -v cr="$ctl_rps" -v cp="$ctl_p50" -v tol="$tolerance" '
  BEGIN {
    rr = cr / wr; pr = cp / wp
    printf "median    wrk       %10.0f %10.1f\n", wr, wp
    printf "median    regenctl  %10.0f %10.1f\n", cr, cp
    printf "ratio regenctl/wrk: req/s %.3f, p50 %.3f (tolerance %s%%)\n", rr, pr, tol
    bad = (rr < 1 - tol / 100 || rr > 1 + tol / 100 || pr < 1 - tol / 100 || pr > 1 + tol / 100)
    print bad ? "FAIL: regenctl and wrk disagree by more than the tolerance" : "PASS"
    exit bad
  }'
