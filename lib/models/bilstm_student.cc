#include "lib/models/bilstm_student.h"

#include <torch/torch.h>

#include <vector>

#include "lib/models/lstm_recurrence.h"

namespace kdbench {
namespace {

// The module holds the parameters (names and layout as LibTorch's, so
// checkpoints are unchanged); LstmThroughTime runs them.
// mask: a recurrent dropout mask, or undefined for none.
torch::Tensor RunLstm(torch::nn::LSTM& lstm, const torch::Tensor& input,
                      const torch::Tensor& mask) {
  const std::vector<torch::Tensor> weights = lstm->all_weights();
  return LstmThroughTime(input, weights[0], weights[1], weights[2], weights[3], mask);
}

}  // namespace

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
  dropout = register_module("dropout", Dropout(options.dropout()));
  if (options.head_width() > 0) {
    head = register_module("head",
                           torch::nn::Linear(2 * options.hidden_size(), options.head_width()));
  }
  classifier = register_module("classifier",
                               torch::nn::Linear(feature_size(), options.num_classes()));
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
  torch::Tensor forward_mask, backward_mask;
  if (is_training() && options.recurrent_dropout() > 0) {
    forward_mask = RecurrentDropoutMask(input_ids.size(0), options.hidden_size(),
                                        options.recurrent_dropout(), embedded.options());
    backward_mask = RecurrentDropoutMask(input_ids.size(0), options.hidden_size(),
                                         options.recurrent_dropout(), embedded.options());
  }
  // Forward direction: padding comes after every real token, so it cannot
  // reach a real position. Backward direction: reversed within each length.
  torch::Tensor forward_out = RunLstm(lstm_forward, embedded, forward_mask);
  torch::Tensor backward_out = ReverseWithinLengths(
      RunLstm(lstm_backward, ReverseWithinLengths(embedded, device_lengths), backward_mask),
      device_lengths);
  StudentOutputs result;
  if (options.pooling() == BiLstmPooling::kLastState) {
    // Forward state after the last real token; backward state after reading
    // back to the first (position 0 once un-reversed). Empty rows give 0.
    torch::Tensor last = (device_lengths - 1).clamp_min(0);
    torch::Tensor rows = torch::arange(input_ids.size(0), last.options());
    torch::Tensor nonempty = (device_lengths > 0).unsqueeze(1).to(forward_out.dtype());
    result.features = torch::cat({forward_out.index({rows, last}), backward_out.select(1, 0)}, 1) *
                      nonempty;
  } else {
    torch::Tensor outputs = torch::cat({forward_out, backward_out}, /*dim=*/2);
    result.features = MaskedMaxPool(outputs, LengthMask(device_lengths, time));
  }
  if (options.head_width() > 0) result.features = torch::gelu(head(dropout(result.features)));
  result.logits = classifier(dropout(result.features));
  return result;
}

std::vector<LayerGroup> BiLstmStudentImpl::LayerGroups() {
  std::vector<torch::Tensor> lstm = lstm_forward->parameters();
  for (const auto& parameter : lstm_backward->parameters()) lstm.push_back(parameter);
  std::vector<torch::Tensor> top = classifier->parameters();
  if (options.head_width() > 0) {
    for (const auto& parameter : head->parameters()) top.push_back(parameter);
  }
  return {{"embedding", embedding->parameters()}, {"bilstm", lstm}, {"classifier", top}};
}

}  // namespace kdbench
