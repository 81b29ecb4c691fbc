// The paper's training schedules as lists of phases that the distillation
// trainer runs in order (arXiv:1910.01769, section 5):
//
// - "joint" (eq. 8): one phase, every loss of the method at once; each step
//   draws one labeled and one unlabeled batch of equal size.
// - "stagewise": stage 1 trains L_RL on the unlabeled set end to end; stage 2
//   trains L_CE + the method's unlabeled loss (L_LL for soft) with gradual
//   unfreezing: the top layer group first, then one more group per phase
//   from the top down, each phase to convergence on dev; the last phase has
//   every group unfrozen (end to end).
// - "distil-once": stage 1 trains the method's unlabeled losses (L_RL + L_LL
//   for soft+repr) without labels; stage 2 trains L_CE on labels alone with
//   the same gradual unfreezing.
//
// Methods (distillation_method.h): "none" (L_CE; joint only), "hard" (L_CE +
// cross-entropy on the teacher's argmax over the transfer set), "soft" (L_CE
// + L_LL), "soft+repr" (L_CE + L_RL + L_LL), "kl" (L_CE + Hinton's
// temperature KL; a survey method), and every registered one. Stage 1 of
// "stagewise" trains the method's representation-stage losses (L_RL): for
// methods without one the schedule is stage 2 alone, and the phase list says
// so.
//
// Phases without labels select their best epoch on the loss over a held-out
// slice of the transfer set; the others on dev accuracy (ties by dev loss).
#ifndef KDBENCH_LIB_DISTILL_TRAINING_SCHEDULE_H_
#define KDBENCH_LIB_DISTILL_TRAINING_SCHEDULE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/distill/distillation_method.h"

namespace kdbench {

// The labels' cross-entropy; every other loss is a registered transfer
// loss (transfer_loss.h) on unlabeled batches.
inline constexpr char kCrossEntropyLoss[] = "L_CE";

struct WeightedLoss {
  std::string loss;  // kCrossEntropyLoss or a registered transfer loss
  double weight = 1;
  // The method's parameters that this loss takes ("T" for L_KL).
  std::map<std::string, double> parameters;
};

struct TrainingPhase {
  std::string name;
  std::vector<WeightedLoss> losses;
  // Layer groups whose parameters train in this phase; the rest are frozen.
  // Empty: all of them.
  std::vector<std::string> trainable_groups;
  int64_t max_epochs = 30;
  int64_t patience = 5;
  // > 0: the phase ends once it has taken this many optimiser steps (the
  // epoch that reaches it is cut short and still evaluated).
  int64_t max_steps = 0;

  bool UsesLabels() const;
  bool UsesTransferSet() const;
};

struct ScheduleOptions {
  // Eq. 8's weights: alpha on L_CE (and on the hard loss), beta on L_RL,
  // gamma on L_LL (and the other soft losses); the temperature KL, a
  // cross-entropy in scale, takes alpha like L_CE.
  double alpha = 10, beta = 10, gamma = 1;
  int64_t max_epochs = 30;  // per phase
  int64_t patience = 5;     // per phase
  // Phases on labeled data alone (no distillation; distil-once stage 2): an
  // epoch over a small labeled split is a few steps (3 at 100 labels per
  // class), so these phases get their own, larger caps.
  int64_t labels_only_max_epochs = 100;
  int64_t labels_only_patience = 10;
  // > 0: a distillation schedule's phases share this many optimiser steps,
  // an equal part each, so that schedules with one phase and with several
  // compare at the same training budget (Table 12). Early stopping can end
  // a phase sooner. No distillation (labels alone) is not capped.
  int64_t step_budget = 0;
  // Group names from the top down, the order of gradual unfreezing (for the
  // BiLSTM: classifier, bilstm, embedding). The distillation heads belong to
  // the topmost group.
  std::vector<std::string> unfreeze_order;
};

// The registered schedules: joint, stagewise, distil-once first (the
// paper's), then the rest by name.
std::vector<std::string> KnownSchedules();

// A schedule arranges a method's losses (parsed, never "none") into phases.
// Register one with a line at namespace scope:
//   const bool registered = RegisterSchedule("my-schedule", MySchedule);
// The helpers below build the usual pieces.
using ScheduleFactory = std::function<absl::StatusOr<std::vector<TrainingPhase>>(
    const DistillationMethod& method, const ScheduleOptions& options)>;
bool RegisterSchedule(const std::string& name, ScheduleFactory factory);

// Which of a method's transfer losses a phase takes.
enum class MethodStage { kAll, kRepresentationOnly, kWithoutRepresentation };
// The method's transfer losses, weighted by the options' alpha/beta/gamma,
// with the method's parameters that each loss takes.
absl::StatusOr<std::vector<WeightedLoss>> MethodTransferLosses(const DistillationMethod& method,
                                                               const ScheduleOptions& options,
                                                               MethodStage stage);
// Gradual unfreezing: phase k trains the top k groups of the options'
// unfreeze order; the last trains all. Named "<stage>, unfrozen: ...".
std::vector<TrainingPhase> GradualUnfreezing(const std::string& stage,
                                             const std::vector<WeightedLoss>& losses,
                                             const ScheduleOptions& options);
// "L_CE + L_RL + L_LL".
std::string LossNames(const std::vector<WeightedLoss>& losses);

// An unknown method or schedule, or "none" with a staged schedule, is an
// error that lists the known names. Callers can check the names before any
// expensive set-up; MakeSchedule checks them as well.
absl::Status CheckScheduleNames(const std::string& schedule, const std::string& method);

absl::StatusOr<std::vector<TrainingPhase>> MakeSchedule(const std::string& schedule,
                                                        const std::string& method,
                                                        const ScheduleOptions& options);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_TRAINING_SCHEDULE_H_
