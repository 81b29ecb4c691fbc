#include "lib/models/naive_bayes_student.h"

#include <torch/torch.h>

#include <cmath>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

// Unigrams over a vocabulary of 4 (id 0 is padding), 2 classes, a = 1.
NaiveBayesStudentImpl Tiny() {
  return NaiveBayesStudentImpl(NaiveBayesStudentOptions(4, 2).bigram_buckets(0));
}

TEST(NaiveBayesStudentTest, GoldCountsGiveTheTextbookEstimates) {
  NaiveBayesStudentImpl nb = Tiny();
  // Class 0: "1 1 2"; class 1: "3".
  nb.AddCounts(torch::tensor({{1, 1, 2}, {3, 0, 0}}), torch::tensor({3, 1}),
               torch::tensor({{1.0, 0.0}, {0.0, 1.0}}));
  nb.Finish();
  // theta(0, f) = (n + 1) / (3 + 4): f=0: 1/7, f=1: 3/7, f=2: 2/7, f=3: 1/7.
  // theta(1, f) = (n + 1) / (1 + 4): f=3: 2/5, others 1/5. Priors 1/2 each.
  StudentOutputs out = nb.forward(torch::tensor({{1, 3}}), torch::tensor({2}));
  EXPECT_NEAR(out.logits[0][0].item<double>(), std::log(0.5) + std::log(3.0 / 7) + std::log(1.0 / 7),
              1e-5);
  EXPECT_NEAR(out.logits[0][1].item<double>(), std::log(0.5) + std::log(1.0 / 5) + std::log(2.0 / 5),
              1e-5);
}

TEST(NaiveBayesStudentTest, SoftLabelsCountFractionally) {
  NaiveBayesStudentImpl nb = Tiny();
  // One text "2" with labels 0.75 / 0.25, one text "3" with gold class 1.
  nb.AddCounts(torch::tensor({{2}, {3}}), torch::tensor({1, 1}),
               torch::tensor({{0.75, 0.25}, {0.0, 1.0}}));
  nb.Finish();
  // Priors: 0.75 / 2 and 1.25 / 2. theta(0, 2) = (0.75 + 1) / (0.75 + 4);
  // theta(1, 2) = (0.25 + 1) / (1.25 + 4).
  StudentOutputs out = nb.forward(torch::tensor({{2}}), torch::tensor({1}));
  EXPECT_NEAR(out.logits[0][0].item<double>(), std::log(0.375) + std::log(1.75 / 4.75), 1e-5);
  EXPECT_NEAR(out.logits[0][1].item<double>(), std::log(0.625) + std::log(1.25 / 5.25), 1e-5);
}

TEST(NaiveBayesStudentTest, ParametersAreNotTrained) {
  NaiveBayesStudentImpl nb = Tiny();
  for (const auto& p : nb.parameters()) EXPECT_FALSE(p.requires_grad());
  EXPECT_EQ(nb.EmbeddingParameterCount(), 4 * 2);
  EXPECT_EQ(nb.NonEmbeddingParameterCount(), 2);
}

}  // namespace
}  // namespace kdbench
