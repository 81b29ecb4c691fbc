#include "lib/distill/teacher_ensemble.h"

#include <torch/torch.h>

#include <cmath>

#include "gtest/gtest.h"
#include "lib/models/teacher_outputs.h"

namespace kdbench {
namespace {

const std::vector<std::string> kRoles = {"base", "large"};

TEST(TeacherSpecTest, ParsesSinglesAndEnsembles) {
  absl::StatusOr<TeacherSpec> single = ParseTeacherSpec("large", kRoles);
  ASSERT_TRUE(single.ok());
  EXPECT_FALSE(single->is_ensemble());
  absl::StatusOr<TeacherSpec> mean = ParseTeacherSpec("base+large", kRoles);
  ASSERT_TRUE(mean.ok());
  EXPECT_EQ(mean->members, kRoles);
  EXPECT_EQ(mean->weighting, EnsembleWeighting::kMean);
  absl::StatusOr<TeacherSpec> fixed = ParseTeacherSpec("base+large(weights=1:3)", kRoles);
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_EQ(fixed->weighting, EnsembleWeighting::kFixed);
  EXPECT_EQ(fixed->weights, (std::vector<double>{0.25, 0.75}));
  absl::StatusOr<TeacherSpec> confidence = ParseTeacherSpec("large+base(confidence)", kRoles);
  ASSERT_TRUE(confidence.ok());
  EXPECT_EQ(confidence->members, (std::vector<std::string>{"large", "base"}));
  EXPECT_EQ(confidence->weighting, EnsembleWeighting::kConfidence);
}

TEST(TeacherSpecTest, BadValuesSayWhy) {
  for (const auto& [value, why] : std::vector<std::pair<std::string, std::string>>{
           {"huge", "unknown role 'huge'"},
           {"base+base", "role 'base' twice"},
           {"base+large(weights=1)", "1 weights for 2 teachers"},
           {"base+large(weights=1:-2)", "weight '-2' is not a positive number"},
           {"base+large(loud)", "unknown weighting 'loud'"},
           {"base+large(confidence", "unclosed '('"},
           {"large(confidence)", "weighting needs two or more teachers"}}) {
    absl::StatusOr<TeacherSpec> spec = ParseTeacherSpec(value, kRoles);
    ASSERT_FALSE(spec.ok()) << value;
    EXPECT_NE(spec.status().message().find(why), std::string::npos)
        << value << ": " << spec.status().message();
    EXPECT_NE(spec.status().message().find("allowed: a role (base, large)"), std::string::npos);
  }
}

TeacherTargets Teacher(double p0) {
  return {.probabilities = torch::tensor({{p0, 1 - p0}}, torch::kFloat)};
}

// Teachers of 0.9 and 0.6 on class 0, combined by hand.
TEST(CombineTeachersTest, EachWeightingGivesItsAverage) {
  const std::vector<TeacherTargets> members = {Teacher(0.9), Teacher(0.6)};
  const std::vector<std::pair<std::string, double>> cases = {
      {"base+large", 0.75},
      {"base+large(weights=1:3)", 0.25 * 0.9 + 0.75 * 0.6},
      // Confidences 0.9 and 0.6: weights 0.6 and 0.4.
      {"base+large(confidence)", 0.6 * 0.9 + 0.4 * 0.6}};
  for (const auto& [value, expected] : cases) {
    absl::StatusOr<TeacherSpec> spec = ParseTeacherSpec(value, kRoles);
    ASSERT_TRUE(spec.ok());
    absl::StatusOr<TeacherTargets> combined = CombineTeachers(members, *spec, true);
    ASSERT_TRUE(combined.ok()) << combined.status();
    EXPECT_NEAR(combined->probabilities[0][0].item<double>(), expected, 1e-6) << value;
    EXPECT_NEAR(combined->probabilities[0][1].item<double>(), 1 - expected, 1e-6) << value;
    EXPECT_NEAR(combined->logits[0][0].item<double>(), std::log(expected), 1e-5) << value;
    EXPECT_NEAR(combined->logit_targets[0][0].item<double>(),
                std::log(expected / (1 - expected)), 1e-5)
        << value;
    EXPECT_FALSE(combined->representation.defined());
  }
  absl::StatusOr<TeacherTargets> logits =
      CombineTeachers(members, *ParseTeacherSpec("base+large", kRoles), false);
  ASSERT_TRUE(logits.ok());
  EXPECT_TRUE(torch::allclose(logits->logit_targets, logits->logits));
}

// A teacher averaged with itself, however weighted, is that teacher.
TEST(CombineTeachersTest, ATeacherWithItselfIsThatTeacher) {
  const torch::Tensor p = torch::softmax(torch::tensor({{0.3, -1.2, 2.0}, {1.0, 1.0, -3.0}}), 1);
  const TeacherTargets teacher{.probabilities = p};
  for (const char* value : {"base+large", "base+large(confidence)", "base+large(weights=2:7)"}) {
    absl::StatusOr<TeacherTargets> combined =
        CombineTeachers({teacher, teacher}, *ParseTeacherSpec(value, kRoles), true);
    ASSERT_TRUE(combined.ok());
    EXPECT_TRUE(torch::allclose(combined->probabilities, p, 0, 1e-7)) << value;
    EXPECT_TRUE(torch::allclose(combined->logit_targets, LogOdds(p), 0, 1e-5)) << value;
  }
}

TEST(CombineTeachersTest, MismatchedOutputsAreErrors) {
  TeacherTargets three_classes{.probabilities = torch::full({1, 3}, 1.0 / 3)};
  absl::StatusOr<TeacherTargets> combined =
      CombineTeachers({Teacher(0.9), three_classes}, *ParseTeacherSpec("base+large", kRoles), true);
  ASSERT_FALSE(combined.ok());
  EXPECT_NE(combined.status().message().find("teacher 'large'"), std::string::npos);
}

}  // namespace
}  // namespace kdbench
