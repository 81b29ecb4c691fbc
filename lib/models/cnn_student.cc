#include "lib/models/cnn_student.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>

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
  // [batch, dim, time], made contiguous once here: each convolution would
  // otherwise copy the transposed view itself.
  torch::Tensor embedded = dropout(embedding(ids)).transpose(1, 2).contiguous();
  std::vector<torch::Tensor> pooled;
  for (size_t i = 0; i < options.window_sizes().size(); ++i) {
    const int64_t width = options.window_sizes()[i];
    torch::Tensor maps = convolutions[i]->as<torch::nn::Conv1d>()->forward(embedded);  // [b, f, t']
    // The max over windows starting at t < max(length - width + 1, 1)
    // (every row has one) of ReLU(maps): ReLU is monotonic, so that is ReLU
    // of the max of maps over those windows, with the others at -inf (an
    // added bias, whose backward pass is free). Same values and gradients as
    // ReLU, a 0/1 product and the max, with two passes over the maps fewer
    // each way.
    torch::Tensor valid = (device_lengths - width + 1).clamp_min(1);
    torch::Tensor outside = torch::zeros({maps.size(0), 1, maps.size(2)}, maps.options())
                                .masked_fill_(~LengthMask(valid, maps.size(2)).unsqueeze(1),
                                              -std::numeric_limits<double>::infinity());
    pooled.push_back(torch::relu(std::get<0>((maps + outside).max(2))));
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
