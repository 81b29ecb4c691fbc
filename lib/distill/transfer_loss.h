// The extension point for distillation losses: a loss on transfer batches
// (the teacher's outputs for unlabeled text) is a module with a name in a
// registry. The trainer builds each loss a schedule names once per
// training run, so heads a loss owns (a projection, a regression layer)
// train with the student's topmost layer group and keep their weights
// across phases.
//
// Adding one, with a method of the same name that trains it beside the
// labels' cross-entropy (L_CE x alpha + loss x gamma):
//
//   class MyLossImpl : public TransferLossImpl {
//    public:
//     explicit MyLossImpl(const TransferLossSettings&) {}
//     std::vector<TeacherTarget> Targets() const override { return {TeacherTarget::kLogits}; }
//     torch::Tensor forward(const StudentOutputs& student, const TeacherTargets& teacher) override {
//       return (student.logits - teacher.logits).pow(2).sum(1).mean();
//     }
//   };
//   KDBENCH_REGISTER_DISTILLATION_LOSS("my-loss", MyLossImpl);
//
// (README.md, "Adding a distillation method", runs such an example in the
// tests.) Composite methods and parameters ("kl(T=4)") are in
// distillation_method.h.
#ifndef KDBENCH_LIB_DISTILL_TRANSFER_LOSS_H_
#define KDBENCH_LIB_DISTILL_TRANSFER_LOSS_H_

#include <torch/nn/module.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/distill/distillation_losses.h"
#include "lib/models/student.h"
#include "lib/models/transformer_internals.h"

namespace kdbench {

// What a loss reads from the teacher, one row per transfer example.
enum class TeacherTarget {
  kLogitTargets,    // L_LL's target: log-odds (paper) or logits
  kProbabilities,   // softmax outputs
  kLogits,          // raw logits
  kRepresentation,  // [CLS] (paper) or pooler output, [n, teacher width]
};
std::string TeacherTargetName(TeacherTarget target);

// The teacher's outputs, one row per example: of a whole transfer set, or
// of one batch on the training device (where the targets no loss asked for
// are undefined).
struct TeacherTargets {
  torch::Tensor logit_targets;   // [n, C]: log-odds (paper) or raw logits, for L_LL
  torch::Tensor probabilities;   // [n, C]: for hard distillation
  torch::Tensor logits;          // [n, C]: for the temperature KL
  torch::Tensor representation;  // [n, width]: [CLS] (paper) or pooler output, for L_RL
  // Per batch only, for losses that ReadsTeacherLayers(): the teacher's
  // per-layer internals over the student's own input, computed on the fly.
  TransformerInternals layers;
  const torch::Tensor& Get(TeacherTarget target) const;
  torch::Tensor& Get(TeacherTarget target);
};

// What a loss's constructor may need.
struct TransferLossSettings {
  int64_t feature_size = 0;   // the student's pooled representation z
  int64_t num_classes = 0;
  int64_t teacher_width = 0;  // 0: no teacher representation available
  double temperature = 2;     // the method's T, else the run's --temperature
  FeatureReduction representation_reduction = FeatureReduction::kHalfSum;
  bool representation_projection = true;
  // Feature losses: the transformer shapes of the student and the teacher
  // (all 0 when either is not a transformer).
  TransformerShape student_transformer;
  TransformerShape teacher_transformer;
  // The method's own parameters ("kl(T=4)": {"T": 4}), checked against the
  // names the loss was registered with.
  std::map<std::string, double> parameters;
};

// The method's "T" if given, else the run's temperature; an error naming
// `loss` unless positive.
absl::StatusOr<double> LossTemperature(const TransferLossSettings& settings,
                                       const std::string& loss);

class TransferLossImpl : public torch::nn::Module {
 public:
  ~TransferLossImpl() override = default;
  // The teacher targets forward() reads.
  virtual std::vector<TeacherTarget> Targets() const = 0;
  // Whether forward() reads TeacherTargets::layers and StudentOutputs::layers
  // (feature distillation between transformers).
  virtual bool ReadsTeacherLayers() const { return false; }
  // Mean over the batch of a per-example loss; a scalar. Unweighted: the
  // schedule applies the weights.
  virtual torch::Tensor forward(const StudentOutputs& student, const TeacherTargets& teacher) = 0;
};
using TransferLossPtr = std::shared_ptr<TransferLossImpl>;

using TransferLossFactory =
    std::function<absl::StatusOr<TransferLossPtr>(const TransferLossSettings& settings)>;

// Registers `name` (once; a second registration of a name aborts at start-up,
// since two losses would otherwise silently share it). `parameters` are the
// method parameters the loss accepts ("T"). Returns true, for static
// initialisers.
bool RegisterTransferLoss(const std::string& name, TransferLossFactory factory,
                          std::vector<std::string> parameters = {});
// An unknown name lists the registered ones.
absl::StatusOr<TransferLossPtr> MakeTransferLoss(const std::string& name,
                                                 const TransferLossSettings& settings);
absl::StatusOr<std::vector<std::string>> TransferLossParameters(const std::string& name);
std::vector<std::string> RegisteredTransferLosses();

// A factory for the common case: `Class(settings)`.
template <typename Class>
TransferLossFactory MakeFactory() {
  return [](const TransferLossSettings& settings) -> absl::StatusOr<TransferLossPtr> {
    return std::make_shared<Class>(settings);
  };
}

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_TRANSFER_LOSS_H_
