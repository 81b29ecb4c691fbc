// Evaluating any classifier (teacher or student) on labeled examples:
// predicted classes, accuracy and mean cross-entropy, in inference mode.
#ifndef KDBENCH_LIB_DISTILL_CLASSIFIER_EVALUATION_H_
#define KDBENCH_LIB_DISTILL_CLASSIFIER_EVALUATION_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "lib/data/encoded_examples.h"

namespace kdbench {

struct ClassifierEvaluation {
  std::vector<int32_t> predicted;
  double accuracy = 0;
  double mean_loss = 0;  // over examples; 0 when some are unlabeled
};

// `logits` maps a padded batch to [batch, classes] logits; it is called
// under inference mode with length-sorted batches. The caller sets eval().
using BatchLogits = std::function<at::Tensor(const PaddedBatch& batch)>;

ClassifierEvaluation EvaluateClassifier(const EncodedExamples& examples, int32_t pad_id,
                                        int64_t batch_size, const BatchLogits& logits);

double Accuracy(const std::vector<int32_t>& predicted, const std::vector<int32_t>& gold);

// Unweighted mean over the classes 0..num_classes-1 of each class's F1
// (2PR / (P + R)); a class that is neither predicted nor present scores 0
// (scikit-learn's zero_division=0).
double MacroF1(const std::vector<int32_t>& predicted, const std::vector<int32_t>& gold,
               int64_t num_classes);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_CLASSIFIER_EVALUATION_H_
