// Adadelta (Zeiler 2012), the paper's optimiser, which LibTorch 1.13's C++
// frontend lacks. Per parameter, with gradient g:
//   E[g^2]  <- rho E[g^2] + (1 - rho) g^2
//   delta    = sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * g
//   E[dx^2] <- rho E[dx^2] + (1 - rho) delta^2
//   x       <- x - lr * delta
// Defaults are Keras's (the paper's framework): lr 1.0, rho 0.95, eps 1e-7.
// (PyTorch's Python Adadelta uses rho 0.9, eps 1e-6.)
#ifndef KDBENCH_LIB_DISTILL_ADADELTA_H_
#define KDBENCH_LIB_DISTILL_ADADELTA_H_

#include <torch/arg.h>
#include <torch/optim/optimizer.h>

#include <vector>

namespace kdbench {

struct AdadeltaOptions : public torch::optim::OptimizerCloneableOptions<AdadeltaOptions> {
  TORCH_ARG(double, lr) = 1.0;
  TORCH_ARG(double, rho) = 0.95;
  TORCH_ARG(double, eps) = 1e-7;
  TORCH_ARG(double, weight_decay) = 0;

 public:
  double get_lr() const override { return lr(); }
  void set_lr(const double lr) override { this->lr(lr); }
};

struct AdadeltaParamState : public torch::optim::OptimizerCloneableParamState<AdadeltaParamState> {
  TORCH_ARG(torch::Tensor, square_average);  // E[g^2]
  TORCH_ARG(torch::Tensor, delta_average);   // E[dx^2]
};

class Adadelta : public torch::optim::Optimizer {
 public:
  explicit Adadelta(std::vector<torch::Tensor> parameters, AdadeltaOptions defaults = {});
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_ADADELTA_H_
