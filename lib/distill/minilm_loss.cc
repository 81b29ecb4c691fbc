// MiniLM's deep self-attention distillation (Wang et al., 2020, eqs. 4-6)
// as a transfer loss, "minilm-relations", and the method "minilm": this
// loss alone in stage 1 (representation stage); the labels' cross-entropy
// fine-tunes after it under "stagewise" and "distil-once" (MiniLM's
// distil-then-fine-tune), or beside it under "joint".
//
//   L = KL(A_T^N || A_S^M) + KL(VR_T^N || VR_S^M)
//
// over the last layers only (so the student's depth is free), row by row,
// averaged over heads and real tokens: A the attention distributions and
// VR = softmax(V V^T / sqrt(head size)) the value relations (feature_matching.h).
// The heads must match; the widths need not (no projection).
#include <torch/torch.h>

#include "lib/distill/distillation_method.h"
#include "lib/distill/feature_matching.h"
#include "lib/distill/transfer_loss.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

constexpr char kLossName[] = "minilm-relations";

class MiniLmRelationLossImpl : public TransferLossImpl {
 public:
  explicit MiniLmRelationLossImpl(const TransferLossSettings&) {}
  std::vector<TeacherTarget> Targets() const override { return {}; }
  bool ReadsTeacherLayers() const override { return true; }
  torch::Tensor forward(const StudentOutputs& student, const TeacherTargets& teacher) override {
    const TransformerInternals& s = student.layers;
    const TransformerInternals& t = teacher.layers;
    const torch::Tensor& mask = s.token_mask;
    return RowSoftmaxKl(s.attention_scores.back(), t.attention_scores.back(), mask) +
           RowSoftmaxKl(ValueRelationScores(s.values.back()), ValueRelationScores(t.values.back()),
                        mask);
  }
};

absl::StatusOr<TransferLossPtr> MakeMiniLmRelationLoss(const TransferLossSettings& settings) {
  RETURN_IF_ERROR(CheckFeatureDistillationShapes(settings.student_transformer,
                                                 settings.teacher_transformer, kLossName));
  return std::make_shared<MiniLmRelationLossImpl>(settings);
}

const bool registered = [] {
  RegisterTransferLoss(kLossName, MakeMiniLmRelationLoss);
  RegisterDistillationMethod("minilm", {{.loss = kLossName, .weight = LossWeight::kBeta,
                                         .representation_stage = true}});
  return true;
}();

}  // namespace
}  // namespace kdbench
