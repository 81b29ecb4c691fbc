#!/bin/bash
# The issue-5 table: SpamAssassin (mini), 100 labels per class, the base
# teacher; no-distillation, hard, soft and soft+repr students under each
# schedule; seeds 1-3 (each seed its own split and its own fine-tuned
# teacher). Appends one JSON line per cell to $OUT/cells.jsonl and skips
# cells already there, so an interrupted run resumes.
#
# usage: tools/experiments/spam_schedules.sh OUT_DIR [PRETRAINED_TEACHER_DIR]
# Without a pre-trained teacher it pre-trains the mini base teacher first
# (about 10 minutes on 2 cores).
set -euo pipefail
# Stopping the script stops its cells too (xargs would go on starting them):
# it runs as its own process group and signals the whole group.
if [[ "$(ps -o pgid= $$ | tr -d ' ')" != "$$" ]]; then exec setsid "$0" "$@"; fi
trap 'trap - INT TERM; kill -- -$$ 2>/dev/null; exit 130' INT TERM
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:?usage: $0 OUT_DIR [PRETRAINED_TEACHER_DIR]}"
PRE="${2:-$OUT/teacher-pre}"
K="${KDBENCH_BIN:-$ROOT/bazel-bin/cli/kdbench}"
SEEDS="${SEEDS:-1 2 3}"
WORKERS="${WORKERS:-2}"
# Caps that fit the table into about an hour on 2 cores: 8 epochs (patience
# 2) per distillation phase, a 2,000-example transfer set (200 of it held
# out for selection in phases without labels), and students reading 64
# WordPieces (the teacher reads 128; the released code gives its student 40).
EPOCHS="${EPOCHS:-8}"
PATIENCE="${PATIENCE:-2}"
TRANSFER_LIMIT="${TRANSFER_LIMIT:-2000}"
MAX_LENGTH="${MAX_LENGTH:-64}"
mkdir -p "$OUT/logs"
touch "$OUT/cells.jsonl" "$OUT/teachers.jsonl"
cd "$ROOT"
if [[ ! -s "$PRE/model.safetensors" ]]; then
  "$K" teacher pretrain --dataset=spamassassin --size=base --labels_per_class=100 --out="$PRE" \
    2>"$OUT/logs/pretrain.log" >>"$OUT/teachers.jsonl"
fi
for seed in $SEEDS; do
  if [[ ! -s "$OUT/teacher-ft-s$seed/model.safetensors" ]]; then
    "$K" teacher finetune --dataset=spamassassin --labels_per_class=100 --seed="$seed" \
      --checkpoint="$PRE" --out="$OUT/teacher-ft-s$seed" \
      2>"$OUT/logs/finetune-s$seed.log" >>"$OUT/teachers.jsonl"
  fi
done
# Fill the teacher-output cache once per teacher, before parallel cells.
for seed in $SEEDS; do
  "$K" teacher outputs --dataset=spamassassin --labels_per_class=100 --seed="$seed" \
    --checkpoint="$OUT/teacher-ft-s$seed" 2>/dev/null >>"$OUT/logs/outputs.jsonl"
done
cells=()
for seed in $SEEDS; do
  cells+=("none joint $seed")
  for method in hard soft soft+repr; do
    for schedule in joint stagewise distil-once; do cells+=("$method $schedule $seed"); done
  done
done
run_cell() {
  local method=$1 schedule=$2 seed=$3
  local name="$method-$schedule-s$seed"
  if grep -q "\"cell\":\"$name\"" "$OUT/cells.jsonl"; then return 0; fi
  if "$K" distill --dataset=spamassassin --labels_per_class=100 --seed="$seed" \
      --teacher="$OUT/teacher-ft-s$seed" --method="$method" --schedule="$schedule" \
      --max_epochs="$EPOCHS" --patience="$PATIENCE" --transfer_limit="$TRANSFER_LIMIT" --max_length="$MAX_LENGTH" --threads=1 \
      >"$OUT/logs/$name.json" 2>"$OUT/logs/$name.log"; then
    # One whole line per cell (flock: the workers share the file).
    (
      flock 9
      printf '{"cell":"%s","result":%s}\n' "$name" "$(tr -d '\n' <"$OUT/logs/$name.json")" >&9
    ) 9>>"$OUT/cells.jsonl"
  else
    echo "cell $name failed; see $OUT/logs/$name.log" >&2
  fi
}
export -f run_cell
export K OUT EPOCHS PATIENCE TRANSFER_LIMIT MAX_LENGTH
# In the background and waited for, so that a signal reaches the trap at once.
printf '%s\n' "${cells[@]}" | xargs -P "$WORKERS" -L 1 bash -c 'run_cell $0 $1 $2' &
wait $!
