#!/usr/bin/env bash
# Installs what the benchmarks in docs/BENCHMARKS.md compare against and profile with, from
# Debian 12's packages only: wrk (the reference load generator), nginx-light (the reference
# static server), linux-perf and valgrind (profiling). pgbench comes with postgresql, which
# scripts/install-deps.sh installs. Not needed to build or test Regen. Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib/apt.sh"

apt_install_missing install-bench-deps wrk nginx-light linux-perf valgrind python3
# The benchmarks start their own nginx on a loopback port; the package's would take :80.
apt_stop_service_of nginx-light nginx.service
