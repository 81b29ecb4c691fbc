// Supervised training of a student on labeled data alone (the paper's
// "student, no distillation" baseline), with early stopping and model
// selection on the dev split.
//
// Optimiser: Adam (the authors' released code; learning rate 1e-3). The
// paper's Adadelta is not in LibTorch 1.13's C++ optimisers; it comes with
// the distillation trainer.
#ifndef KDBENCH_LIB_DISTILL_STUDENT_TRAINING_H_
#define KDBENCH_LIB_DISTILL_STUDENT_TRAINING_H_

#include <c10/core/Device.h>

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/data/encoded_examples.h"
#include "lib/distill/classifier_evaluation.h"
#include "lib/models/bilstm_student.h"

namespace kdbench {

struct StudentTrainingOptions {
  int64_t max_epochs = 30;
  int64_t patience = 5;  // the released code's early-stopping patience
  int64_t batch_size = 64;
  double learning_rate = 1e-3;
  uint64_t seed = 1;
  bool progress = true;
};

struct StudentTrainingReport {
  std::vector<double> dev_accuracy, dev_loss, train_loss;  // per epoch
  int64_t best_epoch = 0;
  double best_dev_accuracy = 0;
  double seconds = 0;
  double examples_per_second = 0;  // training throughput
};

// The student on labeled examples (eval mode set and restored).
ClassifierEvaluation EvaluateStudent(BiLstmStudent& student, const EncodedExamples& examples,
                                  int32_t pad_id, int64_t batch_size, const c10::Device& device);

// Cross-entropy on `train`; best dev epoch (accuracy, ties by dev loss)
// restored at the end.
absl::StatusOr<StudentTrainingReport> TrainStudentSupervised(
    BiLstmStudent& student, const EncodedExamples& train, const EncodedExamples& dev,
    int32_t pad_id, const StudentTrainingOptions& options, const c10::Device& device);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_STUDENT_TRAINING_H_
