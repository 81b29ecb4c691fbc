// Multinomial naive Bayes on a bag of n-grams (ngram_features.h), the KD
// survey's other classic-model student (Salmony et al.: IMDB NB 78.7 ->
// 80.3 when trained on a teacher's soft labels). It is fitted in closed
// form from weighted counts: each example adds its n-gram counts to every
// class in proportion to its label weights: one-hot gold labels, or a
// teacher's probabilities as fractional labels. With Laplace smoothing a:
//   log prior(c)      = log (N_c / N)          N_c = sum of class-c weights
//   log theta(c, f)   = log ((n_cf + a) / (sum_f' n_cf' + a F))
//   logits(x)         = log prior + sum_f count_f(x) log theta(., f)
// The logits are the log joint; softmax of them is the NB posterior.
#ifndef KDBENCH_LIB_MODELS_NAIVE_BAYES_STUDENT_H_
#define KDBENCH_LIB_MODELS_NAIVE_BAYES_STUDENT_H_

#include <torch/arg.h>

#include <cstdint>

#include "lib/models/ngram_features.h"
#include "lib/models/student.h"

namespace kdbench {

struct NaiveBayesStudentOptions {
  NaiveBayesStudentOptions(int64_t vocab_size, int64_t num_classes)
      : vocab_size_(vocab_size), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, vocab_size);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(int64_t, bigram_buckets) = 1 << 18;
  TORCH_ARG(int64_t, padding_idx) = 0;
  TORCH_ARG(double, smoothing) = 1.0;  // Laplace
};

class NaiveBayesStudentImpl : public StudentImpl {
 public:
  explicit NaiveBayesStudentImpl(NaiveBayesStudentOptions options);
  StudentOutputs forward(const torch::Tensor& input_ids, const torch::Tensor& lengths) override;
  int64_t feature_size() const override { return options.num_classes(); }
  int64_t num_classes() const override { return options.num_classes(); }
  std::string architecture() const override { return "naive-bayes"; }
  // embedding (log theta), classifier (log prior); fitted, never trained.
  std::vector<LayerGroup> LayerGroups() override;
  torch::Tensor EmbeddingWeight() override { return log_likelihood; }
  int64_t EmbeddingParameterCount() const override { return log_likelihood.numel(); }

  // Adds a batch's counts. label_weights [batch, classes], rows >= 0 (one-hot
  // gold labels or a teacher's probabilities).
  void AddCounts(const torch::Tensor& input_ids, const torch::Tensor& lengths,
                 const torch::Tensor& label_weights);
  // Sets log prior and log theta from the counts so far.
  void Finish();

  NaiveBayesStudentOptions options;
  NgramSpace space;
  torch::Tensor log_likelihood;  // [features, classes]: log theta(c, f), transposed
  torch::Tensor log_prior;       // [classes]

 private:
  torch::Tensor feature_counts_;  // [features, classes], float64
  torch::Tensor class_weights_;   // [classes], float64
};
TORCH_MODULE(NaiveBayesStudent);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_NAIVE_BAYES_STUDENT_H_
