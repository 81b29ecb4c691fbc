#include "lib/distill/fresh_gradients.h"

#include <torch/torch.h>

#include <vector>

namespace kdbench {

void BackwardWithFreshGradients(torch::optim::Optimizer& optimizer, const at::Tensor& loss) {
  std::vector<at::Tensor> had_gradient;
  for (auto& group : optimizer.param_groups()) {
    for (auto& parameter : group.params()) {
      if (!parameter.grad().defined()) continue;
      had_gradient.push_back(parameter);
      parameter.mutable_grad() = at::Tensor();
    }
  }
  loss.backward();
  for (at::Tensor& parameter : had_gradient) {
    if (!parameter.grad().defined()) parameter.mutable_grad() = at::zeros_like(parameter);
  }
}

}  // namespace kdbench
