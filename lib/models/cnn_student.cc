#include "lib/models/cnn_student.h"

#include <torch/torch.h>

#include <algorithm>

#include "lib/models/sequence_masking.h"

namespace kdbench {

CnnStudentImpl::CnnStudentImpl(CnnStudentOptions options_in) : options(std::move(options_in)) {
  TORCH_CHECK(!options.window_sizes().empty(), "CnnStudent needs at least one window size");
  embedding = register_module(
      "embedding", torch::nn::Embedding(torch::nn::EmbeddingOptions(options.vocab_size(),
                                                                    options.embedding_dim())
                                            .padding_idx(options.padding_idx())));
  convolutions = register_module("convolutions", torch::nn::ModuleList());
  for (int64_t width : options.window_sizes()) {
    convolutions->push_back(torch::nn::Conv1d(
        torch::nn::Conv1dOptions(options.embedding_dim(), options.filters(), width)));
  }
  dropout = register_module("dropout", Dropout(options.dropout()));
  classifier =
      register_module("classifier", torch::nn::Linear(feature_size(), options.num_classes()));
  torch::NoGradGuard no_grad;
  embedding->weight.uniform_(-0.1, 0.1);
  embedding->weight[options.padding_idx()].zero_();
}

StudentOutputs CnnStudentImpl::forward(const torch::Tensor& input_ids,
                                       const torch::Tensor& lengths) {
  const int64_t widest =
      *std::max_element(options.window_sizes().begin(), options.window_sizes().end());
  torch::Tensor ids = input_ids;
  torch::Tensor device_lengths = lengths.to(input_ids.device()).clamp_max(input_ids.size(1));
  // Real tokens only: padding ids become the (zero) padding row.
  ids = ids.masked_fill(~LengthMask(device_lengths, ids.size(1)), options.padding_idx());
  if (ids.size(1) < widest) {
    ids = torch::constant_pad_nd(ids, {0, widest - ids.size(1)}, options.padding_idx());
  }
  torch::Tensor embedded = dropout(embedding(ids)).transpose(1, 2);  // [batch, dim, time]
  std::vector<torch::Tensor> pooled;
  for (size_t i = 0; i < options.window_sizes().size(); ++i) {
    const int64_t width = options.window_sizes()[i];
    torch::Tensor maps =
        torch::relu(convolutions[i]->as<torch::nn::Conv1d>()->forward(embedded));  // [b, f, t']
    // Windows starting at t < max(length - width + 1, 1). ReLU outputs are
    // >= 0 and every row has a valid window, so zeroing the others leaves
    // the max unchanged: a product, cheaper than filling -inf on a
    // transposed copy.
    torch::Tensor valid = (device_lengths - width + 1).clamp_min(1);
    torch::Tensor mask = LengthMask(valid, maps.size(2)).unsqueeze(1).to(maps.dtype());
    pooled.push_back(std::get<0>((maps * mask).max(2)));
  }
  StudentOutputs result;
  result.features = torch::cat(pooled, 1);
  result.logits = classifier(dropout(result.features));
  return result;
}

std::vector<LayerGroup> CnnStudentImpl::LayerGroups() {
  return {{"embedding", embedding->parameters()},
          {"convolutions", convolutions->parameters()},
          {"classifier", classifier->parameters()}};
}

}  // namespace kdbench
