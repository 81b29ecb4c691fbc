#include "lib/models/sequence_masking.h"

#include <torch/torch.h>

#include <limits>
#include <vector>

namespace kdbench {

at::Tensor MaskedMaxPool(const torch::Tensor& outputs, const torch::Tensor& mask) {
  torch::Tensor expanded = mask.unsqueeze(-1).to(torch::kBool);
  torch::Tensor filled =
      outputs.masked_fill(~expanded, -std::numeric_limits<float>::infinity());
  torch::Tensor pooled = std::get<0>(filled.max(1));
  // All-padding rows: -inf -> 0.
  torch::Tensor any = mask.to(torch::kBool).any(1, /*keepdim=*/true);
  return torch::where(any, pooled, torch::zeros_like(pooled));
}

at::Tensor LengthMask(const torch::Tensor& lengths, int64_t time) {
  return torch::arange(time, lengths.options()).unsqueeze(0) < lengths.unsqueeze(1);
}

at::Tensor ReverseWithinLengths(const torch::Tensor& sequences, const torch::Tensor& lengths) {
  const int64_t time = sequences.size(1);
  torch::Tensor positions = torch::arange(time, lengths.options()).unsqueeze(0);  // [1, time]
  torch::Tensor ends = lengths.unsqueeze(1);                                       // [batch, 1]
  torch::Tensor source = torch::where(positions < ends, ends - 1 - positions, positions);
  // Broadcast the index over the trailing feature dimensions.
  std::vector<int64_t> shape = source.sizes().vec();
  for (int64_t d = 2; d < sequences.dim(); ++d) shape.push_back(1);
  torch::Tensor index = source.view(shape).expand(sequences.sizes());
  return sequences.gather(1, index);
}

}  // namespace kdbench
