#include "lib/models/bilstm_student.h"

#include <torch/torch.h>

#include <limits>

namespace kdbench {

torch::Tensor MaskedMaxPool(const torch::Tensor& outputs, const torch::Tensor& mask) {
  torch::Tensor expanded = mask.unsqueeze(-1).to(torch::kBool);
  torch::Tensor filled =
      outputs.masked_fill(~expanded, -std::numeric_limits<float>::infinity());
  torch::Tensor pooled = std::get<0>(filled.max(1));
  // All-padding rows: -inf -> 0.
  torch::Tensor any = mask.to(torch::kBool).any(1, /*keepdim=*/true);
  return torch::where(any, pooled, torch::zeros_like(pooled));
}

void BiLstmStudentImpl::reset() {
  embedding = register_module(
      "embedding", torch::nn::Embedding(torch::nn::EmbeddingOptions(options.vocab_size(),
                                                                    options.embedding_dim())
                                            .padding_idx(options.padding_idx())));
  lstm = register_module(
      "lstm", torch::nn::LSTM(torch::nn::LSTMOptions(options.embedding_dim(), options.hidden_size())
                                  .batch_first(true)
                                  .bidirectional(true)));
  dropout = register_module("dropout", torch::nn::Dropout(options.dropout()));
  classifier = register_module(
      "classifier", torch::nn::Linear(2 * options.hidden_size(), options.num_classes()));
  // Embedding rows U(-0.1, 0.1), as the paper initialises unknown words.
  torch::NoGradGuard no_grad;
  embedding->weight.uniform_(-0.1, 0.1);
  embedding->weight[options.padding_idx()].zero_();
}

StudentOutputs BiLstmStudentImpl::forward(const torch::Tensor& input_ids,
                                          const torch::Tensor& lengths) {
  const int64_t time = input_ids.size(1);
  torch::Tensor embedded = dropout(embedding(input_ids));
  // Packed so that the backward direction starts at each sequence's last
  // real token, not in its padding.
  torch::Tensor clamped = lengths.clamp_min(1).to(torch::kCPU);
  auto packed = torch::nn::utils::rnn::pack_padded_sequence(embedded, clamped,
                                                            /*batch_first=*/true,
                                                            /*enforce_sorted=*/false);
  auto [packed_out, state] = lstm->forward_with_packed_input(packed);
  torch::Tensor outputs = std::get<0>(torch::nn::utils::rnn::pad_packed_sequence(
      packed_out, /*batch_first=*/true, /*padding_value=*/0.0, /*total_length=*/time));
  torch::Tensor mask = torch::arange(time, lengths.options()).unsqueeze(0) <
                       lengths.unsqueeze(1).to(lengths.device());
  StudentOutputs result;
  result.features = MaskedMaxPool(outputs, mask.to(outputs.device()));
  result.logits = classifier(dropout(result.features));
  return result;
}

int64_t BiLstmStudentImpl::EmbeddingParameterCount() const { return embedding->weight.numel(); }

int64_t BiLstmStudentImpl::NonEmbeddingParameterCount() const {
  int64_t total = 0;
  for (const auto& parameter : parameters()) total += parameter.numel();
  return total - EmbeddingParameterCount();
}

}  // namespace kdbench
