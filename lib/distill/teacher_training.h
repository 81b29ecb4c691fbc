// The two training stages of a teacher: in-domain masked-LM pre-training on
// the unlabeled transfer set, then fine-tuning on the labeled split with
// early stopping on the dev split. AdamW (no decay on biases and LayerNorm)
// with linear warm-up and decay, as BERT.
#ifndef KDBENCH_LIB_DISTILL_TEACHER_TRAINING_H_
#define KDBENCH_LIB_DISTILL_TEACHER_TRAINING_H_

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/data/encoded_examples.h"
#include "lib/distill/classifier_evaluation.h"
#include "lib/models/bert.h"

namespace kdbench {

struct OptimizerSettings {
  double learning_rate = 5e-4;
  double warmup_fraction = 0.06;
  double weight_decay = 0.01;
  double max_grad_norm = 1.0;
};

struct PretrainOptions {
  int64_t epochs = 3;
  int64_t batch_size = 32;
  OptimizerSettings optimizer;
  uint64_t seed = 1;
  bool progress = true;
};

struct PretrainReport {
  int64_t steps = 0;
  double first_epoch_loss = 0;  // mean MLM loss of the first epoch
  double last_epoch_loss = 0;
  std::vector<double> epoch_losses;
  double seconds = 0;
};

// Sequences already carry [CLS] ... [SEP] (EncodeExamples).
absl::StatusOr<PretrainReport> PretrainMaskedLm(BertTeacher& teacher,
                                                const EncodedExamples& transfer,
                                                int32_t mask_id, int32_t pad_id, int32_t cls_id,
                                                int32_t sep_id, const PretrainOptions& options,
                                                const c10::Device& device);

// A larger teacher's outputs on a transfer set, for fine-tuning a teacher
// assistant (TAKD, Mirzadeh et al.): the model also learns T^2 KL at
// temperature T to these logits, weighted, on unlabeled batches.
struct FinetuneDistillation {
  const EncodedExamples* transfer = nullptr;  // the assistant's own tokens
  torch::Tensor teacher_logits;               // [transfer examples, classes]
  double temperature = 2;
  double weight = 1;
};

struct FinetuneOptions {
  int64_t max_epochs = 10;
  int64_t patience = 2;  // epochs without a dev improvement before stopping
  int64_t batch_size = 32;
  OptimizerSettings optimizer{.learning_rate = 1e-4, .warmup_fraction = 0.1};
  uint64_t seed = 1;
  bool progress = true;
  // Set: every step pairs a labeled batch (cross-entropy) with a transfer
  // batch (the KL); an epoch is one pass over the transfer set, the labeled
  // batches cycling. Unset: plain fine-tuning on the labels.
  FinetuneDistillation distillation;
};

struct FinetuneReport {
  std::vector<double> dev_accuracy;  // per epoch
  std::vector<double> dev_loss;      // per epoch
  std::vector<double> train_loss;    // per epoch
  int64_t best_epoch = 0;            // 1-based
  double best_dev_accuracy = 0;
  double seconds = 0;
};

// Trains the classifier end to end; the weights of the best dev epoch are
// restored at the end. Best = highest dev accuracy, ties broken by lower dev
// loss (small dev splits tie often: 20 examples at 100 labels per class). Errors: empty train or dev set, labels outside the
// head's range.
absl::StatusOr<FinetuneReport> FinetuneClassifier(BertTeacher& teacher,
                                                  const EncodedExamples& train,
                                                  const EncodedExamples& dev, int32_t pad_id,
                                                  const FinetuneOptions& options,
                                                  const c10::Device& device);

// The teacher on labeled examples (eval mode set and restored).
ClassifierEvaluation EvaluateTeacher(BertTeacher& teacher, const EncodedExamples& examples,
                                     int32_t pad_id, int64_t batch_size,
                                     const c10::Device& device);

// Predicted class per example (inference mode).
std::vector<int32_t> PredictClasses(BertTeacher& teacher, const EncodedExamples& examples,
                                    int32_t pad_id, int64_t batch_size,
                                    const c10::Device& device);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_TEACHER_TRAINING_H_
