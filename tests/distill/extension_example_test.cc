// The README's example of adding a distillation method ("Adding a
// distillation method"): the code between the markers is the README's, word
// for word (//tests/distill:readme_example_test checks), and here it trains a
// student.
#include <torch/torch.h>

#include <algorithm>

#include "gtest/gtest.h"
#include "lib/distill/student_training.h"
#include "tests/distill/synthetic_task.h"

// [extension-example]
#include "lib/distill/distillation_method.h"

// Logit matching (Ba & Caruana, 2014): half the squared distance between the
// student's and the teacher's logits.
class LogitMatchingImpl : public kdbench::TransferLossImpl {
 public:
  explicit LogitMatchingImpl(const kdbench::TransferLossSettings&) {}
  std::vector<kdbench::TeacherTarget> Targets() const override {
    return {kdbench::TeacherTarget::kLogits};
  }
  torch::Tensor forward(const kdbench::StudentOutputs& student,
                        const kdbench::TeacherTargets& teacher) override {
    return 0.5 * (student.logits - teacher.logits).pow(2).sum(1).mean();
  }
};
KDBENCH_REGISTER_DISTILLATION_LOSS("logit-matching", LogitMatchingImpl);
// [/extension-example]

namespace kdbench {
namespace {

TEST(ExtensionExampleTest, TheRegistrationLineMakesAMethod) {
  const std::vector<std::string> methods = KnownMethods();
  EXPECT_NE(std::find(methods.begin(), methods.end(), "logit-matching"), methods.end());
  absl::StatusOr<std::vector<TrainingPhase>> phases =
      MakeSchedule("joint", "logit-matching", Order(1));
  ASSERT_TRUE(phases.ok()) << phases.status();
  ASSERT_EQ(phases->size(), 1u);
  ASSERT_EQ((*phases)[0].losses.size(), 2u);
  EXPECT_EQ((*phases)[0].losses[0].loss, "L_CE");
  EXPECT_EQ((*phases)[0].losses[1].loss, "logit-matching");
  EXPECT_EQ((*phases)[0].losses[1].weight, Order(1).gamma);
  absl::StatusOr<std::vector<TrainingPhase>> with_parameter =
      MakeSchedule("joint", "logit-matching(T=2)", Order(1));
  ASSERT_FALSE(with_parameter.ok());
  EXPECT_NE(with_parameter.status().message().find("it takes: none"), std::string::npos);
}

TEST(ExtensionExampleTest, TheLossIsWhatItSays) {
  absl::StatusOr<TransferLossPtr> loss = MakeTransferLoss("logit-matching", {});
  ASSERT_TRUE(loss.ok());
  StudentOutputs student{.logits = torch::tensor({{1.0, 2.0}, {0.0, -1.0}})};
  TeacherTargets teacher{.logits = torch::tensor({{0.0, 0.0}, {3.0, 1.0}})};
  // By hand: example 1: (1 + 4) / 2 = 2.5; example 2: (9 + 4) / 2 = 6.5.
  EXPECT_NEAR((*loss)->forward(student, teacher).item<double>(), (2.5 + 6.5) / 2, 1e-6);
}

TEST(ExtensionExampleTest, AStudentLearnsTheTaskWithIt) {
  Fixture fixture;
  StudentPtr student = TinyStudent(3);
  absl::StatusOr<std::vector<TrainingPhase>> phases =
      MakeSchedule("joint", "logit-matching", Order(30));
  ASSERT_TRUE(phases.ok());
  absl::StatusOr<StudentTrainingReport> report =
      TrainStudent(student, *phases, fixture.data(), kTeacherWidth, /*pad_id=*/0,
                   {.optimizer = StudentOptimizer::kAdam, .batch_size = 8, .progress = false}, torch::kCPU);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GE(report->dev_accuracy, 0.9);
}

}  // namespace
}  // namespace kdbench
