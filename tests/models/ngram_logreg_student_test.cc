#include "lib/models/ngram_logreg_student.h"

#include <torch/torch.h>

#include "gtest/gtest.h"
#include "lib/models/student_registry.h"

namespace kdbench {
namespace {

int64_t Bigram(int64_t a, int64_t b) { return 10 + (a * 1000003 + b) % 100; }

NgramLogregStudentImpl Tiny() {
  return NgramLogregStudentImpl(NgramLogregStudentOptions(10, 2).bigram_buckets(100));
}

TEST(NgramLogregStudentTest, LogitsAreTheMeanOfTheFeaturesWeightsPlusTheBias) {
  NgramLogregStudentImpl student = Tiny();
  {
    torch::NoGradGuard no_grad;
    student.weights->weight.copy_(torch::arange(220, torch::kFloat).view({110, 2}));
    student.bias.copy_(torch::tensor({0.5, -0.5}));
  }
  // Row [3, 4]: features 3, bigram(3, 4), 4; by hand.
  const int64_t b = Bigram(3, 4);
  const double class0 = (2.0 * 3 + 2.0 * b + 2.0 * 4) / 3 + 0.5;
  const double class1 = (2.0 * 3 + 1 + 2.0 * b + 1 + 2.0 * 4 + 1) / 3 - 0.5;
  StudentOutputs out = student.forward(torch::tensor({{3, 4, 0}}), torch::tensor({2}));
  EXPECT_NEAR(out.logits[0][0].item<double>(), class0, 1e-4);
  EXPECT_NEAR(out.logits[0][1].item<double>(), class1, 1e-4);
  EXPECT_TRUE(out.features.equal(out.logits));
  // More padding changes nothing.
  StudentOutputs padded = student.forward(torch::tensor({{3, 4, 0, 0, 0, 0}}), torch::tensor({2}));
  EXPECT_TRUE(torch::allclose(out.logits, padded.logits));
}

TEST(NgramLogregStudentTest, TheFactoryMakesItAndItsGroupsHoldEveryParameter) {
  absl::StatusOr<StudentPtr> student =
      MakeStudent({.architecture = "ngram-logreg", .size = "mini", .vocab_size = 50, .num_classes = 3});
  ASSERT_TRUE(student.ok()) << student.status();
  EXPECT_EQ((*student)->architecture(), "ngram-logreg");
  int64_t grouped = 0;
  for (const LayerGroup& group : (*student)->LayerGroups()) {
    for (const auto& p : group.parameters) grouped += p.numel();
  }
  int64_t total = 0;
  for (const auto& p : (*student)->parameters()) total += p.numel();
  EXPECT_EQ(grouped, total);
  EXPECT_EQ(total, (50 + (1 << 18)) * 3 + 3);
}

}  // namespace
}  // namespace kdbench
