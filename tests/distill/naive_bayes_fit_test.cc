#include "lib/distill/naive_bayes_fit.h"

#include <torch/torch.h>

#include "gtest/gtest.h"
#include "lib/distill/closed_form_fit.h"
#include "lib/models/student_registry.h"
#include "tests/distill/synthetic_task.h"

namespace kdbench {
namespace {

std::shared_ptr<NaiveBayesStudentImpl> Student() {
  return std::make_shared<NaiveBayesStudentImpl>(
      NaiveBayesStudentOptions(kVocab, 2).bigram_buckets(64));
}

TEST(NaiveBayesFitTest, LearnsTheSyntheticTaskFromGoldLabels) {
  Fixture fixture;
  auto nb = Student();
  absl::StatusOr<StudentTrainingReport> report =
      FitNaiveBayes(*nb, fixture.data(), "none", 2, 0, 16, torch::kCPU);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GE(report->dev_accuracy, 0.9);
  EXPECT_EQ(report->trained_examples, fixture.labeled.size());
  EXPECT_EQ(report->phases[0].name, "closed form: counts of gold labels");
}

// The teacher's labels change the counts, so the model: soft labels at
// T = 1 and the argmax differ from gold alone and from each other.
TEST(NaiveBayesFitTest, TeacherLabelsAreCounted) {
  Fixture fixture;
  auto gold = Student(), hard = Student(), soft = Student();
  ASSERT_TRUE(FitNaiveBayes(*gold, fixture.data(), "none", 2, 0, 16, torch::kCPU).ok());
  absl::StatusOr<StudentTrainingReport> hard_report =
      FitNaiveBayes(*hard, fixture.data(), "hard", 2, 0, 16, torch::kCPU);
  ASSERT_TRUE(hard_report.ok());
  EXPECT_EQ(hard_report->trained_examples, fixture.labeled.size() + fixture.transfer.examples.size());
  absl::StatusOr<StudentTrainingReport> soft_report =
      FitNaiveBayes(*soft, fixture.data(), "kl(T=1)", 2, 0, 16, torch::kCPU);
  ASSERT_TRUE(soft_report.ok());
  EXPECT_NE(soft_report->phases[0].name.find("softmax at T = 1"), std::string::npos);
  EXPECT_FALSE(torch::allclose(gold->log_likelihood, hard->log_likelihood));
  EXPECT_FALSE(torch::allclose(hard->log_likelihood, soft->log_likelihood));
}

TEST(NaiveBayesFitTest, MethodsWithoutACountFormAreRefused) {
  Fixture fixture;
  auto nb = Student();
  absl::StatusOr<StudentTrainingReport> report =
      FitNaiveBayes(*nb, fixture.data(), "soft+repr", 2, 0, 16, torch::kCPU);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("naive Bayes is fitted from label counts"),
            std::string::npos);
}

// A cell finds naive Bayes's fit by its architecture's name, and none for a
// student trained by gradient phases. The registered fit is FitNaiveBayes:
// the same counts, the same method check; another student type is refused.
TEST(NaiveBayesFitTest, RegisteredAsNaiveBayesClosedFormFit) {
  const ClosedFormFit* fit = FindClosedFormFit("naive-bayes");
  ASSERT_NE(fit, nullptr);
  EXPECT_EQ(FindClosedFormFit("bilstm"), nullptr);
  EXPECT_TRUE(fit->check_method("kl(T=1)").ok());
  EXPECT_FALSE(fit->check_method("soft+repr").ok());
  Fixture fixture;
  auto direct = Student(), registered = Student();
  ASSERT_TRUE(FitNaiveBayes(*direct, fixture.data(), "hard", 2, 0, 16, torch::kCPU).ok());
  absl::StatusOr<StudentTrainingReport> report =
      fit->fit(*registered, fixture.data(),
               {.method = "hard", .temperature = 2, .pad_id = 0, .batch_size = 16}, torch::kCPU);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(torch::equal(direct->log_likelihood, registered->log_likelihood));
  absl::StatusOr<StudentPtr> other = MakeStudent(
      {.architecture = "ngram-logreg", .size = "tiny", .vocab_size = kVocab, .num_classes = 2});
  ASSERT_TRUE(other.ok()) << other.status();
  absl::StatusOr<StudentTrainingReport> refused =
      fit->fit(**other, fixture.data(), {.method = "none"}, torch::kCPU);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("not naive-bayes"), std::string::npos);
}

}  // namespace
}  // namespace kdbench
