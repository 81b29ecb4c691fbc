// TinyBERT's intermediate-layer distillation (Jiao et al., 2020, eqs. 7-10)
// as a transfer loss, "tinybert-features", and the method "tinybert": this
// loss in stage 1 (representation stage) and the prediction layer's
// temperature KL after it, as TinyBERT's two-step task distillation.
//
//   L = MSE(E_S W_e, E_T) + sum over student layers m of
//       [ MSE(H_S^m W_h, H_T^g(m)) + MSE(A_S^m, A_T^g(m)) ]
//
// with g the uniform layer map (feature_matching.h), A the attention scores
// before softmax (every head; the heads must match), and W_e, W_h learned
// projections from the student's width to the teacher's (one W_h shared by
// the layers, as the released code's fit_dense). Averages run over real
// tokens only (the released code averages over padding too, with masked
// scores zeroed).
#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "lib/distill/distillation_method.h"
#include "lib/distill/feature_matching.h"
#include "lib/distill/transfer_loss.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

constexpr char kLossName[] = "tinybert-features";

class TinyBertFeatureLossImpl : public TransferLossImpl {
 public:
  TinyBertFeatureLossImpl(const TransferLossSettings& settings, std::vector<int64_t> layer_map)
      : layer_map_(std::move(layer_map)) {
    const int64_t from = settings.student_transformer.hidden;
    const int64_t to = settings.teacher_transformer.hidden;
    embedding_projection_ = register_module("embedding_projection", torch::nn::Linear(from, to));
    hidden_projection_ = register_module("hidden_projection", torch::nn::Linear(from, to));
  }
  std::vector<TeacherTarget> Targets() const override { return {}; }
  bool ReadsTeacherLayers() const override { return true; }
  torch::Tensor forward(const StudentOutputs& student, const TeacherTargets& teacher) override {
    const TransformerInternals& s = student.layers;
    const TransformerInternals& t = teacher.layers;
    const torch::Tensor& mask = s.token_mask;
    torch::Tensor loss =
        MaskedMse(embedding_projection_(s.hidden_states[0]), t.hidden_states[0], mask);
    for (size_t m = 1; m <= layer_map_.size(); ++m) {
      const auto n = static_cast<size_t>(layer_map_[m - 1]);
      loss = loss + MaskedMse(hidden_projection_(s.hidden_states[m]), t.hidden_states[n], mask) +
             MaskedPairMse(s.attention_scores[m - 1], t.attention_scores[n - 1], mask);
    }
    return loss;
  }

 private:
  std::vector<int64_t> layer_map_;
  torch::nn::Linear embedding_projection_{nullptr}, hidden_projection_{nullptr};
};

absl::StatusOr<TransferLossPtr> MakeTinyBertFeatureLoss(const TransferLossSettings& settings) {
  RETURN_IF_ERROR(CheckFeatureDistillationShapes(settings.student_transformer,
                                                 settings.teacher_transformer, kLossName));
  ASSIGN_OR_RETURN(std::vector<int64_t> layer_map,
                   UniformLayerMap(settings.student_transformer.layers,
                                   settings.teacher_transformer.layers));
  return std::make_shared<TinyBertFeatureLossImpl>(settings, std::move(layer_map));
}

const bool registered = [] {
  RegisterTransferLoss(kLossName, MakeTinyBertFeatureLoss);
  RegisterDistillationMethod("tinybert",
                             {{.loss = kLossName, .weight = LossWeight::kBeta,
                               .representation_stage = true},
                              {.loss = "L_KL", .weight = LossWeight::kAlpha}});
  return true;
}();

}  // namespace
}  // namespace kdbench
