// Training a student through the phases of a schedule
// (lib/distill/training_schedule.h): the no-distillation baseline (one
// phase of L_CE) and every distillation method go through this one loop.
//
// Per phase: layer groups outside the phase's list are frozen
// (requires_grad false) and the optimiser is rebuilt over what trains, as
// the released code recompiles its Keras model per phase. An epoch is one
// pass over the transfer set when the phase uses it (each step pairs an
// unlabeled batch with an equal-size labeled batch, see paired_batches.h),
// else one pass over the labeled set. After each epoch the phase's
// selection measure is evaluated: dev accuracy (ties by dev loss) when the
// phase uses labels, else its loss on the held-out slice of the transfer
// set; the best epoch is restored when the phase ends (patience per phase).
//
// Optimisers: "adadelta" (the paper; lr 1.0, rho 0.95, eps 1e-7) and "adam"
// (lr 1e-3; the released code), optionally with the released code's cosine
// warm restarts (1e-3 to 1e-8, period 50 epochs, doubling), per epoch.
// Seeded: the same seed on CPU gives identical results.
#ifndef KDBENCH_LIB_DISTILL_STUDENT_TRAINING_H_
#define KDBENCH_LIB_DISTILL_STUDENT_TRAINING_H_

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/data/encoded_examples.h"
#include "lib/distill/classifier_evaluation.h"
#include "lib/distill/distillation_losses.h"
#include "lib/distill/training_schedule.h"
#include "lib/distill/transfer_loss.h"
#include "lib/models/mixed_precision.h"
#include "lib/models/student.h"
#include "lib/util/named_choices.h"

namespace kdbench {

// The teacher's outputs for a set of unlabeled examples, rows aligned with
// the examples. Tensors a run's methods do not use may be undefined.
using TransferTargets = TeacherTargets;

// The teacher's per-layer internals for a batch of the student's input
// (ids [batch, time] and lengths on the training device), for losses that
// ReadsTeacherLayers().
using TeacherLayerSource =
    std::function<TransformerInternals(const torch::Tensor& ids, const torch::Tensor& lengths)>;

struct TransferSet {
  EncodedExamples examples;
  TransferTargets targets;
  TeacherLayerSource teacher_layers;  // empty unless a method matches layers
};

struct StudentTrainingData {
  const EncodedExamples* labeled = nullptr;
  const EncodedExamples* dev = nullptr;
  const TransferSet* transfer = nullptr;           // may be null for labels-only schedules
  const TransferSet* transfer_held_out = nullptr;  // selection in phases without labels
};

// The optimisers a student trains with: "adadelta" (the paper: Keras's
// defaults, lr 1.0) and "adam" (lr 1e-3: the released code).
enum class StudentOptimizer { kAdadelta, kAdam };
const NamedChoices<StudentOptimizer>& StudentOptimizerNames();

struct StudentTrainingOptions {
  StudentOptimizer optimizer = StudentOptimizer::kAdadelta;
  double learning_rate = 0;  // 0: the optimiser's default
  bool cosine_restarts = false;
  int64_t batch_size = 64;
  double temperature = 2;  // for L_KL
  FeatureReduction representation_reduction = FeatureReduction::kHalfSum;
  // The student's z already has the teacher's width (the released code's
  // shared head): L_RL compares it without a projection of its own.
  bool representation_without_projection = false;
  // The teacher's transformer shape, for feature losses (all 0: none).
  TransformerShape teacher_transformer;
  // The student's forward passes, in training and evaluation: float32, or
  // under autocast (bfloat16 products; the losses, gradients, parameters
  // and optimiser state stay float32).
  TrainingPrecision precision = TrainingPrecision::kFloat32;
  uint64_t seed = 1;
  bool progress = true;
  // Called after each epoch's training steps, before evaluation (tests use
  // it to see what a phase froze).
  std::function<void(size_t phase_index, int64_t epoch)> after_epoch;
};

struct PhaseReport {
  std::string name;
  int64_t epochs_run = 0;
  int64_t best_epoch = 0;
  int64_t steps = 0;  // optimiser steps taken
  bool step_cap_reached = false;  // TrainingPhase::max_steps ended it
  bool selected_on_transfer_loss = false;
  std::vector<double> train_loss;       // per epoch
  std::vector<double> selection_value;  // dev accuracy or held-out transfer loss
  // Per loss term (L_CE and each transfer loss by name), its weighted mean
  // per step of each epoch: together they sum to train_loss, and show
  // whether one term swamps the others.
  std::map<std::string, std::vector<double>> weighted_term_loss;
};

struct StudentTrainingReport {
  std::vector<PhaseReport> phases;
  double dev_accuracy = 0;  // after the last phase, best epoch restored
  double seconds = 0;
  double examples_per_second = 0;  // training examples (labeled + unlabeled) per second
  double padding_share = 0;        // of the training batches' id matrices
  int64_t trained_examples = 0;
};

// The student's forward pass in `precision`; its outputs in float32.
StudentOutputs StudentForward(StudentImpl& student, const torch::Tensor& input_ids,
                              const torch::Tensor& lengths, TrainingPrecision precision);

// The student on labeled examples (eval mode set and restored).
ClassifierEvaluation EvaluateStudent(StudentImpl& student, const EncodedExamples& examples,
                                     int32_t pad_id, int64_t batch_size,
                                     const c10::Device& device,
                                     TrainingPrecision precision = TrainingPrecision::kFloat32);

// Trains `student` through `phases`. `teacher_width` sizes L_RL's projection
// (0 when no phase uses it). Checks labels against the student's classes
// and that each phase has the data it needs.
absl::StatusOr<StudentTrainingReport> TrainStudent(const StudentPtr& student,
                                                   const std::vector<TrainingPhase>& phases,
                                                   const StudentTrainingData& data,
                                                   int64_t teacher_width, int32_t pad_id,
                                                   const StudentTrainingOptions& options,
                                                   const c10::Device& device);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_STUDENT_TRAINING_H_
