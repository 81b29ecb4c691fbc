// A profile (paper, mini, smoke) as data: datasets, seeds, and the recipes
// of teachers and students, read from benchmarks/grids/profiles.toml and
// optionally a user file on top (the paper profile's data and checkpoint
// paths). Profiles differ only in these settings, never in code.
//
// Settings resolve per (dataset, teacher role), later tables winning:
//   [<profile>]  ->  [<profile>.teacher.<role>]  ->  [<profile>.dataset.<name>]
//   ->  [<profile>.dataset.<name>.teacher.<role>]
#ifndef KDBENCH_LIB_EXPERIMENT_GRID_PROFILE_H_
#define KDBENCH_LIB_EXPERIMENT_GRID_PROFILE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/distill/student_training.h"
#include "lib/models/mixed_precision.h"

namespace kdbench {

// Every setting a profile can give (profiles.toml documents each key).
struct ProfileSettings {
  // Data.
  std::string path;  // dataset files (paper profile)
  // Teacher.
  std::string teacher_size = "base";  // TeacherSizeConfig name
  std::string teacher_checkpoint;     // a pre-trained encoder: no MLM pre-training
  int64_t teacher_vocab_size = 4000;
  int64_t teacher_max_length = 128;
  int64_t teacher_batch_size = 32;
  int64_t pretrain_epochs = 10;
  double pretrain_learning_rate = 1e-3;
  int64_t pretrain_labels = 100;  // the split whose transfer set MLM reads
  // General pre-training: MLM on the non-test text of these datasets, one
  // checkpoint per teacher recipe shared by every dataset. Empty: MLM on
  // the dataset's own transfer set only (in-domain).
  std::vector<std::string> pretrain_corpus;
  // After general pre-training, this many MLM epochs on the dataset's
  // transfer set (the paper's Table 11 teacher); 0: none.
  int64_t in_domain_epochs = 0;
  // The teacher's arithmetic in MLM pre-training, fine-tuning and outputs:
  // float32, bfloat16 (autocast) or auto (bfloat16 where the CPU multiplies
  // it natively; lib/models/mixed_precision.h).
  PrecisionSetting teacher_precision = PrecisionSetting::kFloat32;
  int64_t finetune_max_epochs = 15;
  int64_t finetune_patience = 4;
  double finetune_learning_rate = 3e-4;
  // Data: > 0, a dev split of this many examples per class held out beside
  // the label budget (lib/data/splits.h); 0, 10% of the budget (the paper).
  int64_t dev_per_class = 0;
  // Student.
  std::string student_size = "mini";
  double recurrent_dropout = 0;  // bilstm and rnn students (the paper: 0.2)
  // The student's forward passes in training and evaluation: float32,
  // bfloat16 (autocast; the LSTM's products too, lstm_recurrence.h) or auto.
  PrecisionSetting student_precision = PrecisionSetting::kFloat32;
  int64_t max_length = 128;
  int64_t max_epochs = 30;
  int64_t patience = 5;
  int64_t labels_only_max_epochs = 100;
  int64_t labels_only_patience = 10;
  // Distillation schedules share this many optimiser steps among their
  // phases (training_schedule.h); 0: epochs and patience alone.
  int64_t step_budget = 0;
  int64_t batch_size = 64;
  StudentOptimizer optimizer = StudentOptimizer::kAdadelta;
  double learning_rate = 0;
  int64_t transfer_limit = 0;
  std::string word_vectors;
  // L_RL's reduction: "half-sum" (the paper's 1/2 squared error, summed over
  // the teacher's width) or "mean" (over the width: the released code's
  // Keras mse), which keeps it on the scale of L_CE and L_LL.
  FeatureReduction representation_reduction = FeatureReduction::kHalfSum;
};

class GridProfile {
 public:
  ~GridProfile();
  GridProfile(GridProfile&&);
  GridProfile& operator=(GridProfile&&);

  const std::string& name() const { return name_; }
  const std::vector<std::string>& datasets() const { return datasets_; }
  int64_t seeds() const { return seeds_; }
  // false: one teacher per (dataset, role, budget), fine-tuned with seed 1,
  // serves every student seed; true: one per seed.
  bool teacher_per_seed() const { return teacher_per_seed_; }
  // Settings that must be non-empty for this profile to run ("path",
  // "teacher_checkpoint"): the paper profile needs the user's files.
  const std::vector<std::string>& required() const { return required_; }
  const std::string& sources() const { return sources_; }

  ProfileSettings Resolve(const std::string& dataset, const std::string& teacher_role) const;

  // Names every required setting that is empty for `datasets` x `roles`,
  // with the TOML a user adds to fix it; empty when nothing is missing.
  std::vector<std::string> Missing(const std::vector<std::string>& datasets,
                                   const std::vector<std::string>& roles) const;

  struct Layers;

 private:
  friend absl::StatusOr<GridProfile> LoadGridProfile(const std::string&, const std::string&,
                                                     const std::string&);
  GridProfile();
  std::string name_;
  std::vector<std::string> datasets_;
  int64_t seeds_ = 3;
  bool teacher_per_seed_ = false;
  std::vector<std::string> required_;
  std::string sources_;
  std::unique_ptr<Layers> layers_;
};

// Reads profile `name` from `profiles_file`, then (if not empty) the user's
// `overrides_file`, whose top level is the profile's table itself. Unknown
// profiles, keys, datasets and roles are errors naming file and line.
absl::StatusOr<GridProfile> LoadGridProfile(const std::string& profiles_file,
                                            const std::string& name,
                                            const std::string& overrides_file);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_GRID_PROFILE_H_
