#include "lib/distill/training_schedule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

enum class Stage { kAll, kRepresentationOnly, kWithoutRepresentation };

// The method's losses on the transfer set, weighted, with the method's
// parameters each loss takes.
absl::StatusOr<std::vector<WeightedLoss>> TransferLosses(const DistillationMethod& method,
                                                         const ScheduleOptions& o, Stage stage) {
  std::vector<WeightedLoss> losses;
  for (const MethodLoss& loss : method.losses) {
    if ((stage == Stage::kRepresentationOnly && !loss.representation_stage) ||
        (stage == Stage::kWithoutRepresentation && loss.representation_stage)) {
      continue;
    }
    WeightedLoss weighted{.loss = loss.loss};
    switch (loss.weight) {
      case LossWeight::kAlpha: weighted.weight = o.alpha; break;
      case LossWeight::kBeta: weighted.weight = o.beta; break;
      case LossWeight::kGamma: weighted.weight = o.gamma; break;
    }
    ASSIGN_OR_RETURN(std::vector<std::string> accepted, TransferLossParameters(loss.loss));
    for (const auto& [key, value] : method.parameters) {
      if (std::find(accepted.begin(), accepted.end(), key) != accepted.end()) {
        weighted.parameters[key] = value;
      }
    }
    losses.push_back(std::move(weighted));
  }
  return losses;
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
    if (loss.loss == kCrossEntropyLoss) return true;
  }
  return false;
}

bool TrainingPhase::UsesTransferSet() const {
  for (const WeightedLoss& loss : losses) {
    if (loss.loss != kCrossEntropyLoss) return true;
  }
  return false;
}

const std::vector<std::string>& KnownSchedules() {
  static const auto* const kSchedules =
      new std::vector<std::string>{"joint", "stagewise", "distil-once"};
  return *kSchedules;
}

absl::Status CheckScheduleNames(const std::string& schedule, const std::string& method) {
  RETURN_IF_ERROR(ParseDistillationMethod(method).status());
  if (std::find(KnownSchedules().begin(), KnownSchedules().end(), schedule) ==
      KnownSchedules().end()) {
    return absl::InvalidArgumentError(absl::StrCat("--schedule=", schedule, ": unknown; known: ",
                                                   absl::StrJoin(KnownSchedules(), ", ")));
  }
  if (method == kNoDistillation && schedule != "joint") {
    std::vector<std::string> methods = KnownMethods();
    methods.erase(methods.begin());
    return absl::InvalidArgumentError(absl::StrCat(
        "--method=none trains on labels alone and has no stages; --schedule=", schedule,
        " needs a distillation method (", absl::StrJoin(methods, ", "), ")"));
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
  ASSIGN_OR_RETURN(DistillationMethod parsed, ParseDistillationMethod(method));
  const WeightedLoss cross_entropy{.loss = kCrossEntropyLoss, .weight = o.alpha};
  if (method == kNoDistillation) {
    // Weight 1: with labels alone, alpha would only rescale the learning rate.
    return std::vector<TrainingPhase>{{.name = "no distillation: L_CE",
                                       .losses = {{.loss = kCrossEntropyLoss, .weight = 1.0}},
                                       .max_epochs = o.labels_only_max_epochs,
                                       .patience = o.labels_only_patience}};
  }
  auto names = [](const std::vector<WeightedLoss>& losses) {
    std::vector<std::string> parts;
    for (const WeightedLoss& loss : losses) parts.push_back(loss.loss);
    return absl::StrJoin(parts, " + ");
  };
  if (schedule == "joint") {
    std::vector<WeightedLoss> losses = {cross_entropy};
    ASSIGN_OR_RETURN(std::vector<WeightedLoss> transfer, TransferLosses(parsed, o, Stage::kAll));
    losses.insert(losses.end(), transfer.begin(), transfer.end());
    return std::vector<TrainingPhase>{{.name = absl::StrCat("joint: ", names(losses)),
                                       .losses = losses,
                                       .max_epochs = o.max_epochs,
                                       .patience = o.patience}};
  }
  std::vector<TrainingPhase> phases;
  if (schedule == "stagewise") {
    ASSIGN_OR_RETURN(std::vector<WeightedLoss> stage1,
                     TransferLosses(parsed, o, Stage::kRepresentationOnly));
    if (!stage1.empty()) {
      phases.push_back({.name = absl::StrCat("stage 1: ", names(stage1)),
                        .losses = stage1,
                        .max_epochs = o.max_epochs,
                        .patience = o.patience});
    }
    std::vector<WeightedLoss> stage2 = {cross_entropy};
    ASSIGN_OR_RETURN(std::vector<WeightedLoss> transfer,
                     TransferLosses(parsed, o, Stage::kWithoutRepresentation));
    stage2.insert(stage2.end(), transfer.begin(), transfer.end());
    for (TrainingPhase& phase :
         GradualUnfreezing(absl::StrCat("stage 2: ", names(stage2)), stage2, o)) {
      phases.push_back(std::move(phase));
    }
    return phases;
  }
  // distil-once
  ASSIGN_OR_RETURN(std::vector<WeightedLoss> stage1, TransferLosses(parsed, o, Stage::kAll));
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
