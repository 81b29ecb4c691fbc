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

torch::Tensor LengthMask(const torch::Tensor& lengths, int64_t time) {
  return torch::arange(time, lengths.options()).unsqueeze(0) < lengths.unsqueeze(1);
}

torch::Tensor ReverseWithinLengths(const torch::Tensor& sequences, const torch::Tensor& lengths) {
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

BiLstmStudentImpl::BiLstmStudentImpl(BiLstmStudentOptions options_in)
    : options(std::move(options_in)) {
  embedding = register_module(
      "embedding", torch::nn::Embedding(torch::nn::EmbeddingOptions(options.vocab_size(),
                                                                    options.embedding_dim())
                                            .padding_idx(options.padding_idx())));
  auto lstm_options =
      torch::nn::LSTMOptions(options.embedding_dim(), options.hidden_size()).batch_first(true);
  lstm_forward = register_module("lstm_forward", torch::nn::LSTM(lstm_options));
  lstm_backward = register_module("lstm_backward", torch::nn::LSTM(lstm_options));
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
  torch::Tensor device_lengths = lengths.to(input_ids.device()).clamp_max(time);
  torch::Tensor embedded = dropout(embedding(input_ids));
  // Forward direction: padding comes after every real token, so it cannot
  // reach a real position. Backward direction: reversed within each length.
  torch::Tensor forward_out = std::get<0>(lstm_forward(embedded));
  torch::Tensor backward_out = ReverseWithinLengths(
      std::get<0>(lstm_backward(ReverseWithinLengths(embedded, device_lengths))), device_lengths);
  torch::Tensor outputs = torch::cat({forward_out, backward_out}, /*dim=*/2);
  StudentOutputs result;
  result.features = MaskedMaxPool(outputs, LengthMask(device_lengths, time));
  result.logits = classifier(dropout(result.features));
  return result;
}

std::vector<LayerGroup> BiLstmStudentImpl::LayerGroups() {
  std::vector<torch::Tensor> lstm = lstm_forward->parameters();
  for (const auto& parameter : lstm_backward->parameters()) lstm.push_back(parameter);
  return {{"embedding", embedding->parameters()},
          {"bilstm", lstm},
          {"classifier", classifier->parameters()}};
}

}  // namespace kdbench
