#!/usr/bin/env bash
# Fails (and lists the files) when any tracked C++ file differs from clang-format's output.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.h.in' | grep -v '\.in$' || true)
if [ "${#files[@]}" -eq 0 ]; then
  exit 0
fi
clang-format --dry-run --Werror --style=file "${files[@]}"
