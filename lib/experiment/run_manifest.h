// What a run writes about itself: <results>/manifest.json (which cells make
// each grid, the revision, libraries, machine, seeds and the history of runs
// into the directory) and, for a shard, <results>/shards/I-of-N.json (what
// it computed, for the merge's manifest).
#ifndef KDBENCH_LIB_EXPERIMENT_RUN_MANIFEST_H_
#define KDBENCH_LIB_EXPERIMENT_RUN_MANIFEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lib/experiment/grid_profile.h"
#include "lib/experiment/grid_runner.h"
#include "lib/experiment/shard.h"
#include "lib/experiment/work_plan.h"

namespace kdbench {

// The facts of one run, as the manifest records them.
struct RunFacts {
  std::string profile_name;
  std::vector<uint64_t> seeds;
  std::string git_revision;
  std::string device;
  int jobs = 1;
  int64_t cells_computed = 0;
  double seconds = 0;
  bool merge = false;
};

// Writes <results_dir>/manifest.json atomically, keeping the last 50 earlier
// runs of the same profile (a warm rerun must not hide what the run that
// computed the cells cost) and the shards' summaries.
absl::Status WriteRunManifest(const std::string& results_dir, const GridProfile& profile,
                              const RunFacts& run, const std::vector<Grid>& grids,
                              const GridRunner& runner);

// Writes <results_dir>/shards/I-of-N.json: the shard's cells (keys) and what
// it computed.
absl::Status WriteShardSummary(const std::string& results_dir, const Shard& shard,
                               const KeyedCells& cells, const RunFacts& run);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_RUN_MANIFEST_H_
