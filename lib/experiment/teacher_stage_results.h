// What the teacher's stages (lib/experiment/teacher_stages.h) computed,
// typed: a teacher artifact's record.json and `kdbench teacher`'s output are
// written from them at the storage edge (teacher_stage_records.h).
#ifndef KDBENCH_LIB_EXPERIMENT_TEACHER_STAGE_RESULTS_H_
#define KDBENCH_LIB_EXPERIMENT_TEACHER_STAGE_RESULTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/models/mixed_precision.h"

namespace kdbench {

struct PretrainResult {
  // General pre-training (on several datasets' non-test text) or in-domain
  // (on one dataset's transfer set).
  bool general = false;
  std::vector<std::string> general_datasets;
  std::map<std::string, int64_t> texts_per_dataset;
  int64_t excluded_as_test = 0;
  std::string dataset;     // in-domain only
  std::string split_hash;  // in-domain only
  std::string size;
  int64_t layers = 0;
  int64_t hidden = 0;
  int64_t vocab_size = 0;
  int64_t transfer_examples = 0;  // the MLM corpus's texts
  int64_t epochs = 0;
  int64_t steps = 0;
  std::vector<double> mlm_loss_per_epoch;
  double unigram_entropy = 0;
  double seconds = 0;
  TrainingPrecision precision = TrainingPrecision::kFloat32;
  std::string checkpoint;
  // In-domain MLM that continued a checkpoint: it and its hash.
  std::string init_checkpoint;
  std::string init_checkpoint_hash;
};

// A teacher assistant's (TAKD) distillation from its larger teacher.
struct AssistantDistillation {
  std::string teacher_checkpoint;
  std::string teacher_hash;
  int64_t transfer_examples = 0;
  double temperature = 0;
  double weight = 0;
  int64_t teacher_forward_passes = 0;
  int64_t reused_from_cache = 0;
};

struct FinetuneResult {
  std::string dataset;
  int64_t labels_per_class = 0;
  uint64_t seed = 1;
  int64_t train_examples = 0;
  int64_t dev_examples = 0;
  int64_t test_examples = 0;
  std::vector<double> dev_accuracy_per_epoch;
  std::vector<double> dev_loss_per_epoch;
  int64_t best_epoch = 0;
  double dev_accuracy = 0;
  double test_accuracy = 0;
  double test_macro_f1 = 0;
  double test_majority_accuracy = 0;
  // Per test example, in the split's order: paired tests against students.
  std::vector<int32_t> test_predictions;
  std::vector<int32_t> test_labels;
  double seconds = 0;
  TrainingPrecision precision = TrainingPrecision::kFloat32;
  std::string split_hash;
  std::string pretrained_checkpoint_hash;
  std::string checkpoint;
  std::optional<AssistantDistillation> distilled_from;
};

struct TeacherOutputsResult {
  std::string dataset;
  int64_t transfer_examples = 0;
  int64_t teacher_forward_passes = 0;
  int64_t reused_from_cache = 0;
  int64_t corrupt_chunks_rebuilt = 0;
  // The paper's Table 9: the mean over examples of the population variance
  // of the class probabilities, and a one-hot vector's, its maximum.
  double mean_probability_variance = 0;
  double one_hot_variance = 0;
  int64_t classes = 0;
  int64_t parameters = 0;
  int64_t embedding_parameters = 0;
  int64_t layers = 0;
  int64_t hidden = 0;
  double seconds = 0;
  TrainingPrecision precision = TrainingPrecision::kFloat32;
  std::string cache;
  std::string teacher_hash;
  std::string split_hash;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_TEACHER_STAGE_RESULTS_H_
