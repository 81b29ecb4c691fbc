// The TinyBERT and MiniLM losses against element-by-element references,
// their methods and schedules, and a transformer student distilled from a
// BERT teacher's layers on the synthetic task.
#include <torch/torch.h>

#include "gtest/gtest.h"
#include "lib/distill/student_training.h"
#include "lib/distill/training_schedule.h"
#include "lib/distill/transfer_loss.h"
#include "lib/models/bert.h"
#include "lib/models/mixed_precision.h"
#include "lib/models/teacher_outputs.h"
#include "lib/models/transformer_student.h"
#include "tests/distill/hand_feature_math.h"
#include "tests/distill/synthetic_task.h"

namespace kdbench {
namespace {

// Random internals of a transformer: batch 2, time 3 (one padded token in
// row 0), `heads` heads of size 2, `width` wide.
TransformerInternals RandomInternals(int64_t layers, int64_t heads, int64_t width) {
  TransformerInternals internals;
  internals.token_mask = torch::tensor({{1, 1, 0}, {1, 1, 1}}).to(torch::kBool);
  for (int64_t l = 0; l <= layers; ++l) internals.hidden_states.push_back(torch::randn({2, 3, width}));
  for (int64_t l = 0; l < layers; ++l) {
    internals.attention_scores.push_back(torch::randn({2, heads, 3, 3}));
    internals.values.push_back(torch::randn({2, heads, 3, 2}));
  }
  return internals;
}

TransferLossSettings Shapes(TransformerShape student, TransformerShape teacher) {
  return {.student_transformer = student, .teacher_transformer = teacher};
}

TEST(TinyBertLossTest, SumsEmbeddingHiddenAndAttentionMsesOverTheUniformMap) {
  torch::manual_seed(11);
  absl::StatusOr<TransferLossPtr> loss =
      MakeTransferLoss("tinybert-features", Shapes({1, 2, 3}, {2, 2, 3}));
  ASSERT_TRUE(loss.ok()) << loss.status();
  {
    // Identity projections, so the reference needs no matrix product.
    torch::NoGradGuard no_grad;
    for (auto& item : (*loss)->named_parameters()) {
      if (item.key().find("weight") != std::string::npos) {
        item.value().copy_(torch::eye(3));
      } else {
        item.value().zero_();
      }
    }
  }
  StudentOutputs student{.layers = RandomInternals(1, 2, 3)};
  TeacherTargets teacher{.layers = RandomInternals(2, 2, 3)};
  const torch::Tensor& mask = student.layers.token_mask;
  // Student layer 1 learns from teacher layer 2 (1 x 2 / 1); teacher layer 1 is unused.
  const double expected =
      HandMaskedMse(student.layers.hidden_states[0], teacher.layers.hidden_states[0], mask) +
      HandMaskedMse(student.layers.hidden_states[1], teacher.layers.hidden_states[2], mask) +
      HandPairMse(student.layers.attention_scores[0], teacher.layers.attention_scores[1], mask);
  EXPECT_NEAR((*loss)->forward(student, teacher).item<double>(), expected, 1e-5);
  EXPECT_TRUE((*loss)->ReadsTeacherLayers());
  // The projections are learned: two of them, student width to teacher width.
  EXPECT_EQ((*loss)->parameters().size(), 4u);
}

TEST(MiniLmLossTest, LastLayerAttentionAndValueRelationKl) {
  torch::manual_seed(12);
  absl::StatusOr<TransferLossPtr> loss =
      MakeTransferLoss("minilm-relations", Shapes({1, 2, 4}, {3, 2, 6}));
  ASSERT_TRUE(loss.ok()) << loss.status();
  StudentOutputs student{.layers = RandomInternals(1, 2, 4)};
  TeacherTargets teacher{.layers = RandomInternals(3, 2, 6)};
  const torch::Tensor& mask = student.layers.token_mask;
  const double expected =
      HandRowKl(student.layers.attention_scores[0], teacher.layers.attention_scores[2], mask) +
      HandRowKl(HandValueRelation(student.layers.values[0]),
                HandValueRelation(teacher.layers.values[2]), mask);
  EXPECT_NEAR((*loss)->forward(student, teacher).item<double>(), expected, 1e-5);
  // A student that attends as its teacher does has nothing to learn.
  EXPECT_NEAR((*loss)->forward({.layers = teacher.layers}, teacher).item<double>(), 0, 1e-6);
  EXPECT_TRUE((*loss)->parameters().empty());
}

TEST(FeatureLossesTest, RefuseStudentsWithoutLayersAndMismatchedHeads) {
  for (const char* name : {"tinybert-features", "minilm-relations"}) {
    absl::StatusOr<TransferLossPtr> bilstm = MakeTransferLoss(name, Shapes({}, {2, 2, 8}));
    ASSERT_FALSE(bilstm.ok()) << name;
    EXPECT_NE(bilstm.status().message().find("--student=transformer"), std::string::npos);
    absl::StatusOr<TransferLossPtr> heads = MakeTransferLoss(name, Shapes({1, 4, 8}, {2, 2, 8}));
    ASSERT_FALSE(heads.ok()) << name;
    EXPECT_NE(heads.status().message().find("4 heads"), std::string::npos);
  }
  // TinyBERT maps layers uniformly: 3 student layers do not divide 4.
  EXPECT_FALSE(MakeTransferLoss("tinybert-features", Shapes({3, 2, 8}, {4, 2, 8})).ok());
}

TEST(FeatureMethodsTest, StagewiseTrainsTheFeaturesFirst) {
  ScheduleOptions options{.max_epochs = 3, .patience = 3};
  options.unfreeze_order = {"classifier", "encoder", "embedding"};
  absl::StatusOr<std::vector<TrainingPhase>> tinybert =
      MakeSchedule("stagewise", "tinybert(T=1)", options);
  ASSERT_TRUE(tinybert.ok()) << tinybert.status();
  ASSERT_EQ(tinybert->size(), 4u);
  ASSERT_EQ((*tinybert)[0].losses.size(), 1u);
  EXPECT_EQ((*tinybert)[0].losses[0].loss, "tinybert-features");
  EXPECT_EQ((*tinybert)[1].losses.back().loss, "L_KL");
  EXPECT_EQ((*tinybert)[1].losses.back().parameters.at("T"), 1);
  absl::StatusOr<std::vector<TrainingPhase>> minilm = MakeSchedule("distil-once", "minilm", options);
  ASSERT_TRUE(minilm.ok()) << minilm.status();
  EXPECT_EQ((*minilm)[0].losses.size(), 1u);
  EXPECT_EQ((*minilm)[0].losses[0].loss, "minilm-relations");
  EXPECT_FALSE((*minilm)[0].UsesLabels());
}

// Two heads, 16 positions, the synthetic task's vocabulary.
BertConfig SmallBert(int64_t layers, int64_t hidden) {
  BertConfig config;
  config.vocab_size = kVocab;
  config.hidden_size = hidden;
  config.num_hidden_layers = layers;
  config.num_attention_heads = 2;
  config.intermediate_size = 2 * hidden;
  config.max_position_embeddings = 16;
  return config;
}

// A BERT teacher and a transformer student on the synthetic task (ids
// 5..29; [CLS] = 1, [SEP] = 2, padding 0).
struct FeatureFixture : Fixture {
  BertTeacher teacher{nullptr};
  FeatureFixture() {
    torch::manual_seed(21);
    BertConfig config = SmallBert(/*layers=*/2, /*hidden=*/16);
    config.labels = {"a", "b"};
    teacher = BertTeacher(config);
    TeacherLayerSource source = [this](const torch::Tensor& ids, const torch::Tensor& lengths) {
      return ComputeTeacherInternals(*teacher, ids, lengths, 1, 2, 0);
    };
    transfer.teacher_layers = source;
    held_out.teacher_layers = source;
  }
  StudentPtr Student() const {
    torch::manual_seed(22);
    return std::make_shared<TransformerStudentImpl>(
        TransformerStudentOptions(SmallBert(/*layers=*/1, /*hidden=*/8), 2).cls_id(1).sep_id(2).padding_idx(0));
  }
  StudentTrainingOptions Options() const {
    return {.optimizer = StudentOptimizer::kAdam,
            .batch_size = 16,
            .teacher_transformer = ShapeOf(teacher->config()),
            .progress = false};
  }
};

ScheduleOptions TransformerOrder(int64_t max_epochs) {
  ScheduleOptions options{.max_epochs = max_epochs, .patience = max_epochs};
  options.unfreeze_order = {"classifier", "encoder", "embedding"};
  return options;
}

TEST(FeatureDistillationTest, MiniLmStudentLearnsItsTeachersRelations) {
  FeatureFixture fixture;
  absl::StatusOr<std::vector<TrainingPhase>> phases =
      MakeSchedule("distil-once", "minilm", TransformerOrder(6));
  ASSERT_TRUE(phases.ok());
  absl::StatusOr<StudentTrainingReport> report =
      TrainStudent(fixture.Student(), *phases, fixture.data(), 16, 0, fixture.Options(), torch::kCPU);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::vector<double>& held_out = report->phases[0].selection_value;
  ASSERT_EQ(held_out.size(), 6u);
  EXPECT_LT(held_out.back(), 0.7 * held_out.front()) << held_out.front() << " -> " << held_out.back();
}

// TinyBERT's own recipe: the features first, then the prediction layer and
// the labels.
TEST(FeatureDistillationTest, TinyBertStudentLearnsTheTask) {
  FeatureFixture fixture;
  absl::StatusOr<std::vector<TrainingPhase>> phases =
      MakeSchedule("stagewise", "tinybert(T=1)", TransformerOrder(20));
  ASSERT_TRUE(phases.ok());
  absl::StatusOr<StudentTrainingReport> report =
      TrainStudent(fixture.Student(), *phases, fixture.data(), 16, 0, fixture.Options(), torch::kCPU);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GE(report->dev_accuracy, 0.9);
  const std::vector<double>& features = report->phases[0].selection_value;
  EXPECT_LT(features.back(), 0.7 * features.front()) << features.front() << " -> " << features.back();
}

// Under bfloat16 autocast a transformer student's internals come out of its
// layers partly in bfloat16; StudentForward hands the feature losses (which
// run outside autocast, with float32 projections) float32.
TEST(FeatureDistillationTest, UnderBFloat16TheStudentsInternalsReachTheLossesInFloat32) {
  FeatureFixture fixture;
  StudentPtr student = fixture.Student();
  const torch::Tensor ids = torch::tensor({{1, 5, 6, 7, 2}, {1, 8, 2, 0, 0}}, torch::kLong);
  const torch::Tensor lengths = torch::tensor({5, 3}, torch::kLong);
  const auto lists = [](const TransformerInternals& layers) {
    return std::vector<const std::vector<torch::Tensor>*>{
        &layers.hidden_states, &layers.attention_scores, &layers.attentions, &layers.values};
  };
  bool some_bfloat16 = false;
  {
    AutocastScope autocast(c10::DeviceType::CPU, TrainingPrecision::kBFloat16);
    const StudentOutputs raw = student->forward(ids, lengths);
    for (const auto* list : lists(raw.layers)) {
      for (const torch::Tensor& tensor : *list) some_bfloat16 |= tensor.scalar_type() == torch::kBFloat16;
    }
  }
  ASSERT_TRUE(some_bfloat16) << "autocast left every internal in float32: nothing to check";
  const StudentOutputs outputs =
      StudentForward(*student, ids, lengths, TrainingPrecision::kBFloat16);
  EXPECT_EQ(outputs.logits.scalar_type(), torch::kFloat);
  EXPECT_EQ(outputs.features.scalar_type(), torch::kFloat);
  for (const auto* list : lists(outputs.layers)) {
    ASSERT_FALSE(list->empty());
    for (const torch::Tensor& tensor : *list) EXPECT_EQ(tensor.scalar_type(), torch::kFloat);
  }
}

// The CUDA path (GPU machines; skipped where there is none): the student,
// its losses and the teacher's layers on the device, learning as on the CPU.
TEST(FeatureDistillationTest, MiniLmLearnsOnCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  FeatureFixture fixture;
  fixture.teacher->to(torch::kCUDA);
  absl::StatusOr<std::vector<TrainingPhase>> phases =
      MakeSchedule("distil-once", "minilm", TransformerOrder(6));
  ASSERT_TRUE(phases.ok());
  absl::StatusOr<StudentTrainingReport> report = TrainStudent(
      fixture.Student(), *phases, fixture.data(), 16, 0, fixture.Options(), torch::kCUDA);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::vector<double>& held_out = report->phases[0].selection_value;
  EXPECT_LT(held_out.back(), 0.7 * held_out.front()) << held_out.front() << " -> " << held_out.back();
}

TEST(FeatureDistillationTest, ABiLstmStudentIsRefusedWithTheReason) {
  FeatureFixture fixture;
  absl::StatusOr<std::vector<TrainingPhase>> phases = MakeSchedule("joint", "minilm", Order(1));
  ASSERT_TRUE(phases.ok());
  absl::StatusOr<StudentTrainingReport> report =
      TrainStudent(TinyStudent(1), *phases, fixture.data(), kTeacherWidth, 0, fixture.Options(),
                   torch::kCPU);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("--student=transformer"), std::string::npos)
      << report.status();
}

}  // namespace
}  // namespace kdbench
