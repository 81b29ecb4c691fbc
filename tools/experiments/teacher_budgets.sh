#!/bin/bash
# The issue-4 comparison: each mini teacher against the no-distillation
# student trained on the same labels, per label budget (seed 1).
# Appends JSON lines to $OUT/teachers.jsonl and $OUT/students.jsonl.
#
# usage: tools/experiments/teacher_budgets.sh OUT_DIR DATASET SIZE PRETRAINED_DIR [BUDGETS] [FINETUNE_LR]
# PRETRAINED_DIR is `kdbench teacher pretrain` output (pre-trained here when
# missing, with the suite's defaults). BUDGETS: labels per class, 0 = all
# (default "100 500 0"). Environment: THREADS (per process; 1 when two
# scripts share 2 cores), PRETRAIN_ARGS (extra `teacher pretrain` flags).
set -euo pipefail
if [[ "$(ps -o pgid= $$ | tr -d ' ')" != "$$" ]]; then exec setsid "$0" "$@"; fi
trap 'trap - INT TERM; kill -- -$$ 2>/dev/null; exit 130' INT TERM
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:?usage: $0 OUT_DIR DATASET SIZE PRETRAINED_DIR [BUDGETS] [FINETUNE_LR]}"
DATASET="${2:?dataset}"
SIZE="${3:?teacher size}"
PRE="${4:?pre-trained teacher directory}"
BUDGETS="${5:-100 500 0}"
LR="${6:-0}"
K="${KDBENCH_BIN:-$ROOT/bazel-bin/cli/kdbench}"
THREADS="${THREADS:-0}"
PRETRAIN_ARGS="${PRETRAIN_ARGS:-}"
mkdir -p "$OUT/logs"
cd "$ROOT"
if [[ ! -s "$PRE/model.safetensors" ]]; then
  # shellcheck disable=SC2086
  "$K" teacher pretrain --dataset="$DATASET" --size="$SIZE" --out="$PRE" --threads="$THREADS" $PRETRAIN_ARGS \
    2>"$OUT/logs/pretrain-$DATASET-$SIZE.log" >>"$OUT/teachers.jsonl" &
  wait $!
fi
for budget in $BUDGETS; do
  name="$DATASET-$SIZE-b$budget"
  if [[ ! -s "$OUT/$name/model.safetensors" ]]; then
    "$K" teacher finetune --dataset="$DATASET" --labels_per_class="$budget" --checkpoint="$PRE" \
      --learning_rate="$LR" --threads="$THREADS" --out="$OUT/$name" 2>"$OUT/logs/finetune-$name.log" \
      >>"$OUT/teachers.jsonl" &
    wait $!
  fi
  student="$DATASET-b$budget"
  if ! grep -q "\"student_cell\":\"$student\"" "$OUT/students.jsonl" 2>/dev/null; then
    "$K" distill --dataset="$DATASET" --labels_per_class="$budget" --teacher="$PRE" --method=none \
      --threads="$THREADS" \
      2>"$OUT/logs/student-$student.log" >"$OUT/logs/student-$student.json" &
    wait $!
    printf '{"student_cell":"%s","result":%s}\n' "$student" \
      "$(tr -d '\n' <"$OUT/logs/student-$student.json")" >>"$OUT/students.jsonl"
  fi
done
