#!/usr/bin/env bash
# Builds one benchmark binary with plain g++ against the LibTorch inside a
# PyTorch (pip) installation, for GPU machines that have PyTorch with CUDA
# but no Bazel (and no network to get it). The Bazel build with
# --config=cuda and LIBTORCH_HOME is the normal path; this one compiles the
# same sources: the given .cc files plus the .cc of every project header
# they include, followed transitively.
#
# Usage: tools/gpu/build_with_pytorch.sh OUTPUT_BINARY SOURCE.cc...
#   e.g. ... /tmp/msb benchmarks/model_speed_benchmark.cc benchmarks/benchmark_main.cc
# Environment:
#   PYTHON      the Python that holds torch (default: python3)
#   DEPS_PREFIX a folder with usr/include and usr/lib/x86_64-linux-gnu holding
#               abseil, Google Benchmark and nlohmann-json (for example Debian's
#               packages unpacked with dpkg -x); default: / (system packages)
#   JOBS        parallel compiles (default: nproc)
#   CUDA_HOME   the CUDA toolkit (default: the one holding nvcc)
#   EXTRA_LIBS  more libraries to link, e.g. "-lgtest -lgtest_main" for tests
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 OUTPUT_BINARY SOURCE.cc..." >&2
  exit 2
fi
output=$(realpath -m "$1")
shift
cd "$(dirname "$0")/../.."
for source in "$@"; do
  [[ -f $source ]] || { echo "$0: $source: no such file" >&2; exit 2; }
done

python=${PYTHON:-python3}
torch_dir=$("$python" -c 'import os, torch; print(os.path.dirname(torch.__file__))') || {
  echo "$0: $python cannot import torch" >&2
  exit 1
}
[[ -f $torch_dir/lib/libtorch_cuda.so ]] || {
  echo "$0: $torch_dir/lib has no libtorch_cuda.so: this PyTorch is CPU-only" >&2
  exit 1
}
deps=${DEPS_PREFIX:-/}
deps_lib=$deps/usr/lib/x86_64-linux-gnu
abi=$("$python" -c 'import torch; print(int(torch.compiled_with_cxx11_abi()))')
standard=c++17
# LibTorch 2.10 and later need C++20.
"$python" -c 'import torch,sys; v=tuple(map(int, torch.__version__.split("+")[0].split(".")[:2])); sys.exit(0 if v >= (2, 10) else 1)' &&
  standard=c++20

# The sources: those given and, for every project header reached, its .cc.
declare -A seen=()
queue=("$@")
sources=()
while ((${#queue[@]})); do
  file=${queue[0]}
  queue=("${queue[@]:1}")
  [[ -n ${seen[$file]:-} ]] && continue
  seen[$file]=1
  [[ $file == *.cc ]] && sources+=("$file")
  while read -r header; do
    [[ -f $header ]] || continue
    queue+=("$header")
    [[ -f ${header%.h}.cc ]] && queue+=("${header%.h}.cc")
  done < <(sed -n 's/^#include "\(\(lib\|benchmarks\|tests\)\/[^"]*\.h\)".*/\1/p' "$file")
done

build_dir=$(mktemp -d "${TMPDIR:-/tmp}/kdbench-gpu-build.XXXXXX")
trap 'rm -rf "$build_dir"' EXIT
cxxflags=(-std=$standard -O2 -DNDEBUG -D_GLIBCXX_USE_CXX11_ABI=$abi -DKDBENCH_LIBTORCH_CUDA=1
  -Wno-deprecated-declarations -I. -isystem "$torch_dir/include"
  -isystem "$torch_dir/include/torch/csrc/api/include")
# c10/cuda's headers include the CUDA runtime's.
cuda_home=${CUDA_HOME:-$(dirname "$(dirname "$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)")")}
[[ -f $cuda_home/include/cuda_runtime.h ]] || {
  echo "$0: no cuda_runtime.h under $cuda_home/include; set CUDA_HOME" >&2
  exit 1
}
cxxflags+=(-isystem "$cuda_home/include")
# Not /usr/include itself: as -isystem it breaks libstdc++'s #include_next.
[[ $deps != / ]] && cxxflags+=(-isystem "$deps/usr/include")
echo "build_with_pytorch: torch $("$python" -c 'import torch; print(torch.__version__)') at $torch_dir," \
  "$standard, C++11 ABI $abi; ${#sources[@]} sources: ${sources[*]}"
export build_dir
printf '%s\n' "${sources[@]}" |
  xargs -P "${JOBS:-$(nproc)}" -I{} sh -c 'g++ "$@" -c {} -o "$build_dir/$(echo {} | tr / _).o"' _ "${cxxflags[@]}"

absl_libs=()
for library in "$deps_lib"/libabsl_*.so; do
  name=$(basename "$library" .so)
  absl_libs+=("-l${name#lib}")
done
# DT_RPATH, not RUNPATH: abseil's libraries find each other through it too.
g++ -o "$output" "$build_dir"/*.o -Wl,--disable-new-dtags \
  -L"$torch_dir/lib" -Wl,-rpath,"$torch_dir/lib" \
  -Wl,--no-as-needed -ltorch -ltorch_cuda -lc10_cuda -ltorch_cpu -lc10 -Wl,--as-needed \
  -L"$deps_lib" -Wl,-rpath,"$deps_lib" ${EXTRA_LIBS:-} -lbenchmark \
  -Wl,--start-group "${absl_libs[@]}" -Wl,--end-group -lpthread
echo "build_with_pytorch: wrote $output"
