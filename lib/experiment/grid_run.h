// A whole run of experiment grids: the profile and grids resolved once, the
// distinct cells keyed, this run's shard taken, the results directory
// locked, the teachers and cells computed (in worker processes with --jobs)
// or imported (merge), then reported and the run manifest written. The
// benchmark main (benchmarks/grid_benchmark_main.cc) reads the flags into
// GridRunOptions and reports each cell as a Google Benchmark.
//
// Phases: `teachers` and `cells` compute (workers may share them: each
// artifact is claimed by a file lock), `work` does both for one worker,
// `benchmark` (the default) reports, computing what is still missing,
// `merge` checks that every cell is there (importing the records of shards
// run elsewhere) and then reports, `list` prints the cells.
#ifndef KDBENCH_LIB_EXPERIMENT_GRID_RUN_H_
#define KDBENCH_LIB_EXPERIMENT_GRID_RUN_H_

#include <functional>
#include <string>
#include <vector>

#include "lib/experiment/grid_runner.h"
#include "lib/experiment/work_plan.h"

namespace kdbench {

// What the grids benchmark's flags say (their help is in the main).
struct GridRunOptions {
  std::vector<std::string> grid_files;
  std::string profile = "mini";
  std::string profile_file = "benchmarks/grids/profiles.toml";
  std::string config;
  int seeds = 0;            // 0: the profile's
  std::string results_dir;  // "": results/PROFILE in the workspace
  std::string store_dir;    // "": ~/.cache/kdbench/store/PROFILE
  std::string phase = "benchmark";  // benchmark, teachers, cells, work, merge or list
  std::vector<std::string> imports;  // merge: results directories to import
  std::string shard;                 // "i/n", or "" for the environment's
  int jobs = 1;
  int threads = 0;  // per worker; 0: cores / jobs
  std::string device = "auto";
  bool worker = false;  // a worker of a --jobs run: runs under its parent's locks

  // LibTorch threads for each process: `threads`, or (0) the cores shared by
  // the jobs.
  int ThreadsPerWorker() const;
};

// Reports the grids once every cell is computed: returns the failures.
using GridReporter = std::function<int(const std::vector<Grid>& grids, GridRunner& runner,
                                       const std::string& results_dir)>;

// The process exit status: 0 done, 1 failures, 2 bad input,
// kResultsBusy (results_lock.h) when another run holds the directory.
int RunGrids(const GridRunOptions& options, const GridReporter& report);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_GRID_RUN_H_
