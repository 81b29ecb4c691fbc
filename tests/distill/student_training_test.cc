#include "lib/distill/student_training.h"

#include <torch/torch.h>

#include <map>
#include <set>

#include "gtest/gtest.h"
#include "lib/models/bilstm_student.h"
#include "tests/distill/synthetic_task.h"

namespace kdbench {
namespace {

std::map<std::string, std::vector<torch::Tensor>> Snapshot(StudentImpl& student) {
  std::map<std::string, std::vector<torch::Tensor>> values;
  for (const LayerGroup& group : student.LayerGroups()) {
    for (const auto& parameter : group.parameters) values[group.name].push_back(parameter.detach().clone());
  }
  return values;
}

bool GroupEqual(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].equal(b[i])) return false;
  }
  return true;
}

TEST(StudentTrainingTest, StagewiseFreezesAndUnfreezesTheGroupsItNames) {
  Fixture fixture;
  StudentPtr student = TinyStudent(7);
  auto phases = MakeSchedule("stagewise", "soft+repr", Order(1));
  ASSERT_TRUE(phases.ok());
  // Expected trainable groups per phase: L_RL end to end, then classifier,
  // classifier + bilstm, everything.
  const std::vector<std::set<std::string>> expected = {
      {"embedding", "bilstm", "classifier"},
      {"classifier"},
      {"classifier", "bilstm"},
      {"embedding", "bilstm", "classifier"}};
  auto previous = Snapshot(*student);
  std::vector<size_t> seen;
  StudentTrainingOptions options{.optimizer = StudentOptimizer::kAdam, .progress = false};
  options.after_epoch = [&](size_t phase, int64_t) {
    seen.push_back(phase);
    auto now = Snapshot(*student);
    for (const LayerGroup& group : student->LayerGroups()) {
      const bool trains = expected[phase].count(group.name) > 0;
      for (const auto& parameter : group.parameters) {
        EXPECT_EQ(parameter.requires_grad(), trains) << "phase " << phase << " " << group.name;
      }
      if (!trains) {
        EXPECT_TRUE(GroupEqual(now[group.name], previous[group.name]))
            << "frozen " << group.name << " changed in phase " << phase;
      } else if (!(phase == 0 && group.name == "classifier")) {  // L_RL never reaches it
        EXPECT_FALSE(GroupEqual(now[group.name], previous[group.name]))
            << "trainable " << group.name << " did not change in phase " << phase;
      }
    }
    previous = now;
  };
  auto report = TrainStudent(student, *phases, fixture.data(), kTeacherWidth, 0, options,
                             torch::kCPU);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(seen, (std::vector<size_t>{0, 1, 2, 3}));
  ASSERT_EQ(report->phases.size(), 4u);
  EXPECT_TRUE(report->phases[0].selected_on_transfer_loss);
  EXPECT_FALSE(report->phases[1].selected_on_transfer_loss);
  // Everything trainable again afterwards.
  for (const auto& parameter : student->parameters()) EXPECT_TRUE(parameter.requires_grad());
}

TEST(StudentTrainingTest, APhaseStopsAtItsStepCap) {
  Fixture fixture;
  StudentPtr student = TinyStudent(7);
  ScheduleOptions schedule = Order(1);
  schedule.max_epochs = 50;
  schedule.patience = 50;
  schedule.step_budget = 12;  // 3 per phase of stagewise
  auto phases = MakeSchedule("stagewise", "soft+repr", schedule);
  ASSERT_TRUE(phases.ok()) << phases.status();
  StudentTrainingOptions options{.optimizer = StudentOptimizer::kAdam, .progress = false};
  auto report = TrainStudent(student, *phases, fixture.data(), kTeacherWidth, 0, options,
                             torch::kCPU);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->phases.size(), 4u);
  for (const PhaseReport& phase : report->phases) {
    EXPECT_EQ(phase.steps, 3) << phase.name;
    EXPECT_TRUE(phase.step_cap_reached) << phase.name;
    EXPECT_LT(phase.epochs_run, 50) << phase.name;
  }
}

TEST(StudentTrainingTest, SameSeedTwiceGivesIdenticalResults) {
  Fixture fixture;
  auto phases = MakeSchedule("joint", "soft+repr", Order(2));
  ASSERT_TRUE(phases.ok());
  StudentTrainingOptions options{.progress = false};
  StudentPtr first = TinyStudent(11), second = TinyStudent(11);
  auto a = TrainStudent(first, *phases, fixture.data(), kTeacherWidth, 0, options, torch::kCPU);
  auto b = TrainStudent(second, *phases, fixture.data(), kTeacherWidth, 0, options, torch::kCPU);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->phases[0].train_loss, b->phases[0].train_loss);
  EXPECT_EQ(a->phases[0].selection_value, b->phases[0].selection_value);
  auto pa = first->parameters(), pb = second->parameters();
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(pa[i].equal(pb[i])) << i;
  // The weighted terms (L_CE, L_RL, L_LL) are reported per epoch and add up
  // to the epoch's training loss.
  const PhaseReport& phase = a->phases[0];
  ASSERT_EQ(phase.weighted_term_loss.size(), 3u);
  for (size_t epoch = 0; epoch < phase.train_loss.size(); ++epoch) {
    double sum = 0;
    for (const auto& [term, values] : phase.weighted_term_loss) {
      ASSERT_EQ(values.size(), phase.train_loss.size()) << term;
      EXPECT_GT(values[epoch], 0) << term;
      sum += values[epoch];
    }
    EXPECT_NEAR(sum, phase.train_loss[epoch], 1e-4 * phase.train_loss[epoch]) << epoch;
  }
}

TEST(StudentTrainingTest, EveryMethodLearnsTheSyntheticTask) {
  Fixture fixture;
  for (const std::string method : {"none", "hard", "soft", "soft+repr", "kl"}) {
    auto phases = MakeSchedule("joint", method, Order(30));
    ASSERT_TRUE(phases.ok());
    StudentPtr student = TinyStudent(3);
    auto report =
        TrainStudent(student, *phases, fixture.data(), kTeacherWidth, 0,
                     {.optimizer = StudentOptimizer::kAdam, .batch_size = 8, .progress = false}, torch::kCPU);
    ASSERT_TRUE(report.ok()) << method << ": " << report.status();
    EXPECT_GE(report->dev_accuracy, 0.9) << method;
    EXPECT_GT(report->examples_per_second, 0);
    EXPECT_GE(report->padding_share, 0);
    EXPECT_LT(report->padding_share, 0.5);
  }
}

TEST(StudentTrainingTest, MissingTargetsAndBadLabelsAreErrors) {
  Fixture fixture;
  fixture.transfer.targets.representation = torch::Tensor();
  auto phases = MakeSchedule("joint", "soft+repr", Order(1));
  ASSERT_TRUE(phases.ok());
  auto report = TrainStudent(TinyStudent(1), *phases, fixture.data(), kTeacherWidth, 0,
                             {.progress = false}, torch::kCPU);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("lacks the teacher's representation for L_RL"), std::string::npos);
  fixture.labeled.labels[0] = 7;
  auto none = MakeSchedule("joint", "none", Order(1));
  auto bad = TrainStudent(TinyStudent(1), *none, fixture.data(), 0, 0, {.progress = false},
                          torch::kCPU);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("label 7 outside the student's 2 classes"),
            std::string::npos);
  auto optimizer = ParseChoice(StudentOptimizerNames(), "optimizer", "sgd");
  ASSERT_FALSE(optimizer.ok());
  EXPECT_NE(optimizer.status().message().find("--optimizer=sgd: unknown; known: adadelta, adam"),
            std::string::npos);
  EXPECT_EQ(*ParseChoice(StudentOptimizerNames(), "optimizer", "adam"), StudentOptimizer::kAdam);
  EXPECT_EQ(ChoiceName(StudentOptimizerNames(), StudentOptimizer::kAdadelta), "adadelta");
}

}  // namespace
}  // namespace kdbench
