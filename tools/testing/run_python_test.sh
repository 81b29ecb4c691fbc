#!/usr/bin/env bash
# Runs a Python test script with Debian's python3 (Bazel's py_test stub wants
# `python`, which Debian does not install; and the Debian interpreter is the
# one that sees packages such as python3-torch, whatever else is on PATH).
set -euo pipefail
script="$1"; shift
python=/usr/bin/python3
[[ -x "$python" ]] || python="$(command -v python3)"
exec "$python" "$script" "$@"
