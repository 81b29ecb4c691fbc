#include "lib/distill/early_stopping.h"

#include <torch/torch.h>

namespace kdbench {

bool EarlyStopping::Update(int64_t epoch, double dev_accuracy, double dev_loss,
                           torch::nn::Module& module) {
  const bool better = best_epoch_ == 0 || dev_accuracy > best_accuracy_ ||
                      (dev_accuracy == best_accuracy_ && dev_loss < best_loss_);
  if (!better) return ++since_best_ >= patience_;
  best_epoch_ = epoch;
  best_accuracy_ = dev_accuracy;
  best_loss_ = dev_loss;
  since_best_ = 0;
  torch::NoGradGuard no_grad;
  best_parameters_.clear();
  for (const auto& parameter : module.parameters()) best_parameters_.push_back(parameter.clone());
  return false;
}

void EarlyStopping::RestoreBest(torch::nn::Module& module) const {
  if (best_parameters_.empty()) return;
  torch::NoGradGuard no_grad;
  auto parameters = module.parameters();
  for (size_t i = 0; i < parameters.size(); ++i) parameters[i].copy_(best_parameters_[i]);
}

}  // namespace kdbench
