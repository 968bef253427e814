#!/usr/bin/env bash
# A short smoke of the load scenarios against a freshly started regend, as CI runs it:
# webhook-sustained, then api-read (which reads the incidents the first one created), each at a
# small --duration-scale, failing when a threshold fails.
#
#   scripts/bench-smoke.sh BUILD_DIR
#
# BUILD_DIR holds regend/regend and regenctl/regenctl. Environment:
#   BENCH_SMOKE_SCALE    duration scale of both runs (default 0.03: 9 s each)
#   BENCH_RESULTS_DIR    also keep each run's JSON results there (for `regenctl bench report`)
# regend listens on a kernel-chosen loopback port with a temporary data directory; the load
# generator's address (loopback) is exempt from rate limits, as the scenarios expect. regend is
# always stopped on exit. Exits 0 when every threshold held, 99 when one failed, other codes as
# regenctl's (2 bad scenario, 5 target not answering) or 1 when regend would not start.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."
regend=$build/regend/regend
regenctl=$build/regenctl/regenctl
scale=${BENCH_SMOKE_SCALE:-0.03}
for binary in "$regend" "$regenctl"; do
  [ -x "$binary" ] || { echo "bench-smoke: $binary not found (build first)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/regen-bench-smoke.XXXXXX")
regend_pid=
stop_regend() {
  if [ -n "$regend_pid" ] && kill -0 "$regend_pid" 2>/dev/null; then
    kill -TERM "$regend_pid" 2>/dev/null || true
    wait "$regend_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_regend EXIT
trap 'exit 130' INT TERM

socket=$work/var/regend.sock
REGEN_RATE_LIMIT_EXEMPT=127.0.0.0/8 REGEN_SERVER_DRAIN_GRACE=0s \
  "$regend" --listen 127.0.0.1:0 --data-dir "$work/var" --log-level warn >"$work/regend.log" 2>&1 &
regend_pid=$!

# Ready when the admin socket answers; the listener's port is in `status`.
for _ in $(seq 100); do
  if "$regenctl" --socket "$socket" --timeout 1 health >/dev/null 2>&1; then break; fi
  if ! kill -0 "$regend_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if ! status=$("$regenctl" --socket "$socket" -o json status 2>/dev/null); then
  echo "bench-smoke: regend did not start; its log:" >&2
  cat "$work/regend.log" >&2
  exit 1
fi
address=$(printf '%s' "$status" | grep -o '"kind":"http","address":"[^"]*"' | head -n 1 |
  sed 's/.*"address":"\([^"]*\)"/\1/')
target="http://$address"
token=$("$regenctl" --socket "$socket" -o json tokens create --name bench-smoke --role viewer |
  sed 's/.*"token":"\([^"]*\)".*/\1/')

out_args() {
  if [ -n "${BENCH_RESULTS_DIR:-}" ]; then
    mkdir -p "$BENCH_RESULTS_DIR"
    printf '%s\n' --out "$BENCH_RESULTS_DIR/$1.json"
  fi
}

status=0
echo "bench-smoke: regend at $target, duration scale $scale"
mapfile -t extra < <(out_args webhook-sustained)
"$regenctl" bench run load-tests/webhook-sustained.toml --target "$target" \
  --duration-scale "$scale" "${extra[@]}" || status=$?
mapfile -t extra < <(out_args api-read)
REGEN_TOKEN=$token "$regenctl" bench run load-tests/api-read.toml --target "$target" \
  --duration-scale "$scale" "${extra[@]}" || { rc=$?; [ "$status" -ne 0 ] || status=$rc; }

if [ "$status" -ne 0 ]; then
  echo "bench-smoke: FAILED (exit $status)" >&2
else
  echo "bench-smoke: passed"
fi
exit "$status"
