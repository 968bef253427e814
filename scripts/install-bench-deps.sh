#!/usr/bin/env bash
# Installs what the benchmarks in docs/BENCHMARKS.md compare against and profile with, from
# Debian 12's packages only: wrk (the reference load generator), nginx-light (the reference
# static server), linux-perf and valgrind (profiling). pgbench comes with postgresql, which
# scripts/install-deps.sh installs. Not needed to build or test Regen. Idempotent.
set -euo pipefail

PACKAGES=(wrk nginx-light linux-perf valgrind python3)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "install-bench-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

# The benchmarks start their own nginx on a loopback port; the package's would take :80.
if [[ " ${missing[*]} " == *" nginx-light "* ]] && command -v systemctl >/dev/null 2>&1 &&
  [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now nginx.service >/dev/null 2>&1 || true
fi
