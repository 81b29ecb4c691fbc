#include "lib/data/length_batching.h"

#include <algorithm>
#include <numeric>

#include "lib/util/stable_random.h"

namespace kdbench {

std::vector<std::vector<int64_t>> LengthBucketedBatches(
    const std::vector<int64_t>& lengths, const BatchingOptions& options) {
  std::vector<int64_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  StableRandom random(options.seed);
  if (options.shuffle) random.Shuffle(&order);
  const auto batch_size = static_cast<size_t>(std::max<int64_t>(1, options.batch_size));
  const size_t pool = options.shuffle
                          ? batch_size * static_cast<size_t>(std::max<int64_t>(1, options.pool_batches))
                          : std::max<size_t>(order.size(), 1);
  std::vector<std::vector<int64_t>> batches;
  for (size_t start = 0; start < order.size(); start += pool) {
    auto begin = order.begin() + static_cast<std::ptrdiff_t>(start);
    auto end = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), start + pool));
    std::stable_sort(begin, end, [&lengths](int64_t a, int64_t b) { return lengths[a] < lengths[b]; });
    for (auto it = begin; it < end; it += static_cast<std::ptrdiff_t>(std::min<size_t>(batch_size, end - it))) {
      batches.emplace_back(it, it + static_cast<std::ptrdiff_t>(std::min<size_t>(batch_size, end - it)));
    }
  }
  if (options.shuffle) random.Shuffle(&batches);
  return batches;
}

double PaddingShare(const std::vector<int64_t>& lengths,
                    const std::vector<std::vector<int64_t>>& batches) {
  double cells = 0, used = 0;
  for (const auto& batch : batches) {
    int64_t longest = 0;
    for (int64_t index : batch) {
      longest = std::max(longest, lengths[index]);
      used += static_cast<double>(lengths[index]);
    }
    cells += static_cast<double>(longest) * static_cast<double>(batch.size());
  }
  return cells > 0 ? 1.0 - used / cells : 0.0;
}

}  // namespace kdbench
