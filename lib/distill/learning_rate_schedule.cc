#include "lib/distill/learning_rate_schedule.h"

#include <algorithm>

namespace kdbench {

double LinearWarmupDecay(int64_t step, int64_t warmup_steps, int64_t total_steps, double peak) {
  if (warmup_steps > 0 && step < warmup_steps) {
    return peak * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  }
  const int64_t decay_steps = std::max<int64_t>(1, total_steps - warmup_steps);
  const double remaining =
      static_cast<double>(total_steps - step) / static_cast<double>(decay_steps);
  return peak * std::clamp(remaining, 0.0, 1.0);
}

void SetLearningRate(torch::optim::Optimizer& optimizer, double learning_rate) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(learning_rate);
}

}  // namespace kdbench
