// Adaptive imitation weight (Chen et al., 2021, "An adaptive knowledge
// distillation algorithm for text classification", as the KD survey
// describes it): the weight of the imitation loss is set per batch from the
// cosine similarity between the teacher's and the student's outputs, instead
// of a fixed gamma. The survey gives no formula and the paper is not in the
// suite's references, so this is our reading, stated in full:
//
//   w = 1 - mean over the batch of cos(softmax(s), softmax(t))  (in [0, 1])
//   L = w * T^2 KL(softmax(t / T) || softmax(s / T))
//
// w is a constant for the gradient (no gradient flows through it): a
// student far from its teacher imitates hard; as they agree, imitation
// fades and the labels' cross-entropy dominates. The schedule's gamma still
// multiplies L (1 by default for the soft losses).
#include <torch/torch.h>

#include "lib/distill/distillation_losses.h"
#include "lib/distill/distillation_method.h"
#include "lib/distill/transfer_loss.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

class AdaptiveKlLossImpl : public TransferLossImpl {
 public:
  explicit AdaptiveKlLossImpl(double temperature) : temperature_(temperature) {}
  std::vector<TeacherTarget> Targets() const override { return {TeacherTarget::kLogits}; }
  torch::Tensor forward(const StudentOutputs& student, const TeacherTargets& teacher) override {
    const torch::Tensor agreement =
        torch::cosine_similarity(torch::softmax(student.logits.detach(), 1),
                                 torch::softmax(teacher.logits, 1), 1)
            .mean();
    return (1 - agreement) * TemperatureKlLoss(student.logits, teacher.logits, temperature_);
  }

 private:
  double temperature_;
};

absl::StatusOr<TransferLossPtr> MakeAdaptiveKlLoss(const TransferLossSettings& settings) {
  ASSIGN_OR_RETURN(double temperature, LossTemperature(settings, "adaptive-kl"));
  return std::make_shared<AdaptiveKlLossImpl>(temperature);
}

const bool registered = RegisterLossAndMethod("adaptive-kl", MakeAdaptiveKlLoss, {"T"});

}  // namespace
}  // namespace kdbench
