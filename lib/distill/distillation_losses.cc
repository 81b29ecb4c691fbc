#include "lib/distill/distillation_losses.h"

#include <torch/torch.h>

namespace kdbench {

torch::Tensor CrossEntropyLoss(const torch::Tensor& logits, const torch::Tensor& labels) {
  return torch::nn::functional::cross_entropy(logits, labels);
}

torch::Tensor HardDistillationLoss(const torch::Tensor& student_logits,
                                   const torch::Tensor& teacher_probabilities) {
  return CrossEntropyLoss(student_logits, teacher_probabilities.argmax(1));
}

torch::Tensor TemperatureKlLoss(const torch::Tensor& student_logits,
                                const torch::Tensor& teacher_logits, double temperature) {
  TORCH_CHECK(temperature > 0, "temperature must be positive");
  torch::Tensor student_log_probs = torch::log_softmax(student_logits / temperature, 1);
  torch::Tensor teacher_log_probs = torch::log_softmax(teacher_logits / temperature, 1);
  torch::Tensor kl =
      (teacher_log_probs.exp() * (teacher_log_probs - student_log_probs)).sum(1).mean();
  return kl * (temperature * temperature);
}

torch::Tensor HalfSquaredErrorLoss(const torch::Tensor& prediction, const torch::Tensor& target) {
  return 0.5 * (prediction - target).pow(2).sum(1).mean();
}

void LogitLossImpl::reset() {
  regression = register_module(
      "regression", torch::nn::Linear(options.feature_size(), options.num_classes()));
}

torch::Tensor LogitLossImpl::forward(const torch::Tensor& features, const torch::Tensor& target) {
  return HalfSquaredErrorLoss(regression(features), target);
}

void RepresentationLossImpl::reset() {
  TORCH_CHECK(options.project() || options.feature_size() == options.teacher_width(),
              "without a projection the student's features must have the teacher's width");
  if (options.project()) {
    projection = register_module(
        "projection", torch::nn::Linear(options.feature_size(), options.teacher_width()));
  }
}

torch::Tensor RepresentationLossImpl::Project(const torch::Tensor& features) {
  return options.project() ? torch::gelu(projection(features)) : features;
}

torch::Tensor RepresentationLossImpl::forward(const torch::Tensor& features,
                                              const torch::Tensor& target) {
  torch::Tensor projected = Project(features);
  if (options.reduction() == FeatureReduction::kMean) {
    return (projected - target).pow(2).mean();
  }
  return HalfSquaredErrorLoss(projected, target);
}

const NamedChoices<FeatureReduction>& FeatureReductionNames() {
  static const auto* names = new NamedChoices<FeatureReduction>{
      {FeatureReduction::kHalfSum, "half-sum"}, {FeatureReduction::kMean, "mean"}};
  return *names;
}

}  // namespace kdbench
