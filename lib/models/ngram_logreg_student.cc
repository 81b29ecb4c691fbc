#include "lib/models/ngram_logreg_student.h"

#include <torch/torch.h>

#include "lib/models/ngram_features.h"


namespace kdbench {

NgramLogregStudentImpl::NgramLogregStudentImpl(NgramLogregStudentOptions options_in)
    : options(std::move(options_in)) {
  weights = register_module(
      "weights",
      torch::nn::EmbeddingBag(torch::nn::EmbeddingBagOptions(
                                  options.vocab_size() + options.bigram_buckets(),
                                  options.num_classes())
                                  .mode(torch::kMean)));
  bias = register_parameter("bias", torch::zeros({options.num_classes()}));
  torch::NoGradGuard no_grad;
  // A linear model starts at zero: every class equally likely.
  weights->weight.zero_();
}

StudentOutputs NgramLogregStudentImpl::forward(const torch::Tensor& input_ids,
                                               const torch::Tensor& lengths) {
  auto [features, offsets] = NgramFeatureIds(
      input_ids, lengths,
      {.vocab_size = options.vocab_size(), .bigram_buckets = options.bigram_buckets(),
       .padding_idx = options.padding_idx()});
  StudentOutputs result;
  // An empty row (no tokens) has no n-grams: mean mode gives zeros, so the
  // bias alone decides.
  result.logits = weights(features, offsets) + bias;
  result.features = result.logits;
  return result;
}

std::vector<LayerGroup> NgramLogregStudentImpl::LayerGroups() {
  return {{"embedding", weights->parameters()}, {"classifier", {bias}}};
}

}  // namespace kdbench
