#include "lib/distill/student_training.h"

#include <torch/torch.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "lib/data/length_batching.h"
#include "lib/distill/early_stopping.h"
#include "lib/text/sequence_encoding.h"

namespace kdbench {

ClassifierEvaluation EvaluateStudent(BiLstmStudent& student, const EncodedExamples& examples,
                                     int32_t pad_id, int64_t batch_size,
                                     const c10::Device& device) {
  const bool was_training = student->is_training();
  student->eval();
  ClassifierEvaluation evaluation =
      EvaluateClassifier(examples, pad_id, batch_size, [&](const PaddedBatch& batch) {
        return student->forward(batch.ids.to(device), batch.lengths.to(device)).logits;
      });
  student->train(was_training);
  return evaluation;
}

absl::StatusOr<StudentTrainingReport> TrainStudentSupervised(
    BiLstmStudent& student, const EncodedExamples& train, const EncodedExamples& dev,
    int32_t pad_id, const StudentTrainingOptions& options, const c10::Device& device) {
  if (train.size() == 0 || dev.size() == 0) {
    return absl::InvalidArgumentError("student training needs non-empty train and dev sets");
  }
  for (const EncodedExamples* set : {&train, &dev}) {
    for (int32_t label : set->labels) {
      if (label < 0 || label >= student->options.num_classes()) {
        return absl::InvalidArgumentError(absl::StrCat("label ", label, " outside the student's ",
                                                       student->options.num_classes(),
                                                       " classes"));
      }
    }
  }
  torch::manual_seed(options.seed);
  student->to(device);
  torch::optim::Adam optimizer(student->parameters(),
                               torch::optim::AdamOptions(options.learning_rate));
  StudentTrainingReport report;
  EarlyStopping stopping(options.patience);
  int64_t trained_examples = 0;
  double training_seconds = 0;
  const auto start = std::chrono::steady_clock::now();
  const std::vector<int64_t> lengths = train.Lengths();
  for (int64_t epoch = 0; epoch < options.max_epochs; ++epoch) {
    student->train();
    double loss_sum = 0;
    auto batches = LengthBucketedBatches(
        lengths, {.batch_size = options.batch_size, .seed = options.seed * 1000 + epoch});
    const auto epoch_start = std::chrono::steady_clock::now();
    for (const auto& batch : batches) {
      PaddedBatch padded = train.Pad(batch, pad_id);
      torch::Tensor logits =
          student->forward(padded.ids.to(device), padded.lengths.to(device)).logits;
      torch::Tensor loss =
          torch::nn::functional::cross_entropy(logits, train.LabelTensor(batch).to(device));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      trained_examples += static_cast<int64_t>(batch.size());
    }
    training_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    ClassifierEvaluation evaluation = EvaluateStudent(student, dev, pad_id, options.batch_size, device);
    report.dev_accuracy.push_back(evaluation.accuracy);
    report.dev_loss.push_back(evaluation.mean_loss);
    report.train_loss.push_back(loss_sum / static_cast<double>(batches.size()));
    if (options.progress) {
      std::fprintf(stderr, "student epoch %lld: train loss %.4f, dev accuracy %.4f, dev loss %.4f\n",
                   static_cast<long long>(epoch + 1), report.train_loss.back(), evaluation.accuracy,
                   evaluation.mean_loss);
    }
    if (stopping.Update(epoch + 1, evaluation.accuracy, evaluation.mean_loss, *student)) break;
  }
  stopping.RestoreBest(*student);
  report.best_epoch = stopping.best_epoch();
  report.best_dev_accuracy = stopping.best_accuracy();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.examples_per_second =
      training_seconds > 0 ? static_cast<double>(trained_examples) / training_seconds : 0;
  return report;
}

}  // namespace kdbench
