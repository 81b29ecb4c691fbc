#include "lib/models/naive_bayes_student.h"

#include <torch/torch.h>

#include <cmath>

namespace kdbench {

NaiveBayesStudentImpl::NaiveBayesStudentImpl(NaiveBayesStudentOptions options_in)
    : options(std::move(options_in)),
      space{.vocab_size = options.vocab_size(),
            .bigram_buckets = options.bigram_buckets(),
            .padding_idx = options.padding_idx()} {
  const int64_t classes = options.num_classes();
  // Parameters (so they count and move with the model), but never trained.
  log_likelihood = register_parameter("log_likelihood", torch::zeros({space.size(), classes}),
                                      /*requires_grad=*/false);
  log_prior = register_parameter("log_prior", torch::full({classes}, -std::log(static_cast<double>(classes))),
                                 /*requires_grad=*/false);
  feature_counts_ = torch::zeros({space.size(), classes}, torch::kFloat64);
  class_weights_ = torch::zeros({classes}, torch::kFloat64);
}

void NaiveBayesStudentImpl::AddCounts(const torch::Tensor& input_ids, const torch::Tensor& lengths,
                                      const torch::Tensor& label_weights) {
  auto [features, offsets] = NgramFeatureIds(input_ids.to(torch::kCPU), lengths, space);
  const torch::Tensor weights = label_weights.to(torch::kCPU, torch::kFloat64);
  // Row of each feature occurrence, from the offsets.
  const int64_t rows = offsets.size(0);
  const torch::Tensor ends =
      torch::cat({offsets.slice(0, 1), torch::tensor({features.size(0)}, torch::kLong)});
  const torch::Tensor row_of = torch::repeat_interleave(torch::arange(rows), ends - offsets);
  feature_counts_.index_add_(0, features, weights.index_select(0, row_of));
  class_weights_ += weights.sum(0);
}

void NaiveBayesStudentImpl::Finish() {
  const double a = options.smoothing();
  const torch::Tensor smoothed = feature_counts_ + a;
  const torch::Tensor totals = feature_counts_.sum(0) + a * static_cast<double>(space.size());
  torch::NoGradGuard no_grad;
  log_likelihood.copy_((smoothed.log() - totals.log()).to(torch::kFloat));
  const double all = class_weights_.sum().item<double>();
  if (all > 0) {
    // An unseen class keeps a tiny prior rather than log 0.
    log_prior.copy_((class_weights_.clamp_min(1e-12) / all).log().to(torch::kFloat));
  }
}

StudentOutputs NaiveBayesStudentImpl::forward(const torch::Tensor& input_ids,
                                              const torch::Tensor& lengths) {
  auto [features, offsets] = NgramFeatureIds(input_ids, lengths, space);
  StudentOutputs result;
  // Sum mode: each n-gram occurrence adds its log theta.
  result.logits = std::get<0>(torch::embedding_bag(log_likelihood.to(input_ids.device()), features,
                                                   offsets, /*scale_grad_by_freq=*/false,
                                                   /*mode=*/0)) +
                  log_prior.to(input_ids.device());
  result.features = result.logits;
  return result;
}

std::vector<LayerGroup> NaiveBayesStudentImpl::LayerGroups() {
  return {{"embedding", {log_likelihood}}, {"classifier", {log_prior}}};
}

}  // namespace kdbench
