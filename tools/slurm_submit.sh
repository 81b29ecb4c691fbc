#!/usr/bin/env bash
# Runs experiment grids on Slurm: a job array whose task i computes shard
# i/N of the grids' cells, and a merge job that starts when the array has
# finished (afterany) and builds the tables and the report.
#
#   tools/slurm_submit.sh --binary=PATH/grids_benchmark --slurm [--array=N]
#     [--cpus-per-task=N] [--gres=gpu:1] [--partition=P] [--time=T] [--mem=M]
#     [--retries=N] [--sbatch-option=OPT ...] [--dry-run] [--wait]
#     [the flags of ./kdbench reproduce]
#
# Everything a task reads is frozen into RESULTS/slurm/RUN/ at submission
# (the binary, the grids, the profiles, the --config file), so edits or
# rebuilds while the array waits in the queue cannot change its cells.
# A failed task reruns itself up to --retries more times; cells and teachers
# already stored are not recomputed. Logs: RESULTS/slurm/RUN/logs/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/tools/grid_flags.sh"

die() { echo "kdbench submit: $*" >&2; exit 2; }

parse_grid_flags submit "$@" || exit 2
binary="" slurm=0 array=4 cpus="" gres="" partition="" time_limit="" mem="" retries=2
dry_run=0 wait_for_merge=0 options=()
for arg in "${G_REST[@]}"; do
  case "$arg" in
    --binary=*) binary="${arg#*=}" ;;
    --slurm) slurm=1 ;;
    --array=*) array="${arg#*=}" ;;
    --cpus-per-task=*) cpus="${arg#*=}" ;;
    --gres=*) gres="${arg#*=}" ;;
    --partition=*) partition="${arg#*=}" ;;
    --time=*) time_limit="${arg#*=}" ;;
    --mem=*) mem="${arg#*=}" ;;
    --retries=*) retries="${arg#*=}" ;;
    --sbatch-option=*) options+=("${arg#*=}") ;;
    --dry-run) dry_run=1 ;;
    --wait) wait_for_merge=1 ;;
    -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$arg' (see ./kdbench --help)" ;;
  esac
done
(( slurm )) || die "--slurm is required (Slurm is the only scheduler supported)"
[[ -x "$binary" ]] || die "--binary=$binary: not an executable"
[[ "$array" =~ ^[1-9][0-9]*$ ]] || die "--array=$array: need a positive number of tasks"
[[ "$retries" =~ ^[0-9]+$ ]] || die "--retries=$retries: need a number >= 0"
[[ -z "$cpus" || "$cpus" =~ ^[1-9][0-9]*$ ]] || die "--cpus-per-task=$cpus: need a positive number"
# One worker per CPU of the task, unless --jobs says otherwise.
cpus="${cpus:-1}"
jobs_given=0
for arg in "$@"; do [[ "$arg" == --jobs=* ]] && jobs_given=1; done
(( jobs_given )) || G_JOBS="$cpus"
# The task's CPUs split over its workers: a worker must not see the node's cores.
threads=$(( cpus / G_JOBS )); (( threads >= 1 )) || threads=1
if (( ! dry_run )); then
  command -v sbatch >/dev/null ||
    die "sbatch not found: run this on a Slurm login node (or pass --dry-run to only write the scripts)"
fi

absolute() { [[ "$1" == /* ]] && echo "$1" || echo "$PWD/$1"; }
results="$(absolute "$G_RESULTS")"
report="$(absolute "$G_REPORT")"
store="${G_STORE:+$(absolute "$G_STORE")}"
store="${store:-${HOME:-/tmp}/.cache/kdbench/store/$G_PROFILE}"
run_id="$(date -u +%Y%m%dT%H%M%SZ)-$$"
run_dir="$results/slurm/$run_id"
mkdir -p "$run_dir/logs" "$run_dir/benchmarks/grids"

# Freeze the inputs. The jobs run in the run directory, where the grids keep
# their relative names (benchmarks/grids/...), which the results record.
cp "$binary" "$run_dir/grids_benchmark"
for grid in ${G_GRIDS//,/ }; do cp "$ROOT/$grid" "$run_dir/benchmarks/grids/"; done
cp "$ROOT/benchmarks/grids/profiles.toml" "$run_dir/benchmarks/grids/profiles.toml"
config_flag=()
if [[ -n "$G_CONFIG" ]]; then
  cp "$G_CONFIG" "$run_dir/config.toml"
  config_flag=(--config="$run_dir/config.toml")
fi
common=(--grids="$G_GRIDS" --profile="$G_PROFILE" --profile_file=benchmarks/grids/profiles.toml
        --results_dir="$results" --store_dir="$store"
        "${config_flag[@]}")
[[ -n "$G_SEEDS" ]] && common+=(--seeds="$G_SEEDS")
quoted() { local out="" a; for a in "$@"; do out+=" $(printf '%q' "$a")"; done; echo "${out# }"; }

directives() { # NAME LOG
  echo "#SBATCH --job-name=$1"
  echo "#SBATCH --output=$run_dir/logs/$2"
  echo "#SBATCH --chdir=$run_dir"
  echo "#SBATCH --cpus-per-task=$cpus"
  [[ -n "$gres" ]] && echo "#SBATCH --gres=$gres"
  [[ -n "$partition" ]] && echo "#SBATCH --partition=$partition"
  [[ -n "$time_limit" ]] && echo "#SBATCH --time=$time_limit"
  [[ -n "$mem" ]] && echo "#SBATCH --mem=$mem"
  local option
  for option in "${options[@]}"; do echo "#SBATCH $option"; done
}
environment() {
  echo "export KDBENCH_DATA_DIR=$(printf '%q' "${KDBENCH_DATA_DIR:-${HOME:-/tmp}/.cache/kdbench/data}")"
  [[ -n "${LIBTORCH_HOME:-}" ]] && echo "export LIBTORCH_HOME=$(printf '%q' "$LIBTORCH_HOME")"
  return 0
}

{
  echo "#!/usr/bin/env bash"
  directives "kdbench-$G_PROFILE" "shard-%a.out"
  echo "#SBATCH --array=0-$((array - 1))"
  echo "# Shard \$SLURM_ARRAY_TASK_ID/$array of the grids; written by tools/slurm_submit.sh."
  echo "set -uo pipefail"
  environment
  echo "shard=\"\$SLURM_ARRAY_TASK_ID/$array\""
  echo "for attempt in \$(seq 1 $((retries + 1))); do"
  echo "  echo \"kdbench: shard \$shard, attempt \$attempt on \$(hostname) at \$(date -u +%FT%TZ)\""
  echo "  $(quoted "$run_dir/grids_benchmark" "${common[@]}" --jobs="$G_JOBS" --threads="$threads") --shard=\"\$shard\" && exit 0"
  echo "  status=\$?"
  echo "  echo \"kdbench: shard \$shard attempt \$attempt failed with status \$status; stored cells are kept\" >&2"
  echo "  (( status == 2 )) && exit 2  # a usage or input error: retrying cannot help"
  echo "  sleep 5"
  echo "done"
  echo "exit 1"
} >"$run_dir/shard.sbatch"

{
  echo "#!/usr/bin/env bash"
  directives "kdbench-$G_PROFILE-merge" "merge.out"
  echo "# Merges the shards of $run_id; written by tools/slurm_submit.sh."
  echo "set -uo pipefail"
  environment
  echo "$(quoted "$run_dir/grids_benchmark" "${common[@]}" --phase=merge) || exit 1"
  echo "$(quoted python3 "$ROOT/report/make_report.py" --results="$results" --out="$report") || exit 1"
  echo "echo \"kdbench: merged report in $report/report.md\""
} >"$run_dir/merge.sbatch"
chmod +x "$run_dir/shard.sbatch" "$run_dir/merge.sbatch"

if (( dry_run )); then
  echo "kdbench submit: --dry-run: wrote $run_dir/shard.sbatch and $run_dir/merge.sbatch"
  exit 0
fi
array_job="$(sbatch --parsable "$run_dir/shard.sbatch")" ||
  die "sbatch refused the shard array (see above); scripts in $run_dir"
array_job="${array_job%%;*}"
merge_wait=()
(( wait_for_merge )) && merge_wait=(--wait)
echo "kdbench submit: shard array job $array_job ($array tasks); logs in $run_dir/logs/"
echo "kdbench submit: follow with: squeue -j $array_job"
merge_job="$(sbatch --parsable "${merge_wait[@]}" --dependency="afterany:$array_job" \
  "$run_dir/merge.sbatch")" || {
  status=$?
  if (( wait_for_merge )); then
    echo "kdbench submit: the merge job failed (status $status); its log: $run_dir/logs/merge.out" >&2
    tail -20 "$run_dir/logs/merge.out" >&2 2>/dev/null || true
    exit 1
  fi
  die "sbatch refused the merge job; the array $array_job still runs; merge later with ./kdbench merge"
}
echo "kdbench submit: merge job ${merge_job%%;*} (after the array); report in $report/"
(( wait_for_merge )) && echo "kdbench submit: merged; report in $report/report.md"
exit 0
