// Merging shards run elsewhere: their intact cell records and shard
// summaries copied into this results directory.
#ifndef KDBENCH_LIB_EXPERIMENT_RESULTS_IMPORT_H_
#define KDBENCH_LIB_EXPERIMENT_RESULTS_IMPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace kdbench {

// Copies the intact cell records (and shard summaries) of results
// directories written elsewhere into `results_dir`. A corrupt record is
// reported and left out: its cell then counts as missing. A source that is
// not a results directory is an error naming it.
absl::Status ImportResults(const std::vector<std::string>& sources, const std::string& results_dir);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_RESULTS_IMPORT_H_
