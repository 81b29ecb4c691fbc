# The grid flags that `./kdbench reproduce`, `merge` and `submit` share
# (sourced, not run). parse_grid_flags COMMAND ARGS... sets:
#   G_PROFILE G_GRIDS G_SEEDS G_RESULTS G_REPORT G_JOBS G_CONFIG G_STORE
#   G_RUN: the run directory (runs/PROFILE-TIME, or --resume's); results,
#     report and teacher store default to its results/, report/, store/
#   G_REFERENCE: the committed reference run of the profile
#   G_REST: the arguments it does not know, for the command to parse
#   G_FLAGS: the grids_benchmark flags for them
# and returns 2 (with a message naming the flag) on a bad value.
KDBENCH_PAPER_TABLES="5,6,7,8,9,10,11,12,transfer,classic"

# Every table of a grids directory, comma-separated: the paper's numbers
# (tableN.toml) in order, then the suite's own grids (NAME.toml).
known_tables() {
  { ls "$1" | sed -n 's/^table\([0-9]*\)\.toml$/\1/p' | sort -n
    ls "$1" | grep -v '^table\|^profiles' | sed -n 's/\.toml$//p'; } | paste -sd, -
}

parse_grid_flags() {
  local command="$1"; shift
  G_PROFILE=mini; G_SEEDS=""; G_RESULTS=""; G_REPORT=""; G_JOBS=""; G_CONFIG=""; G_STORE=""
  G_RUN=""; G_REST=(); G_FLAGS=()
  local resume=""
  # The default is the paper's reproduction: its tables, the transfer-size
  # sweep (its premise) and the classic students (the teachers' naive Bayes
  # floor). The survey's families are hours more at `mini`: --tables=all.
  local tables="$KDBENCH_PAPER_TABLES" arg
  for arg in "$@"; do
    case "$arg" in
      --profile=*) G_PROFILE="${arg#*=}" ;;
      --tables=*) tables="${arg#*=}" ;;
      --seeds=*) G_SEEDS="${arg#*=}" ;;
      --results-dir=* | --results_dir=*) G_RESULTS="${arg#*=}" ;;
      --report-dir=* | --report_dir=*) G_REPORT="${arg#*=}" ;;
      --jobs=*) G_JOBS="${arg#*=}" ;;
      --config=*) G_CONFIG="${arg#*=}" ;;
      --store-dir=* | --store_dir=*) G_STORE="${arg#*=}" ;;
      --resume=*) resume="${arg#*=}" ;;
      *) G_REST+=("$arg") ;;
    esac
  done
  case "$G_PROFILE" in
    mini | smoke | paper) ;;
    *) echo "kdbench $command: --profile=$G_PROFILE: unknown; known: mini, smoke, paper" >&2; return 2 ;;
  esac
  [[ -z "$G_SEEDS" || "$G_SEEDS" =~ ^[1-9][0-9]*$ ]] ||
    { echo "kdbench $command: --seeds=$G_SEEDS: need a positive number" >&2; return 2; }
  [[ -z "$G_JOBS" || "$G_JOBS" =~ ^[1-9][0-9]*$ ]] ||
    { echo "kdbench $command: --jobs=$G_JOBS: need a positive number" >&2; return 2; }
  [[ -z "$G_CONFIG" || -f "$G_CONFIG" ]] ||
    { echo "kdbench $command: --config=$G_CONFIG: no such file" >&2; return 2; }
  local root table
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  G_GRIDS=""
  # A table is the paper's number (benchmarks/grids/tableN.toml) or the name
  # of a grid of the suite's own (benchmarks/grids/NAME.toml: survey).
  local grid
  [[ "$tables" == all ]] && tables="$(known_tables "$root/benchmarks/grids")"
  for table in ${tables//,/ }; do
    table="${table#table}"
    if [[ -f "$root/benchmarks/grids/table$table.toml" ]]; then
      grid="benchmarks/grids/table$table.toml"
    elif [[ $table != profiles && -f "$root/benchmarks/grids/$table.toml" ]]; then
      grid="benchmarks/grids/$table.toml"
    else
      echo "kdbench $command: --tables: no grid for table '$table'; known: $(
        known_tables "$root/benchmarks/grids"), or all" >&2
      return 2
    fi
    G_GRIDS+="${G_GRIDS:+,}$grid"
  done
  [[ -n "$G_GRIDS" ]] || { echo "kdbench $command: --tables is empty" >&2; return 2; }
  # A fresh run directory that git ignores; reusing results is explicit
  # (--resume, or --results-dir / --store-dir of an earlier run).
  if [[ -n "$resume" ]]; then
    [[ -d "$resume/results" ]] || {
      echo "kdbench $command: --resume=$resume: not a run directory (no results/ in it); runs are in $root/runs/" >&2
      return 2; }
    G_RUN="${resume%/}"
  else
    G_RUN="runs/$G_PROFILE-$(date -u +%Y%m%dT%H%M%SZ)"
  fi
  G_RESULTS="${G_RESULTS:-$G_RUN/results}"
  G_REPORT="${G_REPORT:-$G_RUN/report}"
  G_STORE="${G_STORE:-$G_RUN/store}"
  G_REFERENCE="results/reference/$G_PROFILE"  # the commands run in the repository root
  # The paper profile runs on a GPU with one worker; the CPU profiles use
  # one single-threaded worker per core.
  if [[ -z "$G_JOBS" ]]; then
    if [[ "$G_PROFILE" == paper ]]; then G_JOBS=1; else G_JOBS="$(nproc)"; fi
  fi
  G_FLAGS=(--grids="$G_GRIDS" --profile="$G_PROFILE" --results_dir="$G_RESULTS" --jobs="$G_JOBS")
  [[ -n "$G_SEEDS" ]] && G_FLAGS+=(--seeds="$G_SEEDS")
  [[ -n "$G_CONFIG" ]] && G_FLAGS+=(--config="$G_CONFIG")
  [[ -n "$G_STORE" ]] && G_FLAGS+=(--store_dir="$G_STORE")
  return 0
}
