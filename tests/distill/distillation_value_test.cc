// A task that labels alone cannot learn and the teacher's transfer set can:
// the class is set by which of 40 marker tokens a sequence holds, and the
// few labeled examples show only some of the markers, while the transfer set
// shows all of them with a teacher that knows the rule. A distillation term
// that is broken (zero, or pointing at the wrong targets) leaves the student
// where labels alone leave it, and this test fails.
#include <torch/torch.h>

#include <string>

#include "gtest/gtest.h"
#include "lib/distill/student_training.h"
#include "lib/models/bilstm_student.h"

namespace kdbench {
namespace {

constexpr int64_t kMarkers = 40;             // tokens 5..44; class = marker % 2
constexpr int64_t kFirstFiller = 5 + kMarkers;  // filler tokens after the markers
constexpr int64_t kFillers = 20;
constexpr int64_t kVocabulary = kFirstFiller + kFillers;
constexpr int64_t kWidth = 8;                // the teacher's representation width

int32_t Marker(int64_t index) { return static_cast<int32_t>(5 + index); }

// `count` sequences of filler with one marker each, drawn from the first
// `markers` markers; labeled (class = marker % 2) or not.
EncodedExamples Sequences(int64_t count, int64_t markers, uint64_t seed, bool labeled) {
  torch::manual_seed(seed);
  EncodedExamples examples;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t length = 4 + torch::randint(5, {1}).item<int64_t>();
    std::vector<int32_t> ids;
    for (int64_t t = 0; t < length; ++t) {
      ids.push_back(static_cast<int32_t>(kFirstFiller + torch::randint(kFillers, {1}).item<int64_t>()));
    }
    // Alternate classes so every set is balanced.
    const int64_t marker = 2 * torch::randint(markers / 2, {1}).item<int64_t>() + i % 2;
    ids[torch::randint(length, {1}).item<int64_t>()] = Marker(marker);
    examples.ids.push_back(ids);
    examples.labels.push_back(labeled ? static_cast<int32_t>(marker % 2) : -1);
    examples.corpus_indices.push_back(i);
  }
  return examples;
}

// The rule's teacher over sequences of every marker.
TransferSet RuleTeacher(int64_t count, uint64_t seed) {
  TransferSet set;
  set.examples = Sequences(count, kMarkers, seed, /*labeled=*/false);
  std::vector<int64_t> classes;
  for (const auto& ids : set.examples.ids) {
    for (int32_t id : ids) {
      if (id >= 5 && id < kFirstFiller) classes.push_back((id - 5) % 2);
    }
  }
  torch::Tensor labels = torch::tensor(classes, torch::kLong);
  torch::Tensor logits = torch::stack({labels.eq(0).to(torch::kFloat) * 6 - 3,
                                       labels.eq(1).to(torch::kFloat) * 6 - 3},
                                      1);
  torch::Tensor probabilities = torch::softmax(logits, 1);
  set.targets.logits = logits;
  set.targets.probabilities = probabilities;
  set.targets.logit_targets = torch::log(probabilities / (1 - probabilities));
  torch::manual_seed(seed + 100);
  set.targets.representation = torch::randn({2, kWidth}).index_select(0, labels);
  return set;
}

double TestAccuracy(const std::string& method) {
  // Labels show 6 of the 40 markers (3 per class); dev and test show all.
  const EncodedExamples labeled = Sequences(24, 6, 1, true);
  const EncodedExamples dev = Sequences(200, kMarkers, 2, true);
  const EncodedExamples test = Sequences(400, kMarkers, 3, true);
  const TransferSet transfer = RuleTeacher(1200, 4);
  const TransferSet held_out = RuleTeacher(100, 5);
  const StudentTrainingData data{&labeled, &dev, &transfer, &held_out};
  ScheduleOptions schedule{.max_epochs = 25, .patience = 25};
  schedule.unfreeze_order = {"classifier", "bilstm", "embedding"};
  auto phases = MakeSchedule("joint", method, schedule);
  EXPECT_TRUE(phases.ok()) << phases.status();
  if (!phases.ok()) return 0;
  torch::manual_seed(7);
  StudentPtr student = std::make_shared<BiLstmStudentImpl>(
      BiLstmStudentOptions(kVocabulary, 2).embedding_dim(16).hidden_size(16).dropout(0.1));
  auto report = TrainStudent(student, *phases, data, kWidth, 0,
                             {.optimizer = StudentOptimizer::kAdam, .batch_size = 16, .progress = false},
                             torch::kCPU);
  EXPECT_TRUE(report.ok()) << method << ": " << report.status();
  if (!report.ok()) return 0;
  return EvaluateStudent(*student, test, 0, 64, torch::kCPU).accuracy;
}

TEST(DistillationValueTest, TheTeachersTransferSetTeachesWhatLabelsAloneCannot) {
  const double labels_only = TestAccuracy("none");
  // 6 of 40 markers seen: about 0.5 + 0.5 * 6/40 if the rest is guessed.
  EXPECT_LT(labels_only, 0.75) << "labels alone should not solve this task";
  for (const std::string method : {"hard", "soft", "soft+repr", "kl"}) {
    const double distilled = TestAccuracy(method);
    EXPECT_GT(distilled, 0.9) << method;
    EXPECT_GT(distilled - labels_only, 0.2) << method << " vs labels alone " << labels_only;
    std::printf("%-10s test accuracy %.3f (labels alone %.3f)\n", method.c_str(), distilled,
                labels_only);
  }
}

}  // namespace
}  // namespace kdbench
