// Logistic regression on a bag of n-grams, the "classic model" student of
// the KD survey (Salmony et al. distil into logistic regression and naive
// Bayes): the features are the term frequencies of the sequence's unigrams
// (token ids) and bigrams (hashed into a fixed number of buckets), and the
// logits are W x + b. A linear model trains with the same trainer as every
// student, so it learns from gold labels alone (method "none") or from the
// teacher's soft labels (soft, kl(T=...), ...).
//
// z, the representation the distillation heads read, is the logits
// themselves (a linear model has nothing in between).
#ifndef KDBENCH_LIB_MODELS_NGRAM_LOGREG_STUDENT_H_
#define KDBENCH_LIB_MODELS_NGRAM_LOGREG_STUDENT_H_

#include <torch/arg.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

#include "lib/models/student.h"

namespace kdbench {

struct NgramLogregStudentOptions {
  NgramLogregStudentOptions(int64_t vocab_size, int64_t num_classes)
      : vocab_size_(vocab_size), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, vocab_size);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(int64_t, bigram_buckets) = 1 << 18;  // 0: unigrams only
  TORCH_ARG(int64_t, padding_idx) = 0;
};

class NgramLogregStudentImpl : public StudentImpl {
 public:
  explicit NgramLogregStudentImpl(NgramLogregStudentOptions options);
  StudentOutputs forward(const torch::Tensor& input_ids, const torch::Tensor& lengths) override;
  int64_t feature_size() const override { return options.num_classes(); }
  int64_t num_classes() const override { return options.num_classes(); }
  std::string architecture() const override { return "ngram-logreg"; }
  // embedding (the n-gram weights W), classifier (the bias b)
  std::vector<LayerGroup> LayerGroups() override;
  torch::Tensor EmbeddingWeight() override { return weights->weight; }
  int64_t EmbeddingParameterCount() const override { return weights->weight.numel(); }

  NgramLogregStudentOptions options;
  torch::nn::EmbeddingBag weights{nullptr};  // [features, classes], mean mode: W x
  torch::Tensor bias;                        // [classes]
};
TORCH_MODULE(NgramLogregStudent);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_NGRAM_LOGREG_STUDENT_H_
