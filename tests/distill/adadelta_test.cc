#include "lib/distill/adadelta.h"

#include <torch/torch.h>

#include <cmath>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

// Three steps on f(x) = x^2 / 2 + 3x (gradient x + 3), replayed with the
// update rule written out in doubles.
TEST(AdadeltaTest, MatchesTheUpdateRuleStepByStep) {
  torch::Tensor x = torch::tensor({0.5, -2.0}, torch::kDouble).requires_grad_(true);
  Adadelta optimizer({x}, AdadeltaOptions().lr(1.0).rho(0.9).eps(1e-6));
  double reference[2] = {0.5, -2.0}, square[2] = {0, 0}, delta_square[2] = {0, 0};
  for (int step = 0; step < 3; ++step) {
    optimizer.zero_grad();
    (x * x / 2 + 3 * x).sum().backward();
    optimizer.step();
    for (int i = 0; i < 2; ++i) {
      const double g = reference[i] + 3;
      square[i] = 0.9 * square[i] + 0.1 * g * g;
      const double delta = std::sqrt(delta_square[i] + 1e-6) / std::sqrt(square[i] + 1e-6) * g;
      delta_square[i] = 0.9 * delta_square[i] + 0.1 * delta * delta;
      reference[i] -= delta;
    }
    EXPECT_NEAR(x[0].item<double>(), reference[0], 1e-12) << "step " << step;
    EXPECT_NEAR(x[1].item<double>(), reference[1], 1e-12) << "step " << step;
  }
}

TEST(AdadeltaTest, DefaultsAreKerasAndItMinimises) {
  AdadeltaOptions defaults;
  EXPECT_EQ(defaults.lr(), 1.0);
  EXPECT_EQ(defaults.rho(), 0.95);
  EXPECT_EQ(defaults.eps(), 1e-7);
  torch::manual_seed(1);
  torch::Tensor w = torch::randn({3}).requires_grad_(true);
  torch::Tensor target = torch::tensor({1.0f, -2.0f, 0.5f});
  Adadelta optimizer({w});
  const double before = (w - target).pow(2).sum().item<double>();
  for (int step = 0; step < 2000; ++step) {
    optimizer.zero_grad();
    (w - target).pow(2).sum().backward();
    optimizer.step();
  }
  EXPECT_LT((w - target).pow(2).sum().item<double>(), before * 0.01);
}

}  // namespace
}  // namespace kdbench
