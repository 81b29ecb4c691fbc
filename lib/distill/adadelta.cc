#include "lib/distill/adadelta.h"

#include <torch/torch.h>

#include <sstream>
#include <string>
#include <type_traits>

namespace kdbench {
namespace {

// LibTorch 1.x keys optimiser state by the parameter's TensorImpl address
// printed as a string, 2.x by the address itself.
template <typename Key>
Key StateKey(const torch::Tensor& parameter) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream address;
    address << parameter.unsafeGetTensorImpl();
    return address.str();
  } else {
    return parameter.unsafeGetTensorImpl();
  }
}

}  // namespace

Adadelta::Adadelta(std::vector<torch::Tensor> parameters, AdadeltaOptions defaults)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup(std::move(parameters))},
                              std::make_unique<AdadeltaOptions>(defaults)) {
  TORCH_CHECK(defaults.lr() >= 0, "Adadelta: invalid learning rate ", defaults.lr());
  TORCH_CHECK(defaults.rho() >= 0 && defaults.rho() <= 1, "Adadelta: invalid rho ",
              defaults.rho());
  TORCH_CHECK(defaults.eps() >= 0, "Adadelta: invalid eps ", defaults.eps());
}

torch::Tensor Adadelta::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const AdadeltaOptions&>(group.options());
    for (auto& parameter : group.params()) {
      if (!parameter.grad().defined()) continue;
      torch::Tensor gradient = parameter.grad();
      if (options.weight_decay() != 0) gradient = gradient.add(parameter, options.weight_decay());
      const auto key = StateKey<std::decay_t<decltype(state_)>::key_type>(parameter);
      auto found = state_.find(key);
      if (found == state_.end()) {
        auto state = std::make_unique<AdadeltaParamState>();
        state->square_average(torch::zeros_like(parameter, at::MemoryFormat::Preserve));
        state->delta_average(torch::zeros_like(parameter, at::MemoryFormat::Preserve));
        found = state_.emplace(key, std::move(state)).first;
      }
      auto& state = static_cast<AdadeltaParamState&>(*found->second);
      torch::Tensor square_average = state.square_average();
      torch::Tensor delta_average = state.delta_average();
      square_average.mul_(options.rho()).addcmul_(gradient, gradient, 1 - options.rho());
      torch::Tensor delta = delta_average.add(options.eps())
                                .sqrt_()
                                .div_(square_average.add(options.eps()).sqrt_())
                                .mul_(gradient);
      delta_average.mul_(options.rho()).addcmul_(delta, delta, 1 - options.rho());
      parameter.add_(delta, -options.lr());
    }
  }
  return loss;
}

}  // namespace kdbench
