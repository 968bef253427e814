#!/usr/bin/env bash
# Installs what Regen needs to build and test, from Debian 12's packages only. Idempotent: it
# does nothing (and needs no network) when every package is already installed.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcli11-dev libsqlitecpp-dev libsqlite3-dev libpq-dev libhiredis-dev libtoml11-dev
  catch2 libspdlog-dev libssl-dev libsystemd-dev
  postgresql redis-server
  systemd  # systemd-socket-activate and systemd-analyze, for the socket activation and unit tests
  prometheus  # for promtool, which checks the /metrics exposition in the tests
)

apt_install_missing install-deps "${PACKAGES[@]}"
# prometheus is installed for promtool only; on a systemd host its package would also start a
# Prometheus server on :9090.
apt_stop_service_of prometheus prometheus.service
