// Length-bucketed batches: examples of similar length share a batch, so
// padding to the batch's longest sequence wastes little work. Batches are
// formed inside shuffled pools (not over the whole set) so that training
// still sees a random order; the whole is a deterministic function of the
// seed.
#ifndef KDBENCH_LIB_DATA_LENGTH_BATCHING_H_
#define KDBENCH_LIB_DATA_LENGTH_BATCHING_H_

#include <cstdint>
#include <vector>

namespace kdbench {

struct BatchingOptions {
  int64_t batch_size = 32;
  // Examples sorted together: pool_batches * batch_size.
  int64_t pool_batches = 50;
  bool shuffle = true;  // false: one pool over everything, in length order
  uint64_t seed = 1;
};

// Batches of indices into `lengths`. Every index appears exactly once.
std::vector<std::vector<int64_t>> LengthBucketedBatches(
    const std::vector<int64_t>& lengths, const BatchingOptions& options);

// Share of a padded batch matrix that is padding, over all batches.
double PaddingShare(const std::vector<int64_t>& lengths,
                    const std::vector<std::vector<int64_t>>& batches);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_LENGTH_BATCHING_H_
