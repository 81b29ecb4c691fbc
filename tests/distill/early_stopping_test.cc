#include "lib/distill/early_stopping.h"

#include <torch/torch.h>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

TEST(EarlyStoppingTest, KeepsBestByAccuracyThenLossAndStopsAfterPatience) {
  torch::nn::Linear model(1, 1);
  EarlyStopping stopping(/*patience=*/2);
  auto set_weight = [&model](double value) {
    torch::NoGradGuard no_grad;
    model->weight.fill_(value);
  };
  set_weight(1);
  EXPECT_FALSE(stopping.Update(1, 0.5, 0.9, *model));
  set_weight(2);
  EXPECT_FALSE(stopping.Update(2, 0.5, 0.7, *model));  // same accuracy, lower loss: best
  set_weight(3);
  EXPECT_FALSE(stopping.Update(3, 0.5, 0.8, *model));  // tie, higher loss: not best
  set_weight(4);
  EXPECT_TRUE(stopping.Update(4, 0.4, 0.1, *model));   // second epoch without a best
  EXPECT_EQ(stopping.best_epoch(), 2);
  EXPECT_DOUBLE_EQ(stopping.best_accuracy(), 0.5);
  stopping.RestoreBest(*model);
  EXPECT_DOUBLE_EQ(model->weight.item<double>(), 2.0);
}

}  // namespace
}  // namespace kdbench
