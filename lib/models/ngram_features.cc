#include "lib/models/ngram_features.h"

#include <torch/torch.h>

#include <vector>

namespace kdbench {

std::pair<torch::Tensor, torch::Tensor> NgramFeatureIds(const torch::Tensor& input_ids,
                                                        const torch::Tensor& lengths,
                                                        const NgramSpace& space) {
  const torch::Tensor ids = input_ids.to(torch::kCPU).contiguous();
  const torch::Tensor cpu_lengths = lengths.to(torch::kCPU).clamp_max(ids.size(1));
  const auto* data = ids.data_ptr<int64_t>();
  const auto* row_lengths = cpu_lengths.data_ptr<int64_t>();
  std::vector<int64_t> features, offsets;
  for (int64_t row = 0; row < ids.size(0); ++row) {
    offsets.push_back(static_cast<int64_t>(features.size()));
    const int64_t* tokens = data + row * ids.size(1);
    for (int64_t t = 0; t < row_lengths[row]; ++t) {
      if (tokens[t] == space.padding_idx) continue;
      features.push_back(tokens[t]);
      if (space.bigram_buckets > 0 && t + 1 < row_lengths[row] &&
          tokens[t + 1] != space.padding_idx) {
        const uint64_t pair = static_cast<uint64_t>(tokens[t]) * 1000003ULL +
                              static_cast<uint64_t>(tokens[t + 1]);
        features.push_back(space.vocab_size +
                           static_cast<int64_t>(pair % static_cast<uint64_t>(space.bigram_buckets)));
      }
    }
  }
  return {torch::tensor(features, torch::kLong).to(input_ids.device()),
          torch::tensor(offsets, torch::kLong).to(input_ids.device())};
}

}  // namespace kdbench
