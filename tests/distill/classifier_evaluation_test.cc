#include "lib/distill/classifier_evaluation.h"

#include "gtest/gtest.h"

namespace kdbench {
namespace {

TEST(ClassifierEvaluationTest, MacroF1AveragesPerClassF1) {
  // gold:      0 0 0 1 1 2
  // predicted: 0 0 1 1 2 2
  // class 0: P 2/2, R 2/3 -> F1 0.8; class 1: P 1/2, R 1/2 -> 0.5;
  // class 2: P 1/2, R 1/1 -> 2/3.
  std::vector<int32_t> gold = {0, 0, 0, 1, 1, 2}, predicted = {0, 0, 1, 1, 2, 2};
  EXPECT_NEAR(MacroF1(predicted, gold, 3), (0.8 + 0.5 + 2.0 / 3.0) / 3, 1e-12);
  EXPECT_NEAR(Accuracy(predicted, gold), 4.0 / 6.0, 1e-12);
}

TEST(ClassifierEvaluationTest, MacroF1PunishesTheMajorityClassGuess) {
  std::vector<int32_t> gold = {0, 0, 0, 1}, predicted = {0, 0, 0, 0};
  // Accuracy 0.75, but class 1 scores 0: macro F1 = (6/7 + 0) / 2.
  EXPECT_NEAR(MacroF1(predicted, gold, 2), 3.0 / 7.0, 1e-12);
  // A class absent from both scores 0 as well.
  EXPECT_NEAR(MacroF1({0, 1}, {0, 1}, 3), 2.0 / 3.0, 1e-12);
}

}  // namespace
}  // namespace kdbench
