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
#include "lib/util/progress.h"
#include "lib/util/runfiles.h"
#include "lib/util/runtime_environment.h"

namespace kdbench {
namespace {

std::string DefaultStoreDirectory(const std::string& profile) {
  const char* home = std::getenv("HOME");
  return absl::StrCat(home ? home : "/tmp", "/.cache/kdbench/store/", profile);
}

}  // namespace

int RunGrids(const GridRunOptions& options, const GridReporter& report) {
  const auto start = std::chrono::steady_clock::now();
  const std::string& profile_name = options.profile;
  absl::StatusOr<GridProfile> profile = LoadGridProfile(
      LocateInput(options.profile_file), profile_name, LocateInput(options.config));
  if (!profile.ok()) {
    std::fprintf(stderr, "kdbench: %s\n", std::string(profile.status().message()).c_str());
    return 2;
  }
  std::vector<uint64_t> seeds;
  const int seed_count = options.seeds > 0 ? options.seeds : static_cast<int>(profile->seeds());
  for (int seed = 1; seed <= seed_count; ++seed) seeds.push_back(seed);

  const std::vector<std::string>& grid_files = options.grid_files;
  if (grid_files.empty()) {
    std::fprintf(stderr, "kdbench: --grids=FILE[,FILE...] is required (benchmarks/grids/)\n");
    return 2;
  }
  std::vector<Grid> grids;
  std::set<std::string> datasets, roles;
  for (const std::string& file : grid_files) {
    absl::StatusOr<GridSpec> spec = ReadGridSpec(LocateInput(file));
    if (!spec.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(spec.status().message()).c_str());
      return 2;
    }
    absl::StatusOr<std::vector<GridCell>> cells = ExpandGrid(*spec, profile->datasets(), seeds);
    if (!cells.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(cells.status().message()).c_str());
      return 2;
    }
    for (const GridCell& cell : *cells) datasets.insert(cell.dataset), roles.insert(cell.teacher);
    grids.push_back({*std::move(spec), *std::move(cells)});
  }
  const std::vector<std::string> missing = profile->Missing(
      std::vector<std::string>(datasets.begin(), datasets.end()),
      std::vector<std::string>(roles.begin(), roles.end()));
  if (!missing.empty()) {
    std::fprintf(stderr,
                 "kdbench: the %s profile needs files this machine has not been given:\n",
                 profile_name.c_str());
    for (const std::string& item : missing) std::fprintf(stderr, "  - %s\n", item.c_str());
    std::fprintf(stderr,
                 "Write these settings into a TOML file and pass it with --config=FILE "
                 "(see benchmarks/grids/README.md).\n");
    return 2;
  }
  absl::StatusOr<Shard> shard = ResolveShard(options.shard);
  if (!shard.ok()) {
    std::fprintf(stderr, "kdbench: %s\n", std::string(shard.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<c10::Device> device = ResolveDevice(options.device);
  if (!device.ok()) {
    std::fprintf(stderr, "kdbench: %s\n", std::string(device.status().message()).c_str());
    return 2;
  }
  std::string results_dir = options.results_dir;
  if (results_dir.empty()) results_dir = WorkspaceDirectory() + "/results/" + profile_name;
  std::string store_dir = options.store_dir;
  if (store_dir.empty()) store_dir = DefaultStoreDirectory(profile_name);
  const std::string& phase = options.phase;
  const int jobs = std::max(1, options.jobs);
  // The binary's own: workers run the same binary, whatever edits happen.
  const std::string git_revision = BuildRevision();
  GridRunner runner(&*profile,
                    {.store_dir = store_dir,
                     .results_dir = results_dir,
                     .git_revision = git_revision,
                     // A worker's stderr is its own log file: per-epoch lines
                     // there show how far a long cell is.
                     .progress = phase == "work" || (phase == "benchmark" && jobs == 1)},
                    *device);

  // A merge reports every cell, whatever shard variables its environment has.
  if (phase == "merge") *shard = Shard{};
  KeyedCells cells = DistinctCells(grids, runner);
  if (shard->count > 1) cells = CellsOfShard(cells, *shard);

  if (phase == "list") {
    for (const Grid& grid : grids) {
      std::printf("# %s (table %s): %s, %zu cells\n", grid.spec.id.c_str(),
                  grid.spec.table.c_str(), grid.spec.title.c_str(), grid.cells.size());
      for (const GridCell& cell : grid.cells) {
        std::printf("%s %s %s\n", runner.CellKey(cell).substr(0, 16).c_str(),
                    runner.FinishedCell(cell).ok() ? "done   " : "pending", cell.Name().c_str());
      }
    }
    return 0;
  }
  if (phase != "benchmark" && phase != "teachers" && phase != "cells" && phase != "work" &&
      phase != "merge") {
    std::fprintf(stderr,
                 "kdbench: --phase=%s: unknown; known: benchmark, teachers, cells, work, merge, "
                 "list\n",
                 phase.c_str());
    return 2;
  }
  // Workers run under their parent's locks.
  const bool reporting = phase == "merge" || (phase == "benchmark" && shard->count == 1);
  absl::StatusOr<std::vector<std::unique_ptr<FileLock>>> locks;
  if (!options.worker) {
    locks = LockResults(results_dir, reporting, *shard);
    if (!locks.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(locks.status().message()).c_str());
      return absl::IsUnavailable(locks.status()) ? kResultsBusy : 1;
    }
  }
  if (phase == "teachers") {
    return RunTeacherPhase(cells, runner, profile->teacher_per_seed()) == 0 ? 0 : 1;
  }
  if (phase == "cells") return RunCellPhase(cells, runner) == 0 ? 0 : 1;
  if (phase == "work") {
    return RunTeachersThenCells(cells, runner, profile->teacher_per_seed()) == 0 ? 0 : 1;
  }
  if (phase == "merge") {
    if (absl::Status status = ImportResults(options.imports, results_dir); !status.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
      return 1;
    }
    std::vector<std::string> missing;
    for (const auto& [key, cell] : cells) {
      if (!runner.FinishedCell(cell).ok()) missing.push_back(cell.Name());
    }
    if (!missing.empty()) {
      std::fprintf(stderr,
                   "kdbench: merge: %zu of %zu cells have no intact record in %s (a shard failed "
                   "or has not run yet):\n",
                   missing.size(), cells.size(), results_dir.c_str());
      for (size_t i = 0; i < missing.size() && i < 10; ++i) {
        std::fprintf(stderr, "  - %s\n", missing[i].c_str());
      }
      if (missing.size() > 10) std::fprintf(stderr, "  ... and %zu more\n", missing.size() - 10);
      std::fprintf(stderr,
                   "Rerun the failed shards (they resume), or run without --shard to compute "
                   "the missing cells here; then merge again.\n");
      return 1;
    }
  }
  int64_t pending = 0;
  for (const auto& [key, cell] : cells) pending += runner.FinishedCell(cell).ok() ? 0 : 1;
  std::fprintf(stderr, "kdbench: %zu grid(s), %zu distinct cells, %lld to compute; results in %s\n",
               grids.size(), cells.size(), static_cast<long long>(pending), results_dir.c_str());
  // The run that reports logs its segments when it computes, so that a run
  // stopped and resumed is timed by all of them (report/run_time.py).
  int segment = 0;
  if (phase == "benchmark" && shard->count == 1 && pending > 0) {
    absl::StatusOr<int> started = StartRunSegment(
        results_dir, absl::StrCat("git ", git_revision.substr(0, 12), ", ", jobs, " jobs, ",
                                  pending, " cells to compute"));
    if (!started.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(started.status().message()).c_str());
      return 1;
    }
    segment = *started;
  }
  if (shard->count > 1) {
    std::fprintf(stderr, "kdbench: shard %lld/%lld: %zu of the grids' cells\n",
                 static_cast<long long>(shard->index), static_cast<long long>(shard->count),
                 cells.size());
  }
  if (jobs > 1 && pending > 0) {
    // Worker flags: the same run, one phase each.
    std::vector<std::string> pass_flags = {
        absl::StrCat("--grids=", absl::StrJoin(grid_files, ",")),
        absl::StrCat("--profile=", profile_name),
        absl::StrCat("--profile_file=", LocateInput(options.profile_file)),
        absl::StrCat("--config=", LocateInput(options.config)),
        absl::StrCat("--seeds=", seed_count),
        absl::StrCat("--results_dir=", results_dir),
        absl::StrCat("--store_dir=", store_dir),
        absl::StrCat("--threads=",
                     options.threads > 0 ? options.threads : std::max(1, HardwareThreads() / jobs)),
        absl::StrCat("--device=", options.device),
        absl::StrCat("--shard=", shard->index, "/", shard->count)};
    int64_t teachers = 0;
    for (const auto& [id, job] : TeacherJobs(cells, runner, profile->teacher_per_seed())) {
      teachers += runner.TeacherReady(job) ? 0 : 1;
    }
    if (int status = RunWorkers(jobs, "work", pass_flags, results_dir,
                                {{"teacher", teachers}, {"cell", pending}}, start);
        status != 0) {
      return status;
    }
  } else if (shard->count > 1 && pending > 0) {
    if (RunTeachersThenCells(cells, runner, profile->teacher_per_seed()) != 0) {
      std::fprintf(stderr, "kdbench: shard %lld/%lld: some cells failed (see above)\n",
                   static_cast<long long>(shard->index), static_cast<long long>(shard->count));
      return 1;
    }
  }
  if (shard->count > 1) {
    // A shard leaves the reporting to the merge; its summary says what it did.
    if (absl::Status status =
            WriteShardSummary(results_dir, *shard, cells,
                              {.git_revision = git_revision,
                               .cells_computed = pending,
                               .seconds = SecondsSince(start)});
        !status.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
      return 1;
    }
    std::fprintf(stderr,
                 "kdbench: shard %lld/%lld done in %s: %zu cells, %lld computed; merge the "
                 "shards with ./kdbench merge\n",
                 static_cast<long long>(shard->index), static_cast<long long>(shard->count),
                 FormatDuration(SecondsSince(start)).c_str(), cells.size(),
                 static_cast<long long>(pending));
    return 0;
  }
  const int failures = report(grids, runner, results_dir);

  // The manifest ties the run together: which cells make each grid.
  if (absl::Status status = WriteRunManifest(results_dir, *profile,
                                             {.profile_name = profile_name,
                                              .seeds = seeds,
                                              .git_revision = git_revision,
                                              .device = device->str(),
                                              .jobs = jobs,
                                              .cells_computed = pending,
                                              .seconds = SecondsSince(start),
                                              .merge = phase == "merge"},
                                             grids, runner);
      !status.ok()) {
    std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  if (segment > 0) {
    if (absl::Status status = EndRunSegment(
            results_dir, segment, absl::StrCat(pending, " cells to compute, ", failures, " failed"));
        !status.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
      return 1;
    }
  }
  std::fprintf(stderr, "kdbench: %zu grid(s) done in %s; %d cell(s) failed; manifest %s\n",
               grids.size(), FormatDuration(SecondsSince(start)).c_str(), failures,
               (results_dir + "/manifest.json").c_str());
  return failures == 0 ? 0 : 1;
}

}  // namespace kdbench
