#!/usr/bin/env bash
# Installs what Regen needs to build and test, from Debian 12's packages only. Idempotent: it
# does nothing (and needs no network) when every package is already installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcli11-dev libsqlitecpp-dev libsqlite3-dev libpq-dev libhiredis-dev libtoml11-dev
  catch2 libspdlog-dev libssl-dev libsystemd-dev
  postgresql redis-server
  systemd  # systemd-socket-activate and systemd-analyze, for the socket activation and unit tests
  prometheus  # for promtool, which checks the /metrics exposition in the tests
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

# prometheus is installed for promtool only; on a systemd host its package would also start a
# Prometheus server on :9090. Stop and disable it when this run installed it.
if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null 2>&1 &&
  [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now prometheus.service >/dev/null 2>&1 || true
fi
