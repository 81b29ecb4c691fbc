// The distillation objectives, as the paper writes them (arXiv:1910.01769,
// eq. 2-8) plus Hinton et al.'s temperature KL from the survey.
//
// Reductions, stated once for all: every loss is a mean over the batch of a
// per-example loss, which is what eq. 8's 1/|D_l| and 1/|D_u| factors make
// of the sums in eq. 3, 5 and 7. Weights (alpha, beta, gamma) are applied by
// the schedule, never here.
//
// - CrossEntropyLoss (eq. 2-3): -log softmax(logits)[label].
// - LogitLoss (eq. 4-5): 1/2 ||r - t||^2 summed over the C classes, where
//   r = W^r z + b^r is a linear regression head on the student's pooled
//   representation z and t the teacher's target: log(p / (1 - p)) of its
//   probabilities (default, the paper) or its raw logits.
// - RepresentationLoss (eq. 6-7): 1/2 ||gelu(W^f z + b^f) - h||^2 summed
//   over the teacher's width, where h is the teacher's last-layer [CLS]
//   vector (default, the paper) or its pooler output (the released code).
//   FeatureReduction::kMean instead averages the squared error over the
//   features without the 1/2 (Keras "mse", the released code).
// - HardDistillationLoss: cross-entropy against the teacher's argmax class.
// - TemperatureKlLoss: T^2 * KL(softmax(t / T) || softmax(s / T)) summed over
//   classes; batch mean as Hinton et al. intend (not the element mean,
//   which divides by C as well).
#ifndef KDBENCH_LIB_DISTILL_DISTILLATION_LOSSES_H_
#define KDBENCH_LIB_DISTILL_DISTILLATION_LOSSES_H_

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include "lib/util/named_choices.h"

namespace kdbench {

// Shape: logits [batch, C] float, labels [batch] int64. Scalar result.
torch::Tensor CrossEntropyLoss(const torch::Tensor& logits, const torch::Tensor& labels);

// Shape: student_logits, teacher_probabilities [batch, C].
torch::Tensor HardDistillationLoss(const torch::Tensor& student_logits,
                                   const torch::Tensor& teacher_probabilities);

// Shape: student_logits, teacher_logits [batch, C]; temperature > 0.
torch::Tensor TemperatureKlLoss(const torch::Tensor& student_logits,
                                const torch::Tensor& teacher_logits, double temperature);

// Shape: prediction, target [batch, D]. Per example 1/2 sum of squares.
torch::Tensor HalfSquaredErrorLoss(const torch::Tensor& prediction, const torch::Tensor& target);

struct LogitLossOptions {
  LogitLossOptions(int64_t feature_size, int64_t num_classes)
      : feature_size_(feature_size), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, feature_size);
  TORCH_ARG(int64_t, num_classes);
};

class LogitLossImpl : public torch::nn::Cloneable<LogitLossImpl> {
 public:
  explicit LogitLossImpl(LogitLossOptions options) : options(std::move(options)) { reset(); }
  void reset() override;
  // Shape: features z [batch, feature_size], target [batch, C].
  torch::Tensor forward(const torch::Tensor& features, const torch::Tensor& target);

  LogitLossOptions options;
  torch::nn::Linear regression{nullptr};  // W^r, b^r
};
TORCH_MODULE(LogitLoss);

enum class FeatureReduction { kHalfSum, kMean };
// "half-sum" (the paper's eq. 7), "mean" (the released code's Keras mse).
const NamedChoices<FeatureReduction>& FeatureReductionNames();

struct RepresentationLossOptions {
  RepresentationLossOptions(int64_t feature_size, int64_t teacher_width)
      : feature_size_(feature_size), teacher_width_(teacher_width) {}
  TORCH_ARG(int64_t, feature_size);
  TORCH_ARG(int64_t, teacher_width);
  TORCH_ARG(FeatureReduction, reduction) = FeatureReduction::kHalfSum;
  // false: z is already gelu(W z + b) at the teacher's width (a student with
  // the released code's shared head) and is compared as it is.
  TORCH_ARG(bool, project) = true;
};

class RepresentationLossImpl : public torch::nn::Cloneable<RepresentationLossImpl> {
 public:
  explicit RepresentationLossImpl(RepresentationLossOptions options)
      : options(std::move(options)) {
    reset();
  }
  void reset() override;
  // gelu(W^f z + b^f), [batch, teacher_width].
  torch::Tensor Project(const torch::Tensor& features);
  // Shape: features z [batch, feature_size], target [batch, teacher_width].
  torch::Tensor forward(const torch::Tensor& features, const torch::Tensor& target);

  RepresentationLossOptions options;
  torch::nn::Linear projection{nullptr};  // W^f, b^f
};
TORCH_MODULE(RepresentationLoss);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_DISTILLATION_LOSSES_H_
