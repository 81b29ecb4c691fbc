#!/usr/bin/env bash
# Tests built against a GPU machine's PyTorch with
# tools/gpu/build_with_pytorch.sh and run there. By default: the
# feature-distillation tests (transformer student, TinyBERT and MiniLM
# losses, training on CUDA), the students' LSTM (cuDNN's against the CPU
# recurrence, forward and backward), dropout (its CUDA fallback, and whether
# that LibTorch's CPU bernoulli_ still draws the mask ApplyDropout
# reproduces), freed gradients and the CNN student (its pooling against the
# old formula, bit for bit, under that LibTorch's kernels); their CUDA cases
# skip on machines without a GPU. Needs Google Test, ICU and OpenSSL in DEPS_PREFIX
# (Debian's libgtest-dev, libicu-dev, libicu72, libssl-dev and libssl3
# unpacked) besides what build_with_pytorch.sh needs.
#
# Usage: tools/gpu/tests_on_gpu.sh OUT_DIR [TEST...]
#   TEST: a test's path without .cc, e.g. tests/models/dropout_test
set -euo pipefail
out=$(realpath -m "${1:?usage: $0 OUT_DIR [TEST...]}")
shift
tests=("$@")
((${#tests[@]})) || tests=(tests/models/transformer_student_test tests/distill/feature_matching_test
  tests/distill/feature_losses_test tests/models/lstm_recurrence_test tests/models/dropout_test
  tests/distill/fresh_gradients_test tests/models/cnn_student_test)
cd "$(dirname "$0")/../.."
for test in "${tests[@]}"; do
  [[ -f $test.cc ]] || { echo "$0: $test.cc: no such file (paths are from the repository's root)" >&2; exit 2; }
done
mkdir -p "$out"
# The tests reach the tokenizer (ICU) and the content hash (OpenSSL) too.
export EXTRA_LIBS="-lgtest -lgtest_main -licui18n -licuuc -licudata -lcrypto"
status=0
for test in "${tests[@]}"; do
  binary="$out/$(basename "$test")"
  sources=("$test.cc")
  # Registrations have no header for the include closure to follow (Bazel's alwayslink).
  [[ $test == */feature_losses_test ]] &&
    sources+=(tests/distill/synthetic_task.cc lib/distill/paper_losses.cc
              lib/distill/adaptive_kl_loss.cc lib/distill/tinybert_loss.cc lib/distill/minilm_loss.cc)
  tools/gpu/build_with_pytorch.sh "$binary" "${sources[@]}" >"$out/$(basename "$test").build.txt" 2>&1 ||
    { echo "$test: build failed (see $out/$(basename "$test").build.txt)"; tail -20 "$out/$(basename "$test").build.txt"; status=1; continue; }
  rc=0
  "$binary" --gtest_output="xml:$out/$(basename "$test").xml" >"$out/$(basename "$test").log" 2>&1 || rc=$?
  grep -E '^\[ *(OK|FAILED|SKIPPED|PASSED) *\]|Failure' "$out/$(basename "$test").log" || true
  echo "$test: exit $rc"
  ((rc == 0)) || status=1
done
exit $status
