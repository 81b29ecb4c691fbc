#!/usr/bin/env bash
# Runs a Python test script with the system python3 (Bazel's py_test stub
# wants `python`, which Debian does not install by default).
set -euo pipefail
script="$1"; shift
exec python3 "$script" "$@"
