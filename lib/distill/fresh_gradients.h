// loss.backward() for an optimiser step, with the gradients freed first
// instead of zeroed. LibTorch 1.13's C++ Optimizer::zero_grad() zeroes each
// gradient in place, so the backward pass then adds its result into zeros:
// for an embedding's dense gradient that is a memset, the pass's own
// zero-filled result and an in-place add, three passes over the table
// (37 MB for a paper student) where one would do. Here the pass's result
// becomes the gradient itself. A parameter that had a gradient and gets
// none from this loss gets a zero one back, as 1.13's zero_grad() would have
// left it, so optimisers (state decay, weight decay) see exactly what they
// saw. That holds under LibTorch 2.x too, whose zero_grad() frees gradients
// by default (an optimiser then skips such a parameter): training steps do
// not depend on the LibTorch version.
#ifndef KDBENCH_LIB_DISTILL_FRESH_GRADIENTS_H_
#define KDBENCH_LIB_DISTILL_FRESH_GRADIENTS_H_

#include <ATen/core/Tensor.h>
#include <torch/optim/optimizer.h>

namespace kdbench {

// In place of optimizer.zero_grad(); loss.backward().
void BackwardWithFreshGradients(torch::optim::Optimizer& optimizer, const at::Tensor& loss);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_FRESH_GRADIENTS_H_
