#include "lib/distill/learning_rate_schedule.h"

#include <torch/torch.h>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

TEST(LearningRateScheduleTest, WarmupThenLinearDecay) {
  EXPECT_DOUBLE_EQ(LinearWarmupDecay(0, 10, 110, 1.0), 0.1);
  EXPECT_DOUBLE_EQ(LinearWarmupDecay(9, 10, 110, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(LinearWarmupDecay(10, 10, 110, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(LinearWarmupDecay(60, 10, 110, 1.0), 0.5);
  EXPECT_DOUBLE_EQ(LinearWarmupDecay(110, 10, 110, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(LinearWarmupDecay(5, 0, 10, 2.0), 1.0);
}

TEST(LearningRateScheduleTest, CosineWarmRestartsDoublesThePeriod) {
  EXPECT_DOUBLE_EQ(CosineWarmRestarts(0, 1e-3, 1e-8, 50, 2), 1e-3);
  // Half way through the first period: the midpoint.
  EXPECT_NEAR(CosineWarmRestarts(25, 1e-3, 1e-8, 50, 2), (1e-3 + 1e-8) / 2, 1e-15);
  EXPECT_LT(CosineWarmRestarts(49, 1e-3, 1e-8, 50, 2), 1e-5);
  // Restart at 50; the second period lasts 100 epochs, its midpoint is 100.
  EXPECT_DOUBLE_EQ(CosineWarmRestarts(50, 1e-3, 1e-8, 50, 2), 1e-3);
  EXPECT_NEAR(CosineWarmRestarts(100, 1e-3, 1e-8, 50, 2), (1e-3 + 1e-8) / 2, 1e-15);
  EXPECT_DOUBLE_EQ(CosineWarmRestarts(150, 1e-3, 1e-8, 50, 2), 1e-3);
}

TEST(LearningRateScheduleTest, SetsEveryGroup) {
  torch::Tensor a = torch::zeros({1}, torch::requires_grad());
  torch::optim::AdamW optimizer({a}, torch::optim::AdamWOptions(1.0));
  SetLearningRate(optimizer, 0.25);
  for (auto& group : optimizer.param_groups()) EXPECT_DOUBLE_EQ(group.options().get_lr(), 0.25);
}

}  // namespace
}  // namespace kdbench
