# Shared by the shell tests (sourced): named checks that count failures, and
# helpers for the smoke grids and their reports.
#   check DESCRIPTION COMMAND...   runs COMMAND, prints ok/FAIL, counts
#   finish                         prints the count; exits 1 on any failure
failures=0
check() {
  local description="$1"; shift
  if "$@"; then echo "ok: $description"; else echo "FAIL: $description"; failures=$((failures + 1)); fi
}

finish() {
  echo "$failures failure(s)"
  exit $((failures > 0))
}

# Every table's grid, comma-separated (run from the workspace or runfiles).
all_grids() { ls benchmarks/grids/*.toml | grep -v /profiles.toml | sort -V | paste -sd, -; }

# The number of distinct cells a grids run reported ("N distinct cells, M to
# compute") in its stderr FILE.
distinct_cells() { grep -oE '[0-9]+ distinct cells' "$1" | head -1 | cut -d' ' -f1; }

# A report.md without what differs between runs of the same cells: the
# header (run times, dates, revision), the benchmark JSON's dates, and the
# teacher forward-pass count (which processes filled the shared cache first
# depends on how the run was split).
report_body() {
  # From the verdicts on, less what differs between runs of the same cells:
  # dates, cache counters, what the run cost, and the provenance rows about
  # the run itself.
  sed -n '/^## Verdicts/,$p' "$1/report.md" |
    awk '/^<a id="run-cost">/ { skip = 1; next } /^<a id=/ { skip = 0 } !skip' |
    sed 's/: date [^,]*,/: date -,/' |
    grep -v '^| teacher forward passes' |
    grep -vE '^\| (environment|jobs|cells computed by this run|cells finished|runs into these results)[^|]*\|'
}

# The report's result metrics hash.
metrics_hash() { grep -o 'result metrics hash | `[0-9a-f]*`' "$1/report.md" | grep -o '[0-9a-f]\{64\}'; }
