#include "lib/experiment/shard.h"

#include <cstdlib>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kdbench {

absl::StatusOr<Shard> ResolveShard(const std::string& flag) {
  std::string index_text, count_text;
  if (!flag.empty()) {
    std::vector<std::string> parts = absl::StrSplit(flag, '/');
    if (parts.size() != 2) return absl::InvalidArgumentError("--shard must be i/n, e.g. 0/4");
    index_text = parts[0], count_text = parts[1];
  } else if (std::getenv("SLURM_ARRAY_TASK_ID") && std::getenv("SLURM_ARRAY_TASK_COUNT")) {
    index_text = std::getenv("SLURM_ARRAY_TASK_ID");
    count_text = std::getenv("SLURM_ARRAY_TASK_COUNT");
  } else if (std::getenv("TEST_SHARD_INDEX") && std::getenv("TEST_TOTAL_SHARDS")) {
    index_text = std::getenv("TEST_SHARD_INDEX");
    count_text = std::getenv("TEST_TOTAL_SHARDS");
  } else {
    return Shard{};
  }
  Shard shard;
  if (!absl::SimpleAtoi(index_text, &shard.index) || !absl::SimpleAtoi(count_text, &shard.count) ||
      shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
    return absl::InvalidArgumentError(
        absl::StrCat("shard ", index_text, "/", count_text, ": need 0 <= i < n"));
  }
  return shard;
}

KeyedCells CellsOfShard(const KeyedCells& cells, const Shard& shard) {
  KeyedCells mine;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (static_cast<int64_t>(i) % shard.count == shard.index) mine.push_back(cells[i]);
  }
  return mine;
}

}  // namespace kdbench
