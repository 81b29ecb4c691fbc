#include "lib/distill/classifier_evaluation.h"

#include <torch/torch.h>

#include "lib/data/length_batching.h"

namespace kdbench {

double Accuracy(const std::vector<int32_t>& predicted, const std::vector<int32_t>& gold) {
  if (gold.empty()) return 0;
  int64_t correct = 0;
  for (size_t i = 0; i < gold.size(); ++i) correct += predicted[i] == gold[i];
  return static_cast<double>(correct) / static_cast<double>(gold.size());
}

ClassifierEvaluation EvaluateClassifier(const EncodedExamples& examples, int32_t pad_id,
                                        int64_t batch_size, const BatchLogits& logits) {
  ClassifierEvaluation evaluation;
  evaluation.predicted.assign(static_cast<size_t>(examples.size()), 0);
  double loss_sum = 0;
  bool all_labeled = true;
  torch::InferenceMode inference;
  for (const auto& batch : LengthBucketedBatches(examples.Lengths(),
                                                 {.batch_size = batch_size, .shuffle = false})) {
    torch::Tensor batch_logits = logits(examples.Pad(batch, pad_id)).cpu();
    torch::Tensor labels = examples.LabelTensor(batch);
    if (labels.ge(0).all().item<bool>()) {
      loss_sum += torch::nn::functional::cross_entropy(
                      batch_logits, labels,
                      torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                      .item<double>();
    } else {
      all_labeled = false;
    }
    torch::Tensor classes = batch_logits.argmax(1);
    for (size_t i = 0; i < batch.size(); ++i) {
      evaluation.predicted[batch[i]] = static_cast<int32_t>(classes[i].item<int64_t>());
    }
  }
  evaluation.accuracy = Accuracy(evaluation.predicted, examples.labels);
  if (all_labeled && examples.size() > 0) {
    evaluation.mean_loss = loss_sum / static_cast<double>(examples.size());
  }
  return evaluation;
}

double MacroF1(const std::vector<int32_t>& predicted, const std::vector<int32_t>& gold,
               int64_t num_classes) {
  if (num_classes <= 0) return 0;
  std::vector<double> true_positive(num_classes), predicted_count(num_classes),
      gold_count(num_classes);
  for (size_t i = 0; i < predicted.size() && i < gold.size(); ++i) {
    if (predicted[i] >= 0 && predicted[i] < num_classes) ++predicted_count[predicted[i]];
    if (gold[i] >= 0 && gold[i] < num_classes) ++gold_count[gold[i]];
    if (predicted[i] == gold[i] && gold[i] >= 0 && gold[i] < num_classes) ++true_positive[gold[i]];
  }
  double sum = 0;
  for (int64_t c = 0; c < num_classes; ++c) {
    const double denominator = predicted_count[c] + gold_count[c];
    if (denominator > 0) sum += 2 * true_positive[c] / denominator;
  }
  return sum / static_cast<double>(num_classes);
}

}  // namespace kdbench
