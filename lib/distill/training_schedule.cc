#include "lib/distill/training_schedule.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

struct RegisteredSchedule {
  ScheduleFactory factory;
  int order = 0;
};

std::map<std::string, RegisteredSchedule>& Schedules() {
  static auto* schedules = new std::map<std::string, RegisteredSchedule>();
  return *schedules;
}

// The paper's schedules, listed first in this order.
const std::vector<std::string>& PaperSchedules() {
  static const auto* names = new std::vector<std::string>{"joint", "stagewise", "distil-once"};
  return *names;
}

WeightedLoss CrossEntropy(const ScheduleOptions& o) {
  return {.loss = kCrossEntropyLoss, .weight = o.alpha};
}

// Eq. 8: every loss of the method at once, beside L_CE.
absl::StatusOr<std::vector<TrainingPhase>> JointSchedule(const DistillationMethod& method,
                                                         const ScheduleOptions& o) {
  std::vector<WeightedLoss> losses = {CrossEntropy(o)};
  ASSIGN_OR_RETURN(std::vector<WeightedLoss> transfer,
                   MethodTransferLosses(method, o, MethodStage::kAll));
  losses.insert(losses.end(), transfer.begin(), transfer.end());
  return std::vector<TrainingPhase>{{.name = absl::StrCat("joint: ", LossNames(losses)),
                                     .losses = losses,
                                     .max_epochs = o.max_epochs,
                                     .patience = o.patience}};
}

// Stage 1: the representation losses alone; stage 2: L_CE and the rest with
// gradual unfreezing.
absl::StatusOr<std::vector<TrainingPhase>> StagewiseSchedule(const DistillationMethod& method,
                                                             const ScheduleOptions& o) {
  std::vector<TrainingPhase> phases;
  ASSIGN_OR_RETURN(std::vector<WeightedLoss> stage1,
                   MethodTransferLosses(method, o, MethodStage::kRepresentationOnly));
  if (!stage1.empty()) {
    phases.push_back({.name = absl::StrCat("stage 1: ", LossNames(stage1)),
                      .losses = stage1,
                      .max_epochs = o.max_epochs,
                      .patience = o.patience});
  }
  std::vector<WeightedLoss> stage2 = {CrossEntropy(o)};
  ASSIGN_OR_RETURN(std::vector<WeightedLoss> transfer,
                   MethodTransferLosses(method, o, MethodStage::kWithoutRepresentation));
  stage2.insert(stage2.end(), transfer.begin(), transfer.end());
  for (TrainingPhase& phase :
       GradualUnfreezing(absl::StrCat("stage 2: ", LossNames(stage2)), stage2, o)) {
    phases.push_back(std::move(phase));
  }
  return phases;
}

// Stage 1: every transfer loss without labels; stage 2: L_CE alone with
// gradual unfreezing and the labels-only epoch caps.
absl::StatusOr<std::vector<TrainingPhase>> DistilOnceSchedule(const DistillationMethod& method,
                                                              const ScheduleOptions& o) {
  std::vector<TrainingPhase> phases;
  ASSIGN_OR_RETURN(std::vector<WeightedLoss> stage1,
                   MethodTransferLosses(method, o, MethodStage::kAll));
  phases.push_back({.name = absl::StrCat("stage 1: ", LossNames(stage1)),
                    .losses = stage1,
                    .max_epochs = o.max_epochs,
                    .patience = o.patience});
  ScheduleOptions labels_only = o;
  labels_only.max_epochs = o.labels_only_max_epochs;
  labels_only.patience = o.labels_only_patience;
  for (TrainingPhase& phase : GradualUnfreezing("stage 2: L_CE", {CrossEntropy(o)}, labels_only)) {
    phases.push_back(std::move(phase));
  }
  return phases;
}

const bool registered = RegisterSchedule("joint", JointSchedule) &&
                        RegisterSchedule("stagewise", StagewiseSchedule) &&
                        RegisterSchedule("distil-once", DistilOnceSchedule);

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

bool RegisterSchedule(const std::string& name, ScheduleFactory factory) {
  const int order = static_cast<int>(Schedules().size());
  if (!Schedules().emplace(name, RegisteredSchedule{std::move(factory), order}).second) {
    std::fprintf(stderr, "kdbench: the schedule \"%s\" is registered twice\n", name.c_str());
    std::abort();
  }
  return true;
}

std::vector<std::string> KnownSchedules() {
  std::vector<std::string> names;
  for (const std::string& name : PaperSchedules()) {
    if (Schedules().count(name) != 0) names.push_back(name);
  }
  for (const auto& [name, schedule] : Schedules()) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

absl::StatusOr<std::vector<WeightedLoss>> MethodTransferLosses(const DistillationMethod& method,
                                                               const ScheduleOptions& o,
                                                               MethodStage stage) {
  std::vector<WeightedLoss> losses;
  for (const MethodLoss& loss : method.losses) {
    if ((stage == MethodStage::kRepresentationOnly && !loss.representation_stage) ||
        (stage == MethodStage::kWithoutRepresentation && loss.representation_stage)) {
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

std::string LossNames(const std::vector<WeightedLoss>& losses) {
  std::vector<std::string> parts;
  for (const WeightedLoss& loss : losses) parts.push_back(loss.loss);
  return absl::StrJoin(parts, " + ");
}

absl::Status CheckScheduleNames(const std::string& schedule, const std::string& method) {
  RETURN_IF_ERROR(ParseDistillationMethod(method).status());
  if (Schedules().count(schedule) == 0) {
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
  RETURN_IF_ERROR(CheckScheduleNames(schedule, method));
  if (o.unfreeze_order.empty()) {
    return absl::InvalidArgumentError("schedule: the student has no layer groups");
  }
  if (method == kNoDistillation) {
    // Weight 1: with labels alone, alpha would only rescale the learning rate.
    return std::vector<TrainingPhase>{{.name = "no distillation: L_CE",
                                       .losses = {{.loss = kCrossEntropyLoss, .weight = 1.0}},
                                       .max_epochs = o.labels_only_max_epochs,
                                       .patience = o.labels_only_patience}};
  }
  ASSIGN_OR_RETURN(DistillationMethod parsed, ParseDistillationMethod(method));
  ASSIGN_OR_RETURN(std::vector<TrainingPhase> phases, Schedules().at(schedule).factory(parsed, o));
  if (o.step_budget > 0) {
    const int64_t share = o.step_budget / static_cast<int64_t>(phases.size());
    if (share < 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "step_budget ", o.step_budget, " is smaller than the ", phases.size(),
          " phases of schedule ", schedule));
    }
    for (TrainingPhase& phase : phases) phase.max_steps = share;
  }
  return phases;
}

}  // namespace kdbench
