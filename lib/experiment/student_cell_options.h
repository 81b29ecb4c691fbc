// What one student cell computes, as `kdbench distill` and the grid runner
// give it: the dataset, label budget and seed, the teacher (a fine-tuned
// checkpoint, or an ensemble of them), the student, the method and schedule,
// and the training settings. Choices are types; registered names (method,
// schedule, student) are checked where the cell starts.
#ifndef KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_OPTIONS_H_
#define KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lib/distill/distillation_losses.h"
#include "lib/distill/student_training.h"
#include "lib/experiment/grid_profile.h"
#include "lib/models/inference_precision.h"
#include "lib/models/mixed_precision.h"
#include "lib/util/named_choices.h"

namespace kdbench {

// L_LL's target: the teacher's log-odds log(p/(1-p)) (the paper) or its raw
// logits.
enum class LogitTarget { kLogOdds, kLogits };
const NamedChoices<LogitTarget>& LogitTargetNames();

// L_RL's target: the teacher's last-layer [CLS] vector (the paper) or its
// pooler output (the released code).
enum class RepresentationTarget { kCls, kPooled };
const NamedChoices<RepresentationTarget>& RepresentationTargetNames();

struct StudentCellOptions {
  std::string dataset;
  std::string path;
  std::string teacher;  // fine-tuned checkpoint directory: its vocabulary is the student's
  // A teacher ensemble (lib/distill/teacher_ensemble.h): the fine-tuned
  // checkpoints of its other members, after `teacher`, and how their
  // probabilities are averaged ("", "confidence", "weights=a:b...").
  std::vector<std::string> ensemble_members;
  std::string ensemble_weighting;
  std::string method = "none";
  std::string schedule = "joint";
  std::string student = "bilstm";
  std::string student_size = "mini";
  // bilstm and rnn: dropout on h_{t-1} inside the LSTM (the paper: 0.2).
  double recurrent_dropout = 0;
  int64_t labels_per_class = 100;
  int64_t dev_per_class = 0;  // SplitOptions::dev_per_class
  uint64_t seed = 1;
  int64_t max_length = 128;          // the student's input, in its own tokens
  int64_t teacher_max_length = 128;  // the teacher's, [CLS] and [SEP] included
  // The arithmetic of the teacher's outputs and layers (as it was trained).
  TrainingPrecision teacher_precision = TrainingPrecision::kFloat32;
  // The student's, in training and evaluation (StudentTrainingOptions).
  TrainingPrecision student_precision = TrainingPrecision::kFloat32;
  int64_t max_epochs = 30;               // per phase
  int64_t patience = 5;                  // per phase
  int64_t labels_only_max_epochs = 100;  // phases on labeled data alone
  int64_t labels_only_patience = 10;
  int64_t step_budget = 0;  // ScheduleOptions::step_budget; 0: no cap
  int64_t batch_size = 64;
  // Gradual unfreezing order, top down, comma-separated group names; empty:
  // the student's groups from the top (bilstm: classifier,bilstm,embedding).
  std::string unfreeze_order;
  StudentOptimizer optimizer = StudentOptimizer::kAdadelta;
  double learning_rate = 0;  // 0: the optimiser's default
  bool cosine_restarts = false;
  double alpha = 10, beta = 10, gamma = 1;
  double temperature = 2;
  LogitTarget logit_target = LogitTarget::kLogOdds;
  RepresentationTarget representation_target = RepresentationTarget::kCls;
  FeatureReduction representation_reduction = FeatureReduction::kHalfSum;
  // The released code's student head: Dense(teacher width, gelu) after
  // pooling, shared by the classifier and L_RL (bilstm only).
  bool shared_head = false;
  // The student's embedding initialisation: "" (U(-0.1, 0.1)), "fasttext"
  // (skip-gram vectors trained on the split's non-test text in the student's
  // own tokens), or a GloVe / word2vec text file.
  std::string word_vectors;
  std::string cache_dir;     // teacher-output cache root; empty: the default
  int64_t transfer_limit = 0;  // use at most this many transfer examples; 0: all
  // bilstm and rnn: after the test evaluation, the student as deployed
  // (lib/models/deployed_bilstm.h) in each precision, on the same test
  // examples; the record's "deployment" block. It changes nothing trained.
  std::vector<InferencePrecision> deployment_precisions;
  // ExportStudentCell writes the cell's inputs there for the PyTorch peer
  // (lib/experiment/cell_export.h) instead of training.
  std::string export_dir;
  std::string git_revision = "unknown";
  bool progress = true;
};

// A profile's recurrent dropout is for its LSTM students: the others have no
// recurrence, and their results and keys do not change with it.
double RecurrentDropoutFor(const ProfileSettings& settings, const std::string& student);

// A profile's student precision is for students trained by gradient: a
// closed-form fit (naive Bayes) computes the same in either, and its key
// does not change with it.
PrecisionSetting StudentPrecisionFor(const ProfileSettings& settings, const std::string& student);

// A cell's options as a profile's settings give them (profiles.toml: one
// source of defaults for the grids and `kdbench distill`), for `student`,
// with the teacher's and the student's arithmetic resolved for `device`.
// The cell's own fields (dataset, teacher, method, schedule, budget, seed)
// are left for the caller.
StudentCellOptions StudentCellOptionsFromProfile(const ProfileSettings& settings,
                                                 const std::string& student,
                                                 const c10::Device& device);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_OPTIONS_H_
