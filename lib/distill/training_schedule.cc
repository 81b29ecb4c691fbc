#include "lib/distill/training_schedule.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kdbench {
namespace {

// The method's losses on the transfer set, and whether it has L_RL.
std::vector<WeightedLoss> TransferLosses(const std::string& method, const ScheduleOptions& o,
                                         bool with_representation) {
  if (method == "hard") return {{LossTerm::kHard, o.alpha}};
  if (method == "soft") return {{LossTerm::kLogit, o.gamma}};
  if (method == "kl") return {{LossTerm::kTemperatureKl, o.gamma}};
  if (method == "soft+repr") {
    if (with_representation) {
      return {{LossTerm::kRepresentation, o.beta}, {LossTerm::kLogit, o.gamma}};
    }
    return {{LossTerm::kLogit, o.gamma}};
  }
  return {};
}

// Gradual unfreezing: phase k trains the top k groups; the last trains all.
std::vector<TrainingPhase> GradualUnfreezing(const std::string& stage,
                                             const std::vector<WeightedLoss>& losses,
                                             const ScheduleOptions& o) {
  std::vector<TrainingPhase> phases;
  std::vector<std::string> trainable;
  for (size_t k = 0; k < o.unfreeze_order.size(); ++k) {
    trainable.push_back(o.unfreeze_order[k]);
    const bool last = k + 1 == o.unfreeze_order.size();
    phases.push_back({.name = absl::StrCat(stage, ", unfrozen: ",
                                           last ? "all (end to end)" : absl::StrJoin(trainable, "+")),
                      .losses = losses,
                      .trainable_groups = last ? std::vector<std::string>{} : trainable,
                      .max_epochs = o.max_epochs,
                      .patience = o.patience});
  }
  return phases;
}

}  // namespace

bool TrainingPhase::UsesLabels() const {
  for (const WeightedLoss& loss : losses) {
    if (loss.term == LossTerm::kCrossEntropy) return true;
  }
  return false;
}

bool TrainingPhase::UsesTransferSet() const {
  for (const WeightedLoss& loss : losses) {
    if (loss.term != LossTerm::kCrossEntropy) return true;
  }
  return false;
}

const std::vector<std::string>& KnownMethods() {
  static const auto* const kMethods =
      new std::vector<std::string>{"none", "hard", "soft", "soft+repr", "kl"};
  return *kMethods;
}

const std::vector<std::string>& KnownSchedules() {
  static const auto* const kSchedules =
      new std::vector<std::string>{"joint", "stagewise", "distil-once"};
  return *kSchedules;
}

std::string LossTermName(LossTerm term) {
  switch (term) {
    case LossTerm::kCrossEntropy: return "L_CE";
    case LossTerm::kLogit: return "L_LL";
    case LossTerm::kRepresentation: return "L_RL";
    case LossTerm::kHard: return "L_hard";
    case LossTerm::kTemperatureKl: return "L_KL";
  }
  return "?";
}

absl::Status CheckScheduleNames(const std::string& schedule, const std::string& method) {
  if (std::find(KnownMethods().begin(), KnownMethods().end(), method) == KnownMethods().end()) {
    return absl::InvalidArgumentError(absl::StrCat("--method=", method, ": unknown; known: ",
                                                   absl::StrJoin(KnownMethods(), ", ")));
  }
  if (std::find(KnownSchedules().begin(), KnownSchedules().end(), schedule) ==
      KnownSchedules().end()) {
    return absl::InvalidArgumentError(absl::StrCat("--schedule=", schedule, ": unknown; known: ",
                                                   absl::StrJoin(KnownSchedules(), ", ")));
  }
  if (method == "none" && schedule != "joint") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--method=none trains on labels alone and has no stages; --schedule=", schedule,
        " needs a distillation method (hard, soft, soft+repr, kl)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<TrainingPhase>> MakeSchedule(const std::string& schedule,
                                                        const std::string& method,
                                                        const ScheduleOptions& o) {
  if (absl::Status names = CheckScheduleNames(schedule, method); !names.ok()) return names;
  if (o.unfreeze_order.empty()) {
    return absl::InvalidArgumentError("schedule: the student has no layer groups");
  }
  const WeightedLoss cross_entropy{LossTerm::kCrossEntropy, o.alpha};
  if (method == "none") {
    // Weight 1: with labels alone, alpha would only rescale the learning rate.
    return std::vector<TrainingPhase>{{.name = "no distillation: L_CE",
                                       .losses = {{LossTerm::kCrossEntropy, 1.0}},
                                       .max_epochs = o.labels_only_max_epochs,
                                       .patience = o.labels_only_patience}};
  }
  auto names = [](const std::vector<WeightedLoss>& losses) {
    std::vector<std::string> parts;
    for (const WeightedLoss& loss : losses) parts.push_back(LossTermName(loss.term));
    return absl::StrJoin(parts, " + ");
  };
  if (schedule == "joint") {
    std::vector<WeightedLoss> losses = {cross_entropy};
    for (const WeightedLoss& loss : TransferLosses(method, o, /*with_representation=*/true)) {
      losses.push_back(loss);
    }
    return std::vector<TrainingPhase>{{.name = absl::StrCat("joint: ", names(losses)),
                                       .losses = losses,
                                       .max_epochs = o.max_epochs,
                                       .patience = o.patience}};
  }
  std::vector<TrainingPhase> phases;
  if (schedule == "stagewise") {
    if (method == "soft+repr") {
      std::vector<WeightedLoss> stage1 = {{LossTerm::kRepresentation, o.beta}};
      phases.push_back({.name = "stage 1: L_RL",
                        .losses = stage1,
                        .max_epochs = o.max_epochs,
                        .patience = o.patience});
    }
    std::vector<WeightedLoss> stage2 = {cross_entropy};
    for (const WeightedLoss& loss : TransferLosses(method, o, /*with_representation=*/false)) {
      stage2.push_back(loss);
    }
    for (TrainingPhase& phase :
         GradualUnfreezing(absl::StrCat("stage 2: ", names(stage2)), stage2, o)) {
      phases.push_back(std::move(phase));
    }
    return phases;
  }
  // distil-once
  std::vector<WeightedLoss> stage1 = TransferLosses(method, o, /*with_representation=*/true);
  phases.push_back({.name = absl::StrCat("stage 1: ", names(stage1)),
                    .losses = stage1,
                    .max_epochs = o.max_epochs,
                    .patience = o.patience});
  ScheduleOptions labels_only = o;
  labels_only.max_epochs = o.labels_only_max_epochs;
  labels_only.patience = o.labels_only_patience;
  for (TrainingPhase& phase : GradualUnfreezing("stage 2: L_CE", {cross_entropy}, labels_only)) {
    phases.push_back(std::move(phase));
  }
  return phases;
}

}  // namespace kdbench
