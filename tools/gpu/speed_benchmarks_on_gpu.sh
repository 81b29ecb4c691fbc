#!/usr/bin/env bash
# The GPU speed run of issue 8: builds //benchmarks:model_speed_benchmark
# against the machine's PyTorch (tools/gpu/build_with_pytorch.sh), runs the
# paper-size cases on CUDA in float32 and with the teachers under bf16
# autocast, then the Python peer on the same device, and writes
# Google Benchmark JSON plus the machine's description to OUT_DIR.
#
# Usage: tools/gpu/speed_benchmarks_on_gpu.sh OUT_DIR [REVISION]
# Environment: DEPS_PREFIX, PYTHON as for build_with_pytorch.sh;
#   REPETITIONS (default 3); FILTER (default: the paper sizes and the peaks).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 OUT_DIR [REVISION]" >&2
  exit 2
fi
out=$(realpath -m "$1")
revision=${2:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
cd "$(dirname "$0")/../.."
mkdir -p "$out"
python=${PYTHON:-python3}
repetitions=${REPETITIONS:-3}
filter=${FILTER:-'peak|size:paper'}

binary=$(mktemp -d "${TMPDIR:-/tmp}/kdbench-gpu.XXXXXX")/model_speed_benchmark
tools/gpu/build_with_pytorch.sh "$binary" benchmarks/model_speed_benchmark.cc benchmarks/benchmark_main.cc

{
  echo "revision: $revision"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader |
    sed 's/^/gpu: /'
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
  "$python" -c 'import torch; print("torch:", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())'
  echo "command: $0 $*"
} | tee "$out/machine.txt"

common=(--device=cuda --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true
  --benchmark_min_time=0.5)
echo "== float32, filter $filter"
"$binary" "${common[@]}" --benchmark_filter="$filter" --benchmark_out="$out/gpu-float32.json"
echo "== teachers under bf16 autocast"
"$binary" "${common[@]}" --teacher_autocast=bf16 --benchmark_filter='peak|teacher:.*size:paper' \
  --benchmark_out="$out/gpu-bf16-teachers.json"
echo "== the Python peer, float32"
"$python" benchmarks/python_peer_benchmark.py --device=cuda --filter='size:paper' --out="$out/gpu-python-peer.json"
