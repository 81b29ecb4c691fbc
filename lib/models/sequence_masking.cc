#include "lib/models/sequence_masking.h"

#include <torch/torch.h>

#include <algorithm>
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

FramedBatch FrameWithClsSep(const torch::Tensor& ids, const torch::Tensor& lengths,
                            int64_t cls_id, int64_t sep_id, int64_t pad_id, int64_t max_total) {
  TORCH_CHECK(max_total >= 2, "a [CLS] ... [SEP] frame needs at least 2 positions");
  const int64_t body = std::min<int64_t>(ids.size(1), max_total - 2);
  torch::Tensor kept = lengths.clamp_max(body).unsqueeze(1);  // [batch, 1]
  torch::Tensor positions = torch::arange(body + 2, lengths.options()).unsqueeze(0);
  torch::Tensor shifted = torch::cat(
      {torch::full({ids.size(0), 1}, cls_id, ids.options()), ids.slice(1, 0, body),
       torch::full({ids.size(0), 1}, pad_id, ids.options())},
      1);
  torch::Tensor framed =
      torch::where(positions <= kept, shifted, torch::full_like(shifted, pad_id));
  framed = torch::where(positions == kept + 1, torch::full_like(shifted, sep_id), framed);
  return {framed, positions <= kept + 1};
}

}  // namespace kdbench
