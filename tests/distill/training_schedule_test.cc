#include "lib/distill/training_schedule.h"

#include "gtest/gtest.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

ScheduleOptions BiLstmOrder() {
  ScheduleOptions options;
  options.unfreeze_order = {"classifier", "bilstm", "embedding"};
  return options;
}

std::vector<std::string> Terms(const TrainingPhase& phase) {
  std::vector<std::string> terms;
  for (const WeightedLoss& loss : phase.losses) terms.push_back(loss.loss);
  return terms;
}

TEST(TrainingScheduleTest, JointSoftReprIsEquationEight) {
  auto phases = MakeSchedule("joint", "soft+repr", BiLstmOrder());
  ASSERT_TRUE(phases.ok()) << phases.status();
  ASSERT_EQ(phases->size(), 1u);
  const TrainingPhase& phase = (*phases)[0];
  EXPECT_EQ(Terms(phase), (std::vector<std::string>{"L_CE",
                                                 "L_RL", "L_LL"}));
  // alpha = beta = 10, gamma = 1.
  EXPECT_EQ(phase.losses[0].weight, 10);
  EXPECT_EQ(phase.losses[1].weight, 10);
  EXPECT_EQ(phase.losses[2].weight, 1);
  EXPECT_TRUE(phase.trainable_groups.empty());
  EXPECT_TRUE(phase.UsesLabels());
  EXPECT_TRUE(phase.UsesTransferSet());
}

TEST(TrainingScheduleTest, StagewiseIsRepresentationThenGradualUnfreezingTopDown) {
  auto phases = MakeSchedule("stagewise", "soft+repr", BiLstmOrder());
  ASSERT_TRUE(phases.ok()) << phases.status();
  ASSERT_EQ(phases->size(), 4u);
  EXPECT_EQ(Terms((*phases)[0]), (std::vector<std::string>{"L_RL"}));
  EXPECT_TRUE((*phases)[0].trainable_groups.empty());  // end to end
  EXPECT_FALSE((*phases)[0].UsesLabels());
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(Terms((*phases)[i]),
              (std::vector<std::string>{"L_CE", "L_LL"}));
  }
  EXPECT_EQ((*phases)[1].trainable_groups, (std::vector<std::string>{"classifier"}));
  EXPECT_EQ((*phases)[2].trainable_groups, (std::vector<std::string>{"classifier", "bilstm"}));
  EXPECT_TRUE((*phases)[3].trainable_groups.empty());  // all: end to end
}

TEST(TrainingScheduleTest, DistilOnceDistilsWithoutLabelsThenFineTunesOnLabels) {
  auto phases = MakeSchedule("distil-once", "soft+repr", BiLstmOrder());
  ASSERT_TRUE(phases.ok()) << phases.status();
  ASSERT_EQ(phases->size(), 4u);
  EXPECT_EQ(Terms((*phases)[0]),
            (std::vector<std::string>{"L_RL", "L_LL"}));
  EXPECT_FALSE((*phases)[0].UsesLabels());
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(Terms((*phases)[i]), (std::vector<std::string>{"L_CE"}));
    EXPECT_FALSE((*phases)[i].UsesTransferSet());
  }
  EXPECT_EQ((*phases)[1].trainable_groups, (std::vector<std::string>{"classifier"}));
  // Labels-only phases take their own epoch caps.
  EXPECT_EQ((*phases)[0].max_epochs, 30);
  EXPECT_EQ((*phases)[1].max_epochs, 100);
  EXPECT_EQ((*phases)[1].patience, 10);
}

TEST(TrainingScheduleTest, MethodsWithoutRepresentationSkipStageOne) {
  auto soft = MakeSchedule("stagewise", "soft", BiLstmOrder());
  ASSERT_TRUE(soft.ok());
  ASSERT_EQ(soft->size(), 3u);
  EXPECT_EQ((*soft)[0].trainable_groups, (std::vector<std::string>{"classifier"}));
  auto hard = MakeSchedule("joint", "hard", BiLstmOrder());
  ASSERT_TRUE(hard.ok());
  EXPECT_EQ(Terms((*hard)[0]), (std::vector<std::string>{"L_CE", "L_hard"}));
  auto none = MakeSchedule("joint", "none", BiLstmOrder());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(Terms((*none)[0]), (std::vector<std::string>{"L_CE"}));
  EXPECT_FALSE((*none)[0].UsesTransferSet());
}

TEST(TrainingScheduleTest, TheTemperatureKlWeighsLikeTheLabels) {
  auto phases = MakeSchedule("joint", "kl(T=2)", BiLstmOrder());
  ASSERT_TRUE(phases.ok()) << phases.status();
  ASSERT_EQ(Terms((*phases)[0]), (std::vector<std::string>{"L_CE", "L_KL"}));
  EXPECT_EQ((*phases)[0].losses[0].weight, 10);  // alpha
  EXPECT_EQ((*phases)[0].losses[1].weight, 10);  // alpha too, not gamma
}

TEST(TrainingScheduleTest, AStepBudgetIsSharedEquallyByThePhases) {
  ScheduleOptions options = BiLstmOrder();
  options.step_budget = 1000;
  for (const char* schedule : {"joint", "stagewise", "distil-once"}) {
    auto phases = MakeSchedule(schedule, "soft+repr", options);
    ASSERT_TRUE(phases.ok()) << phases.status();
    int64_t total = 0;
    for (const TrainingPhase& phase : *phases) {
      EXPECT_EQ(phase.max_steps, 1000 / static_cast<int64_t>(phases->size())) << schedule;
      total += phase.max_steps;
    }
    EXPECT_LE(total, 1000) << schedule;
    EXPECT_GT(total, 1000 - static_cast<int64_t>(phases->size())) << schedule;
  }
  // Labels alone are not capped; no budget, no cap.
  auto none = MakeSchedule("joint", "none", options);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)[0].max_steps, 0);
  auto uncapped = MakeSchedule("stagewise", "soft+repr", BiLstmOrder());
  ASSERT_TRUE(uncapped.ok());
  EXPECT_EQ((*uncapped)[0].max_steps, 0);
  options.step_budget = 3;
  auto too_small = MakeSchedule("stagewise", "soft+repr", options);
  ASSERT_FALSE(too_small.ok());
  EXPECT_NE(too_small.status().message().find("smaller than the 4 phases"), absl::string_view::npos)
      << too_small.status();
}

TEST(TrainingScheduleTest, ErrorsNameTheProblem) {
  auto unknown_method = MakeSchedule("joint", "distil-harder", BiLstmOrder());
  ASSERT_FALSE(unknown_method.ok());
  EXPECT_NE(unknown_method.status().message().find(
                "--method=distil-harder: unknown; known: none, hard, soft, soft+repr, kl"),
            std::string::npos);
  auto unknown_schedule = MakeSchedule("sideways", "soft", BiLstmOrder());
  ASSERT_FALSE(unknown_schedule.ok());
  EXPECT_NE(unknown_schedule.status().message().find("known: joint, stagewise, distil-once"),
            std::string::npos);
  auto none_staged = MakeSchedule("stagewise", "none", BiLstmOrder());
  ASSERT_FALSE(none_staged.ok());
  EXPECT_NE(none_staged.status().message().find("--method=none"), std::string::npos);
}

// A schedule of one's own: one function and one registration line.
absl::StatusOr<std::vector<TrainingPhase>> TeacherFirst(const DistillationMethod& method,
                                                        const ScheduleOptions& options) {
  ASSIGN_OR_RETURN(std::vector<WeightedLoss> transfer,
                   MethodTransferLosses(method, options, MethodStage::kAll));
  std::vector<WeightedLoss> joint = {{.loss = kCrossEntropyLoss, .weight = options.alpha}};
  joint.insert(joint.end(), transfer.begin(), transfer.end());
  return std::vector<TrainingPhase>{{.name = "teacher only: " + LossNames(transfer), .losses = transfer},
                                    {.name = "joint: " + LossNames(joint), .losses = joint}};
}
const bool registered = RegisterSchedule("teacher-first", TeacherFirst);

TEST(TrainingScheduleTest, ARegisteredScheduleIsKnownAndBuilt) {
  EXPECT_EQ(KnownSchedules(),
            (std::vector<std::string>{"joint", "stagewise", "distil-once", "teacher-first"}));
  auto phases = MakeSchedule("teacher-first", "kl(T=4)", BiLstmOrder());
  ASSERT_TRUE(phases.ok()) << phases.status();
  ASSERT_EQ(phases->size(), 2u);
  EXPECT_EQ(Terms((*phases)[0]), (std::vector<std::string>{"L_KL"}));
  EXPECT_EQ((*phases)[0].losses[0].parameters, (std::map<std::string, double>{{"T", 4.0}}));
  EXPECT_EQ(Terms((*phases)[1]), (std::vector<std::string>{"L_CE", "L_KL"}));
  auto unknown = MakeSchedule("teacher-last", "soft", BiLstmOrder());
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find(
                "--schedule=teacher-last: unknown; known: joint, stagewise, distil-once, teacher-first"),
            std::string::npos);
}

}  // namespace
}  // namespace kdbench
