#include "lib/distill/fresh_gradients.h"

#include <torch/torch.h>

#include <optional>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

// What LibTorch 1.13's Optimizer::zero_grad() does (2.x's by default frees
// the gradients instead): each gradient zeroed in place.
void ZeroGradientsInPlace(const std::vector<torch::Tensor>& parameters) {
  for (const torch::Tensor& parameter : parameters) {
    if (!parameter.grad().defined()) continue;
    parameter.mutable_grad().detach_();
    parameter.mutable_grad().zero_();
  }
}

// Three steps of AdamW (weight decay, moments) on a model whose head gets no
// gradient in the second step: the same parameters with FreshGradients as
// after zeroing in place + backward().
TEST(FreshGradientsTest, OptimiserStepsEqualThoseAfterZeroingInPlace) {
  auto run = [](bool fresh) {
    torch::manual_seed(3);
    torch::nn::Embedding embedding(50, 8);
    torch::nn::Linear head(8, 3);
    std::vector<torch::Tensor> parameters = embedding->parameters();
    for (const auto& p : head->parameters()) parameters.push_back(p);
    torch::optim::AdamW optimizer(parameters, torch::optim::AdamWOptions(0.1).weight_decay(0.1));
    const torch::Tensor ids = torch::randint(0, 50, {6, 5});
    for (int step = 0; step < 3; ++step) {
      std::optional<FreshGradients> gradients;
      if (fresh) {
        gradients.emplace(optimizer);
        // Freed before the forward pass: not held through it.
        for (const auto& p : parameters) EXPECT_FALSE(p.grad().defined());
      }
      torch::Tensor features = embedding(ids).mean(1);
      // The head is left out of the second step's loss.
      torch::Tensor loss = step == 1 ? features.pow(2).sum() : head(features).logsumexp(1).sum();
      if (fresh) {
        gradients->Backward(loss);
      } else {
        ZeroGradientsInPlace(parameters);
        loss.backward();
      }
      if (step == 1) {
        EXPECT_TRUE(head->weight.grad().defined());  // a zero gradient, not none
      }
      optimizer.step();
    }
    return parameters;
  };
  const std::vector<torch::Tensor> zeroed = run(false);
  const std::vector<torch::Tensor> fresh = run(true);
  ASSERT_EQ(zeroed.size(), fresh.size());
  for (size_t i = 0; i < zeroed.size(); ++i) {
    EXPECT_TRUE(torch::equal(zeroed[i], fresh[i])) << "parameter " << i;
  }
}

TEST(FreshGradientsTest, ParametersWithoutAGradientStayWithout) {
  torch::nn::Linear used(4, 2), unused(4, 2);
  std::vector<torch::Tensor> parameters = used->parameters();
  for (const auto& p : unused->parameters()) parameters.push_back(p);
  torch::optim::SGD optimizer(parameters, torch::optim::SGDOptions(0.1));
  FreshGradients(optimizer).Backward(used(torch::ones({1, 4})).sum());
  EXPECT_TRUE(used->weight.grad().defined());
  EXPECT_FALSE(unused->weight.grad().defined());
}

}  // namespace
}  // namespace kdbench
