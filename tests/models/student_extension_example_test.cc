// The README's example of adding a student ("Adding a student"): the code
// between the markers is the README's, word for word
// (//tests/models:student_readme_example_test checks), and here a grid's
// factory builds it by name and it learns a task.
#include <torch/torch.h>

#include "gtest/gtest.h"
#include "lib/distill/student_training.h"
#include "tests/distill/synthetic_task.h"

// [student-example]
#include "lib/models/student_registry.h"

// The mean of the tokens' embeddings, then a linear classifier (fastText's
// shape: Joulin et al., 2017).
class MeanEmbeddingStudentImpl : public kdbench::StudentImpl {
 public:
  explicit MeanEmbeddingStudentImpl(const kdbench::StudentSpec& spec)
      : embedding_(register_module(
            "embedding", torch::nn::Embedding(torch::nn::EmbeddingOptions(spec.vocab_size, 32)
                                                  .padding_idx(spec.padding_idx)))),
        classifier_(register_module("classifier", torch::nn::Linear(32, spec.num_classes))),
        num_classes_(spec.num_classes) {}

  kdbench::StudentOutputs forward(const torch::Tensor& input_ids,
                                  const torch::Tensor& lengths) override {
    // Positions at or past a row's length are padding.
    torch::Tensor kept = torch::arange(input_ids.size(1), lengths.options()).unsqueeze(0) <
                         lengths.unsqueeze(1);
    torch::Tensor sum = (embedding_(input_ids) * kept.unsqueeze(2)).sum(1);
    torch::Tensor features = sum / lengths.clamp_min(1).unsqueeze(1);
    return {.features = features, .logits = classifier_(features)};
  }
  int64_t feature_size() const override { return 32; }
  int64_t num_classes() const override { return num_classes_; }
  std::string architecture() const override { return "mean-embedding"; }
  std::vector<kdbench::LayerGroup> LayerGroups() override {
    return {{"embedding", embedding_->parameters()}, {"classifier", classifier_->parameters()}};
  }
  torch::Tensor EmbeddingWeight() override { return embedding_->weight; }
  int64_t EmbeddingParameterCount() const override { return embedding_->weight.numel(); }

 private:
  torch::nn::Embedding embedding_;
  torch::nn::Linear classifier_;
  int64_t num_classes_;
};
KDBENCH_REGISTER_STUDENT("mean-embedding",
                         [](const kdbench::StudentSpec& spec)
                             -> absl::StatusOr<kdbench::StudentPtr> {
                           return std::make_shared<MeanEmbeddingStudentImpl>(spec);
                         });
// [/student-example]

namespace kdbench {
namespace {

TEST(StudentExtensionExampleTest, TheRegistrationLineMakesAStudent) {
  EXPECT_NE(KnownStudents().find("mean-embedding"), std::string::npos) << KnownStudents();
  EXPECT_FALSE(StudentHasRecurrence("mean-embedding"));
  absl::StatusOr<StudentPtr> student = MakeStudent(
      {.architecture = "mean-embedding", .size = "tiny", .vocab_size = 30, .num_classes = 3});
  ASSERT_TRUE(student.ok()) << student.status();
  EXPECT_EQ((*student)->architecture(), "mean-embedding");
  EXPECT_EQ((*student)->EmbeddingParameterCount(), 30 * 32);
  // Options for students with recurrence are refused by name.
  absl::StatusOr<StudentPtr> with_recurrent_dropout =
      MakeStudent({.architecture = "mean-embedding", .vocab_size = 30, .num_classes = 3,
                   .recurrent_dropout = 0.2});
  ASSERT_FALSE(with_recurrent_dropout.ok());
  EXPECT_NE(with_recurrent_dropout.status().message().find("not --student=mean-embedding"),
            std::string::npos);
}

TEST(StudentExtensionExampleTest, PaddingDoesNotMatter) {
  torch::manual_seed(1);
  StudentPtr student = *MakeStudent(
      {.architecture = "mean-embedding", .vocab_size = 30, .num_classes = 2});
  torch::Tensor short_row = student->forward(torch::tensor({{5, 7}}), torch::tensor({2})).logits;
  torch::Tensor padded = student->forward(torch::tensor({{5, 7, 9, 11}}), torch::tensor({2})).logits;
  EXPECT_TRUE(torch::allclose(short_row, padded));
}

TEST(StudentExtensionExampleTest, ItLearnsTheTaskFromATeacher) {
  torch::manual_seed(3);
  Fixture fixture;
  StudentPtr student =
      *MakeStudent({.architecture = "mean-embedding", .vocab_size = kVocab, .num_classes = 2});
  ScheduleOptions order = Order(30);
  order.unfreeze_order = {"classifier", "embedding"};
  absl::StatusOr<std::vector<TrainingPhase>> phases = MakeSchedule("joint", "soft", order);
  ASSERT_TRUE(phases.ok()) << phases.status();
  absl::StatusOr<StudentTrainingReport> report =
      TrainStudent(student, *phases, fixture.data(), kTeacherWidth, /*pad_id=*/0,
                   {.optimizer = StudentOptimizer::kAdam, .batch_size = 8, .progress = false}, torch::kCPU);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GE(report->dev_accuracy, 0.9);
}

}  // namespace
}  // namespace kdbench
