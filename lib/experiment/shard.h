// A run's share of a grid's cells: shard i of n takes every n-th distinct
// cell, so shards run on separate machines (Slurm arrays) and merge later.
#ifndef KDBENCH_LIB_EXPERIMENT_SHARD_H_
#define KDBENCH_LIB_EXPERIMENT_SHARD_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "lib/experiment/work_plan.h"

namespace kdbench {

struct Shard {
  int64_t index = 0, count = 1;
};

// --shard=i/n, else Slurm's array variables, else Bazel's test sharding,
// else the whole (0/1). `flag` is what --shard says.
absl::StatusOr<Shard> ResolveShard(const std::string& flag);

// The cells of `shard`: every count-th, starting at index.
KeyedCells CellsOfShard(const KeyedCells& cells, const Shard& shard);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_SHARD_H_
