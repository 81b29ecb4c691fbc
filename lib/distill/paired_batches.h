// Batches for steps that see labeled and unlabeled data together (eq. 8):
// every step pairs one unlabeled batch with one labeled batch of the same
// size. An epoch is one pass over the (larger) transfer set; the labeled
// examples cycle, reshuffled on each pass, so each is seen about equally
// often.
#ifndef KDBENCH_LIB_DISTILL_PAIRED_BATCHES_H_
#define KDBENCH_LIB_DISTILL_PAIRED_BATCHES_H_

#include <cstdint>
#include <vector>

namespace kdbench {

struct PairedBatch {
  std::vector<int64_t> labeled;   // indices into the labeled set
  std::vector<int64_t> transfer;  // indices into the transfer set
};

// Transfer batches are length-bucketed (see lib/data/length_batching.h);
// labeled batches take the next examples of the labeled cycle and are sized
// to match. Deterministic in `seed`.
std::vector<PairedBatch> PairedBatches(const std::vector<int64_t>& labeled_lengths,
                                       const std::vector<int64_t>& transfer_lengths,
                                       int64_t batch_size, uint64_t seed);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_PAIRED_BATCHES_H_
