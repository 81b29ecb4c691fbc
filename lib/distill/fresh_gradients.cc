#include "lib/distill/fresh_gradients.h"

#include <torch/torch.h>

namespace kdbench {

FreshGradients::FreshGradients(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups()) {
    for (auto& parameter : group.params()) {
      if (!parameter.grad().defined()) continue;
      had_gradient_.push_back(parameter);
      parameter.mutable_grad() = at::Tensor();
    }
  }
}

void FreshGradients::Backward(const at::Tensor& loss) {
  loss.backward();
  for (at::Tensor& parameter : had_gradient_) {
    if (!parameter.grad().defined()) parameter.mutable_grad() = at::zeros_like(parameter);
  }
}

}  // namespace kdbench
