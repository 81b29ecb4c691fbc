#include "lib/experiment/grid_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/experiment/claimed_work.h"
#include "lib/experiment/grid_profile.h"
#include "lib/experiment/results_import.h"
#include "lib/experiment/results_lock.h"
#include "lib/experiment/run_log.h"
#include "lib/experiment/run_manifest.h"
#include "lib/experiment/shard.h"
#include "lib/experiment/worker_pool.h"
#include "lib/util/build_revision.h"
#include "lib/util/device.h"
#include "lib/util/named_choices.h"
#include "lib/util/progress.h"
#include "lib/util/runfiles.h"
#include "lib/util/runtime_environment.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

enum class GridPhase { kBenchmark, kTeachers, kCells, kWork, kMerge, kList };

const NamedChoices<GridPhase>& GridPhaseNames() {
  static const auto* names = new NamedChoices<GridPhase>{
      {GridPhase::kBenchmark, "benchmark"}, {GridPhase::kTeachers, "teachers"},
      {GridPhase::kCells, "cells"},         {GridPhase::kWork, "work"},
      {GridPhase::kMerge, "merge"},         {GridPhase::kList, "list"}};
  return *names;
}

std::string DefaultStoreDirectory(const std::string& profile) {
  const char* home = std::getenv("HOME");
  return absl::StrCat(home ? home : "/tmp", "/.cache/kdbench/store/", profile);
}

// A run's options resolved once: the profile read, the grids expanded, the
// shard, device, phase and directories decided.
struct ResolvedRun {
  GridProfile profile;
  std::vector<uint64_t> seeds;
  std::vector<Grid> grids;
  Shard shard;
  c10::Device device = c10::Device(c10::kCPU);
  GridPhase phase = GridPhase::kBenchmark;
  std::string results_dir;
  std::string store_dir;
  int jobs = 1;
};

// Bad input is an error naming the file, setting or flag (exit status 2).
absl::StatusOr<ResolvedRun> ResolveRun(const GridRunOptions& options) {
  ASSIGN_OR_RETURN(GridProfile profile,
                   LoadGridProfile(LocateInput(options.profile_file), options.profile,
                                   LocateInput(options.config)));
  ResolvedRun run{.profile = std::move(profile)};
  const int seed_count =
      options.seeds > 0 ? options.seeds : static_cast<int>(run.profile.seeds());
  for (int seed = 1; seed <= seed_count; ++seed) run.seeds.push_back(seed);
  if (options.grid_files.empty()) {
    return absl::InvalidArgumentError(
        "--grids=FILE[,FILE...] is required (benchmarks/grids/)");
  }
  std::set<std::string> datasets, roles;
  for (const std::string& file : options.grid_files) {
    ASSIGN_OR_RETURN(GridSpec spec, ReadGridSpec(LocateInput(file)));
    ASSIGN_OR_RETURN(std::vector<GridCell> cells,
                     ExpandGrid(spec, run.profile.datasets(), run.seeds));
    for (const GridCell& cell : cells) datasets.insert(cell.dataset), roles.insert(cell.teacher);
    run.grids.push_back({std::move(spec), std::move(cells)});
  }
  const std::vector<std::string> missing =
      run.profile.Missing(std::vector<std::string>(datasets.begin(), datasets.end()),
                          std::vector<std::string>(roles.begin(), roles.end()));
  if (!missing.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the ", options.profile, " profile needs files this machine has not been given:\n  - ",
        absl::StrJoin(missing, "\n  - "),
        "\nWrite these settings into a TOML file and pass it with --config=FILE "
        "(see benchmarks/grids/README.md)."));
  }
  ASSIGN_OR_RETURN(run.shard, ResolveShard(options.shard));
  ASSIGN_OR_RETURN(run.device, ResolveDevice(options.device));
  ASSIGN_OR_RETURN(run.phase, ParseChoice(GridPhaseNames(), "phase", options.phase));
  // A merge reports every cell, whatever shard variables its environment has.
  if (run.phase == GridPhase::kMerge) run.shard = Shard{};
  run.results_dir = options.results_dir.empty()
                        ? WorkspaceDirectory() + "/results/" + options.profile
                        : options.results_dir;
  run.store_dir =
      options.store_dir.empty() ? DefaultStoreDirectory(options.profile) : options.store_dir;
  run.jobs = std::max(1, options.jobs);
  return run;
}

// A merge needs every cell's record: a shard that failed or has not run is
// named, with what to do.
absl::Status CheckMerged(const KeyedCells& cells, const GridRunner& runner,
                         const std::string& results_dir) {
  std::vector<std::string> missing;
  for (const auto& [key, cell] : cells) {
    if (!runner.FinishedCell(cell).ok()) missing.push_back(cell.Name());
  }
  if (missing.empty()) return absl::OkStatus();
  std::string listed;
  for (size_t i = 0; i < missing.size() && i < 10; ++i) {
    absl::StrAppend(&listed, "  - ", missing[i], "\n");
  }
  if (missing.size() > 10) absl::StrAppend(&listed, "  ... and ", missing.size() - 10, " more\n");
  return absl::NotFoundError(absl::StrCat(
      "merge: ", missing.size(), " of ", cells.size(), " cells have no intact record in ",
      results_dir, " (a shard failed or has not run yet):\n", listed,
      "Rerun the failed shards (they resume), or run without --shard to compute the missing "
      "cells here; then merge again."));
}

// The flags of a --jobs run's workers: the same run, one phase each.
std::vector<std::string> WorkerFlags(const GridRunOptions& options, const ResolvedRun& run) {
  return {absl::StrCat("--grids=", absl::StrJoin(options.grid_files, ",")),
          absl::StrCat("--profile=", options.profile),
          absl::StrCat("--profile_file=", LocateInput(options.profile_file)),
          absl::StrCat("--config=", LocateInput(options.config)),
          absl::StrCat("--seeds=", run.seeds.size()),
          absl::StrCat("--results_dir=", run.results_dir),
          absl::StrCat("--store_dir=", run.store_dir),
          absl::StrCat("--threads=", options.ThreadsPerWorker()),
          absl::StrCat("--device=", options.device),
          absl::StrCat("--shard=", run.shard.index, "/", run.shard.count)};
}

int Fail(const absl::Status& status, int exit_status = 1) {
  std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
  return exit_status;
}

void ListCells(const std::vector<Grid>& grids, const GridRunner& runner) {
  for (const Grid& grid : grids) {
    std::printf("# %s (table %s): %s, %zu cells\n", grid.spec.id.c_str(), grid.spec.table.c_str(),
                grid.spec.title.c_str(), grid.cells.size());
    for (const GridCell& cell : grid.cells) {
      std::printf("%s %s %s\n", runner.CellKey(cell).substr(0, 16).c_str(),
                  runner.FinishedCell(cell).ok() ? "done   " : "pending", cell.Name().c_str());
    }
  }
}

}  // namespace

int GridRunOptions::ThreadsPerWorker() const {
  // A negative count is passed on, for ConfigureThreads to refuse.
  return threads != 0 ? threads : std::max(1, HardwareThreads() / std::max(1, jobs));
}

int RunGrids(const GridRunOptions& options, const GridReporter& report) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<ResolvedRun> resolved = ResolveRun(options);
  if (!resolved.ok()) return Fail(resolved.status(), 2);
  ResolvedRun& run = *resolved;
  const std::string& results_dir = run.results_dir;
  const GridPhase phase = run.phase;
  const Shard& shard = run.shard;
  // The binary's own: workers run the same binary, whatever edits happen.
  const std::string git_revision = BuildRevision();
  GridRunner runner(&run.profile,
                    {.store_dir = run.store_dir,
                     .results_dir = results_dir,
                     .git_revision = git_revision,
                     // A worker's stderr is its own log file: per-epoch lines
                     // there show how far a long cell is.
                     .progress = phase == GridPhase::kWork ||
                                 (phase == GridPhase::kBenchmark && run.jobs == 1)},
                    run.device);
  KeyedCells cells = DistinctCells(run.grids, runner);
  if (shard.count > 1) cells = CellsOfShard(cells, shard);
  if (phase == GridPhase::kList) {
    ListCells(run.grids, runner);
    return 0;
  }
  // Workers run under their parent's locks.
  const bool reporting =
      phase == GridPhase::kMerge || (phase == GridPhase::kBenchmark && shard.count == 1);
  absl::StatusOr<std::vector<std::unique_ptr<FileLock>>> locks;
  if (!options.worker) {
    locks = LockResults(results_dir, reporting, shard);
    if (!locks.ok()) return Fail(locks.status(), absl::IsUnavailable(locks.status()) ? kResultsBusy : 1);
  }
  const bool per_seed = run.profile.teacher_per_seed();
  switch (phase) {
    case GridPhase::kTeachers:
      return RunTeacherPhase(cells, runner, per_seed) == 0 ? 0 : 1;
    case GridPhase::kCells:
      return RunCellPhase(cells, runner) == 0 ? 0 : 1;
    case GridPhase::kWork:
      return RunTeachersThenCells(cells, runner, per_seed) == 0 ? 0 : 1;
    case GridPhase::kMerge:
      if (absl::Status status = ImportResults(options.imports, results_dir); !status.ok()) {
        return Fail(status);
      }
      if (absl::Status status = CheckMerged(cells, runner, results_dir); !status.ok()) {
        return Fail(status);
      }
      break;
    default:
      break;
  }
  int64_t pending = 0;
  for (const auto& [key, cell] : cells) pending += runner.FinishedCell(cell).ok() ? 0 : 1;
  std::fprintf(stderr, "kdbench: %zu grid(s), %zu distinct cells, %lld to compute; results in %s\n",
               run.grids.size(), cells.size(), static_cast<long long>(pending),
               results_dir.c_str());
  // The run that reports logs its segments when it computes, so that a run
  // stopped and resumed is timed by all of them (report/run_time.py).
  int segment = 0;
  if (phase == GridPhase::kBenchmark && shard.count == 1 && pending > 0) {
    absl::StatusOr<int> started = StartRunSegment(
        results_dir, absl::StrCat("git ", git_revision.substr(0, 12), ", ", run.jobs, " jobs, ",
                                  pending, " cells to compute"));
    if (!started.ok()) return Fail(started.status());
    segment = *started;
  }
  if (shard.count > 1) {
    std::fprintf(stderr, "kdbench: shard %lld/%lld: %zu of the grids' cells\n",
                 static_cast<long long>(shard.index), static_cast<long long>(shard.count),
                 cells.size());
  }
  if (run.jobs > 1 && pending > 0) {
    int64_t teachers = 0;
    for (const auto& [id, job] : TeacherJobs(cells, runner, per_seed)) {
      teachers += runner.TeacherReady(job) ? 0 : 1;
    }
    if (int status = RunWorkers(run.jobs, "work", WorkerFlags(options, run), results_dir,
                                {{"teacher", teachers}, {"cell", pending}}, start);
        status != 0) {
      return status;
    }
  } else if (shard.count > 1 && pending > 0) {
    if (RunTeachersThenCells(cells, runner, per_seed) != 0) {
      std::fprintf(stderr, "kdbench: shard %lld/%lld: some cells failed (see above)\n",
                   static_cast<long long>(shard.index), static_cast<long long>(shard.count));
      return 1;
    }
  }
  const RunFacts facts{.profile_name = options.profile,
                       .seeds = run.seeds,
                       .git_revision = git_revision,
                       .device = run.device.str(),
                       .jobs = run.jobs,
                       .cells_computed = pending,
                       .seconds = SecondsSince(start),
                       .merge = phase == GridPhase::kMerge};
  if (shard.count > 1) {
    // A shard leaves the reporting to the merge; its summary says what it did.
    if (absl::Status status = WriteShardSummary(results_dir, shard, cells, facts); !status.ok()) {
      return Fail(status);
    }
    std::fprintf(stderr,
                 "kdbench: shard %lld/%lld done in %s: %zu cells, %lld computed; merge the "
                 "shards with ./kdbench merge\n",
                 static_cast<long long>(shard.index), static_cast<long long>(shard.count),
                 FormatDuration(SecondsSince(start)).c_str(), cells.size(),
                 static_cast<long long>(pending));
    return 0;
  }
  const int failures = report(run.grids, runner, results_dir);
  // The manifest ties the run together: which cells make each grid.
  RunFacts finished = facts;
  finished.seconds = SecondsSince(start);
  if (absl::Status status =
          WriteRunManifest(results_dir, run.profile, finished, run.grids, runner);
      !status.ok()) {
    return Fail(status);
  }
  if (segment > 0) {
    if (absl::Status status = EndRunSegment(
            results_dir, segment,
            absl::StrCat(pending, " cells to compute, ", failures, " failed"));
        !status.ok()) {
      return Fail(status);
    }
  }
  std::fprintf(stderr, "kdbench: %zu grid(s) done in %s; %d cell(s) failed; manifest %s\n",
               run.grids.size(), FormatDuration(SecondsSince(start)).c_str(), failures,
               (results_dir + "/manifest.json").c_str());
  return failures == 0 ? 0 : 1;
}

}  // namespace kdbench
