#include "lib/text/sequence_encoding.h"

#include <torch/torch.h>

#include <algorithm>

namespace kdbench {

std::vector<int32_t> WithSpecialTokens(const std::vector<int32_t>& ids,
                                       int32_t cls_id, int32_t sep_id,
                                       int64_t max_length) {
  TORCH_CHECK(max_length >= 2, "max_length must leave room for [CLS] and [SEP]");
  const size_t keep = std::min<size_t>(ids.size(), static_cast<size_t>(max_length - 2));
  std::vector<int32_t> out;
  out.reserve(keep + 2);
  out.push_back(cls_id);
  out.insert(out.end(), ids.begin(), ids.begin() + keep);
  out.push_back(sep_id);
  return out;
}

std::vector<int32_t> Truncated(const std::vector<int32_t>& ids,
                               int64_t max_length) {
  const size_t keep = std::min<size_t>(ids.size(), static_cast<size_t>(max_length));
  return std::vector<int32_t>(ids.begin(), ids.begin() + keep);
}

PaddedBatch PadBatch(const std::vector<std::vector<int32_t>>& sequences,
                     int32_t pad_id) {
  const auto batch = static_cast<int64_t>(sequences.size());
  int64_t longest = 0;
  for (const auto& sequence : sequences) {
    longest = std::max<int64_t>(longest, static_cast<int64_t>(sequence.size()));
  }
  PaddedBatch padded;
  padded.ids = torch::full({batch, longest}, static_cast<int64_t>(pad_id), torch::kInt64);
  padded.lengths = torch::empty({batch}, torch::kInt64);
  auto ids = padded.ids.accessor<int64_t, 2>();
  auto lengths = padded.lengths.accessor<int64_t, 1>();
  for (int64_t b = 0; b < batch; ++b) {
    const auto& sequence = sequences[b];
    for (size_t t = 0; t < sequence.size(); ++t) ids[b][t] = sequence[t];
    lengths[b] = static_cast<int64_t>(sequence.size());
  }
  padded.mask = torch::arange(longest, torch::kInt64).unsqueeze(0) <
                padded.lengths.unsqueeze(1);
  return padded;
}

}  // namespace kdbench
