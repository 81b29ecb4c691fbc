// GridRunner::Plan: a grid cell resolved once under a profile.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "lib/experiment/cell_plan.h"
#include "lib/experiment/grid_profile.h"
#include "lib/experiment/grid_runner.h"
#include "lib/util/atomic_file.h"

namespace kdbench {
namespace {

using ::testing::HasSubstr;

constexpr char kProfiles[] = R"([p]
datasets = ["spamassassin"]
seeds = 1
recurrent_dropout = 0.2
transfer_limit = 500

[p.teacher.large]
teacher_size = "large"
max_epochs = 7

[q]
datasets = ["spamassassin"]
seeds = 1

[q.teacher.large]
teacher_size = "large"
teacher_precision = "bfloat16"

[r]
datasets = ["spamassassin"]
seeds = 1
student_precision = "bfloat16"
)";

GridProfile Profile(const std::string& name) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/profiles.toml";
  EXPECT_TRUE(WriteFileAtomically(path, kProfiles).ok());
  absl::StatusOr<GridProfile> profile = LoadGridProfile(path, name, "");
  EXPECT_TRUE(profile.ok()) << profile.status();
  return *std::move(profile);
}

GridRunnerOptions Directories() {
  const std::string root = std::string(std::getenv("TEST_TMPDIR"));
  return {.store_dir = root + "/store", .results_dir = root + "/results"};
}

GridCell Cell(const std::string& teacher, const std::string& student) {
  return {.dataset = "spamassassin", .teacher = teacher, .student = student,
          .method = "soft", .schedule = "joint", .labels_per_class = 100, .seed = 2};
}

TEST(CellPlanTest, AnEnsembleResolvesToItsMembersAndItsFirstRolesSettings) {
  const GridProfile profile = Profile("p");
  GridRunner runner(&profile, Directories(), torch::kCPU);
  absl::StatusOr<CellPlan> plan = runner.Plan(Cell("base+large(confidence)", "bilstm"));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->teacher.kind, CellTeacher::Kind::kEnsemble);
  EXPECT_EQ(plan->teacher.weighting, "confidence");
  ASSERT_EQ(plan->members.size(), 2u);
  EXPECT_EQ(plan->members[0].teacher, "base");
  EXPECT_EQ(plan->members[1].teacher, "large");
  EXPECT_EQ(plan->settings.max_epochs, profile.Resolve("spamassassin", "base").max_epochs);
  EXPECT_EQ(plan->key, runner.CellKey(Cell("base+large(confidence)", "bilstm")));
}

TEST(CellPlanTest, AChainTakesItsAssistantsSettings) {
  const GridProfile profile = Profile("p");
  GridRunner runner(&profile, Directories(), torch::kCPU);
  absl::StatusOr<CellPlan> plan = runner.Plan(Cell("base>large", "bilstm"));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->teacher.kind, CellTeacher::Kind::kChain);
  EXPECT_EQ(plan->settings.max_epochs, 7);  // the assistant (large) role's
  EXPECT_EQ(plan->members.size(), 1u);
}

// Recurrent dropout only where the student has recurrence; a grid's
// transfer axis overrides the profile's cap; both change the key.
TEST(CellPlanTest, TheCellsOwnSettingsAreApplied) {
  const GridProfile profile = Profile("p");
  GridRunner runner(&profile, Directories(), torch::kCPU);
  absl::StatusOr<CellPlan> lstm = runner.Plan(Cell("base", "bilstm"));
  absl::StatusOr<CellPlan> cnn = runner.Plan(Cell("base", "cnn"));
  ASSERT_TRUE(lstm.ok() && cnn.ok());
  EXPECT_DOUBLE_EQ(lstm->settings.recurrent_dropout, 0.2);
  EXPECT_DOUBLE_EQ(cnn->settings.recurrent_dropout, 0);
  EXPECT_EQ(lstm->settings.transfer_limit, 500);
  GridCell capped = Cell("base", "bilstm");
  capped.transfer = 50;
  absl::StatusOr<CellPlan> small = runner.Plan(capped);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->settings.transfer_limit, 50);
  EXPECT_NE(small->key, lstm->key);
  EXPECT_EQ(lstm->teacher_precision, TrainingPrecision::kFloat32);
}

TEST(CellPlanTest, TeachersOfOneCellMustShareTheirPrecision) {
  const GridProfile profile = Profile("q");
  GridRunner runner(&profile, Directories(), torch::kCPU);
  absl::StatusOr<CellPlan> large = runner.Plan(Cell("large", "bilstm"));
  ASSERT_TRUE(large.ok()) << large.status();
  EXPECT_EQ(large->teacher_precision, TrainingPrecision::kBFloat16);
  absl::StatusOr<CellPlan> mixed = runner.Plan(Cell("base+large", "bilstm"));
  ASSERT_FALSE(mixed.ok());
  EXPECT_THAT(mixed.status().message(),
              HasSubstr("teacher role 'large' has teacher_precision bfloat16 but 'base' has "
                        "float32"));
}

// The student's precision is the cell's own: it changes the cell's key and
// settings, and not its teacher's arithmetic.
TEST(CellPlanTest, TheStudentsPrecisionChangesTheKeyAndNotTheTeacher) {
  const GridProfile plain = Profile("q");  // r without student_precision
  const GridProfile mixed = Profile("r");
  GridRunner plain_runner(&plain, Directories(), torch::kCPU);
  GridRunner mixed_runner(&mixed, Directories(), torch::kCPU);
  absl::StatusOr<CellPlan> f32 = plain_runner.Plan(Cell("base", "cnn"));
  absl::StatusOr<CellPlan> bf16 = mixed_runner.Plan(Cell("base", "cnn"));
  ASSERT_TRUE(f32.ok() && bf16.ok());
  EXPECT_EQ(f32->settings.student_precision, PrecisionSetting::kFloat32);
  EXPECT_EQ(bf16->settings.student_precision, PrecisionSetting::kBFloat16);
  EXPECT_EQ(bf16->teacher_precision, TrainingPrecision::kFloat32);
  EXPECT_NE(f32->key, bf16->key);
  // A closed-form fit and a teacher cell compute the same in either: their
  // settings and keys do not change.
  GridCell teacher = Cell("base", "");
  teacher.method = "teacher";
  for (const GridCell& cell : {Cell("base", "naive-bayes"), teacher}) {
    absl::StatusOr<CellPlan> same_f32 = plain_runner.Plan(cell);
    absl::StatusOr<CellPlan> same_bf16 = mixed_runner.Plan(cell);
    ASSERT_TRUE(same_f32.ok() && same_bf16.ok()) << cell.Name();
    EXPECT_EQ(same_bf16->settings.student_precision, PrecisionSetting::kFloat32) << cell.Name();
    EXPECT_EQ(same_f32->key, same_bf16->key) << cell.Name();
  }
}

}  // namespace
}  // namespace kdbench
