// A training step's gradients, freed before its forward pass instead of
// zeroed. LibTorch 1.13's C++ Optimizer::zero_grad() zeroes each gradient in
// place, so the backward pass then adds its result into zeros: for an
// embedding's dense gradient that is a memset, the pass's own zero-filled
// result and an in-place add, three passes over the table (37 MB for a paper
// student) where one would do. Here the pass's result becomes the gradient
// itself, and the last step's gradients are not held through this step's
// forward pass (one copy of the parameters less at the peak: 1.2 GB for a
// paper BERT Large). A parameter that had a gradient and gets none from this
// loss gets a zero one back, as 1.13's zero_grad() would have left it, so
// optimisers (state decay, weight decay) see exactly what they saw. That
// holds under LibTorch 2.x too, whose zero_grad() frees gradients by default
// (an optimiser then skips such a parameter): training steps do not depend
// on the LibTorch version.
#ifndef KDBENCH_LIB_DISTILL_FRESH_GRADIENTS_H_
#define KDBENCH_LIB_DISTILL_FRESH_GRADIENTS_H_

#include <ATen/core/Tensor.h>
#include <torch/optim/optimizer.h>

#include <vector>

namespace kdbench {

// In place of optimizer.zero_grad(); forward; loss.backward():
//   FreshGradients gradients(optimizer);  // before the forward pass
//   ... loss = ...;
//   gradients.Backward(loss);
class FreshGradients {
 public:
  // Frees the gradients of the optimiser's parameters.
  explicit FreshGradients(torch::optim::Optimizer& optimizer);
  // loss.backward(), then a zero gradient for each parameter that had one at
  // construction and got none.
  void Backward(const at::Tensor& loss);

 private:
  std::vector<at::Tensor> had_gradient_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_FRESH_GRADIENTS_H_
