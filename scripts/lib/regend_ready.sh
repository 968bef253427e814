# Sourced by the benchmark and perf scripts, which start a regend of their own.

# wait_for_ready BASE_URL PID LOG: waits up to 60 s for BASE_URL/ready to answer 200 (under
# valgrind a start takes seconds). When regend exits first or never gets ready, prints the end
# of LOG (the caller may delete it on exit) and returns 1.
wait_for_ready() {
  local base=$1 pid=$2 log=$3
  for _ in $(seq 600); do
    curl -sf -o /dev/null "$base/ready" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "regend at $base did not get ready; the end of $log:" >&2
  tail -n 20 "$log" >&2
  return 1
}
