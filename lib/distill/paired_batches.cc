#include "lib/distill/paired_batches.h"

#include <numeric>

#include "lib/data/length_batching.h"
#include "lib/util/stable_random.h"

namespace kdbench {

std::vector<PairedBatch> PairedBatches(const std::vector<int64_t>& labeled_lengths,
                                       const std::vector<int64_t>& transfer_lengths,
                                       int64_t batch_size, uint64_t seed) {
  std::vector<PairedBatch> paired;
  if (labeled_lengths.empty() || transfer_lengths.empty()) return paired;
  StableRandom random(seed ^ 0x5eedba7c4e5ULL);
  std::vector<int64_t> cycle(labeled_lengths.size());
  size_t next = cycle.size();  // forces a shuffle before the first draw
  for (auto& transfer :
       LengthBucketedBatches(transfer_lengths, {.batch_size = batch_size, .seed = seed})) {
    PairedBatch batch;
    while (batch.labeled.size() < transfer.size()) {
      if (next == cycle.size()) {
        std::iota(cycle.begin(), cycle.end(), 0);
        random.Shuffle(&cycle);
        next = 0;
      }
      batch.labeled.push_back(cycle[next++]);
    }
    batch.transfer = std::move(transfer);
    paired.push_back(std::move(batch));
  }
  return paired;
}

}  // namespace kdbench
