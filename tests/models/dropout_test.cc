#include "lib/models/dropout.h"

#include <torch/torch.h>

#include <vector>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

// Runs `dropout` from a fixed seed and returns its output, the input's
// gradient under a loss that weighs each element differently, and the
// default generator's next draws (the state the mask left behind).
struct DropoutRun {
  torch::Tensor output, input_grad, next_draws;
};

template <typename DropoutFn>
DropoutRun Run(const torch::Tensor& input, DropoutFn dropout) {
  torch::manual_seed(7);
  torch::Tensor x = input.clone().requires_grad_(true);
  torch::Tensor y = dropout(x);
  (y * torch::arange(1.0, y.numel() + 1.0).reshape(y.sizes())).sum().backward();
  return {y.detach(), x.grad(), torch::rand({5}, torch::kDouble)};
}

void ExpectSameAsLibTorch(const std::vector<int64_t>& shape, double p) {
  SCOPED_TRACE(::testing::Message() << "numel " << c10::multiply_integers(shape) << " p " << p);
  torch::manual_seed(3);
  const torch::Tensor input = torch::randn(shape);
  const DropoutRun ours = Run(input, [p](const torch::Tensor& x) { return ApplyDropout(x, p, true); });
  const DropoutRun libtorch =
      Run(input, [p](const torch::Tensor& x) { return torch::dropout(x, p, true); });
  EXPECT_TRUE(torch::equal(ours.output, libtorch.output));
  EXPECT_TRUE(torch::equal(ours.input_grad, libtorch.input_grad));
  EXPECT_TRUE(torch::equal(ours.next_draws, libtorch.next_draws));
  // A real mask: some elements kept, some dropped, kept ones scaled.
  const double dropped = (ours.output == 0).to(torch::kDouble).mean().item<double>();
  if (input.numel() > 1000) {
    EXPECT_NEAR(dropped, p, 0.05);
  }
}

TEST(DropoutTest, SameMaskOutputsGradientsAndGeneratorStateAsLibTorch) {
  ExpectSameAsLibTorch({64, 64, 300}, 0.4);  // a student's embedding dropout
  ExpectSameAsLibTorch({32, 4, 64, 64}, 0.1);  // a teacher's attention dropout
  ExpectSameAsLibTorch({1}, 0.5);
  ExpectSameAsLibTorch({3, 7}, 0.9);
  // Past the Mersenne Twister's 624-word block, at odd offsets.
  ExpectSameAsLibTorch({313}, 0.25);
  ExpectSameAsLibTorch({1249}, 0.25);
}

// The kept elements' scale, 1 / (1 - p), is computed apart from the mask:
// it must be the float LibTorch's division of the whole mask gives, for
// every p (a vectorised body and a scalar tail: 1000 elements).
TEST(DropoutTest, KeptElementsScaleAsLibTorchsForManyProbabilities) {
  const torch::Tensor input = torch::ones({1000});
  for (int percent = 1; percent < 100; ++percent) {
    const double p = percent / 100.0 + 1e-7 * percent;
    torch::manual_seed(percent);
    const torch::Tensor ours = ApplyDropout(input, p, true);
    torch::manual_seed(percent);
    EXPECT_TRUE(torch::equal(ours, torch::dropout(input, p, true))) << "p " << p;
  }
}

TEST(DropoutTest, SameAsLibTorchAfterOtherDraws) {
  torch::manual_seed(5);
  torch::rand({17});  // the generator mid-block
  const torch::Tensor input = torch::ones({100});
  const torch::Tensor ours = ApplyDropout(input, 0.3, true);
  torch::manual_seed(5);
  torch::rand({17});
  EXPECT_TRUE(torch::equal(ours, torch::dropout(input, 0.3, true)));
}

TEST(DropoutTest, NonContiguousInputGoesToLibTorch) {
  torch::manual_seed(3);
  const torch::Tensor input = torch::randn({20, 30}).t();
  torch::manual_seed(9);
  const torch::Tensor ours = ApplyDropout(input, 0.5, true);
  torch::manual_seed(9);
  EXPECT_TRUE(torch::equal(ours, torch::dropout(input, 0.5, true)));
}

TEST(DropoutTest, EvaluationAndZeroProbabilityReturnTheInput) {
  const torch::Tensor input = torch::randn({4, 5});
  EXPECT_TRUE(ApplyDropout(input, 0.5, false).is_same(input));
  EXPECT_TRUE(ApplyDropout(input, 0.0, true).is_same(input));
  EXPECT_TRUE(torch::equal(ApplyDropout(input, 1.0, true), torch::zeros_like(input)));
}

TEST(DropoutTest, OtherDtypesGoToLibTorch) {
  const torch::Tensor input = torch::randn({50}, torch::kDouble);
  torch::manual_seed(2);
  const torch::Tensor ours = ApplyDropout(input, 0.5, true);
  torch::manual_seed(2);
  EXPECT_TRUE(torch::equal(ours, torch::dropout(input, 0.5, true)));
}

TEST(DropoutTest, CudaTensorsGoToLibTorch) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const torch::Tensor input = torch::randn({64, 128, 300}, torch::kCUDA);
  torch::manual_seed(4);
  const torch::Tensor ours = ApplyDropout(input, 0.4, true);
  torch::manual_seed(4);
  EXPECT_TRUE(torch::equal(ours, torch::dropout(input, 0.4, true)));
  EXPECT_NEAR((ours == 0).to(torch::kDouble).mean().item<double>(), 0.4, 0.01);
}

TEST(DropoutTest, ModuleFollowsTrainingModeAndRefusesBadProbabilities) {
  Dropout dropout(0.5);
  torch::manual_seed(1);
  const torch::Tensor input = torch::ones({1000});
  EXPECT_GT((dropout(input) == 0).sum().item<int64_t>(), 0);
  dropout->eval();
  EXPECT_TRUE(torch::equal(dropout(input), input));
  EXPECT_THROW(Dropout(1.5), c10::Error);
  EXPECT_THROW(ApplyDropout(input, -0.1, true), c10::Error);
}

}  // namespace
}  // namespace kdbench
