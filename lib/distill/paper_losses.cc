// The paper's transfer losses (arXiv:1910.01769, eq. 4-7, and the hard
// loss) and Hinton et al.'s temperature KL, registered with their methods:
// hard, soft, soft+repr, kl. The arithmetic is in distillation_losses.h.
#include <torch/torch.h>

#include "lib/distill/distillation_losses.h"
#include "lib/distill/distillation_method.h"
#include "lib/distill/transfer_loss.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

// L_LL: a regression head r = W^r z + b^r on the student's z against the
// teacher's log-odds (or logits).
class LogitTransferLossImpl : public TransferLossImpl {
 public:
  explicit LogitTransferLossImpl(const TransferLossSettings& settings)
      : head_(register_module(
            "head", LogitLoss(LogitLossOptions(settings.feature_size, settings.num_classes)))) {}
  std::vector<TeacherTarget> Targets() const override { return {TeacherTarget::kLogitTargets}; }
  torch::Tensor forward(const StudentOutputs& student, const TeacherTargets& teacher) override {
    return head_(student.features, teacher.logit_targets);
  }

 private:
  LogitLoss head_;
};

// L_RL: gelu(W^f z + b^f) against the teacher's representation.
class RepresentationTransferLossImpl : public TransferLossImpl {
 public:
  explicit RepresentationTransferLossImpl(const TransferLossSettings& settings)
      : head_(register_module(
            "head", RepresentationLoss(
                        RepresentationLossOptions(settings.feature_size, settings.teacher_width)
                            .reduction(settings.representation_reduction)
                            .project(settings.representation_projection)))) {}
  std::vector<TeacherTarget> Targets() const override { return {TeacherTarget::kRepresentation}; }
  torch::Tensor forward(const StudentOutputs& student, const TeacherTargets& teacher) override {
    return head_(student.features, teacher.representation);
  }

 private:
  RepresentationLoss head_;
};

class HardTransferLossImpl : public TransferLossImpl {
 public:
  explicit HardTransferLossImpl(const TransferLossSettings&) {}
  std::vector<TeacherTarget> Targets() const override { return {TeacherTarget::kProbabilities}; }
  torch::Tensor forward(const StudentOutputs& student, const TeacherTargets& teacher) override {
    return HardDistillationLoss(student.logits, teacher.probabilities);
  }
};

class TemperatureKlTransferLossImpl : public TransferLossImpl {
 public:
  explicit TemperatureKlTransferLossImpl(double temperature) : temperature_(temperature) {}
  std::vector<TeacherTarget> Targets() const override { return {TeacherTarget::kLogits}; }
  torch::Tensor forward(const StudentOutputs& student, const TeacherTargets& teacher) override {
    return TemperatureKlLoss(student.logits, teacher.logits, temperature_);
  }

 private:
  double temperature_;
};

absl::StatusOr<TransferLossPtr> MakeRepresentationLoss(const TransferLossSettings& settings) {
  if (settings.teacher_width <= 0) {
    return absl::InvalidArgumentError("L_RL needs the teacher's representation width");
  }
  return std::make_shared<RepresentationTransferLossImpl>(settings);
}

absl::StatusOr<TransferLossPtr> MakeTemperatureKlLoss(const TransferLossSettings& settings) {
  ASSIGN_OR_RETURN(double temperature, LossTemperature(settings, "L_KL"));
  return std::make_shared<TemperatureKlTransferLossImpl>(temperature);
}

const bool registered = [] {
  RegisterTransferLoss("L_LL", MakeFactory<LogitTransferLossImpl>());
  RegisterTransferLoss("L_RL", MakeRepresentationLoss);
  RegisterTransferLoss("L_hard", MakeFactory<HardTransferLossImpl>());
  RegisterTransferLoss("L_KL", MakeTemperatureKlLoss, {"T"});
  // In the order the paper's tables use; "kl" (the survey's) was always
  // listed with them.
  RegisterDistillationMethod("hard", {{.loss = "L_hard", .weight = LossWeight::kAlpha}}, true);
  RegisterDistillationMethod("soft", {{.loss = "L_LL", .weight = LossWeight::kGamma}}, true);
  RegisterDistillationMethod("soft+repr",
                             {{.loss = "L_RL", .weight = LossWeight::kBeta,
                               .representation_stage = true},
                              {.loss = "L_LL", .weight = LossWeight::kGamma}},
                             true);
  // Hinton et al.'s KL weighs as much as the labels' cross-entropy (alpha):
  // with gamma = 1 beside alpha * L_CE = 10 x it was a tenth of L_CE's
  // weighted size in WordNet's first epoch (issue 24), i.e. barely trained.
  RegisterDistillationMethod("kl", {{.loss = "L_KL", .weight = LossWeight::kAlpha}}, true);
  return true;
}();

}  // namespace
}  // namespace kdbench
