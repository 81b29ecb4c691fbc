// One run reports into a results directory at a time: a run that reports
// (writes the benchmark JSON and the manifest) holds <results>/.lock alone;
// runs that only add cell records (shards, phases) share it, and a shard
// also holds its own lock so that it runs once at a time.
#ifndef KDBENCH_LIB_EXPERIMENT_RESULTS_LOCK_H_
#define KDBENCH_LIB_EXPERIMENT_RESULTS_LOCK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/experiment/shard.h"
#include "lib/util/file_lock.h"

namespace kdbench {

// The exit status of a run that finds its results directory taken.
inline constexpr int kResultsBusy = 3;

// The locks for this run, held while they live. UnavailableError, naming
// the holder and what to do, when another run has them.
absl::StatusOr<std::vector<std::unique_ptr<FileLock>>> LockResults(const std::string& results_dir,
                                                                   bool reporting,
                                                                   const Shard& shard);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_RESULTS_LOCK_H_
