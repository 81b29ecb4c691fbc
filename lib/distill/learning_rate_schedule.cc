#include "lib/distill/learning_rate_schedule.h"

#include <algorithm>
#include <cmath>

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

double CosineWarmRestarts(int64_t epoch, double maximum, double minimum, int64_t period,
                          int64_t period_multiplier) {
  int64_t position = epoch;
  int64_t length = std::max<int64_t>(period, 1);
  while (position >= length) {
    position -= length;
    length *= std::max<int64_t>(period_multiplier, 1);
  }
  const double progress = static_cast<double>(position) / static_cast<double>(length);
  return minimum + 0.5 * (maximum - minimum) * (1 + std::cos(M_PI * progress));
}

void SetLearningRate(torch::optim::Optimizer& optimizer, double learning_rate) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(learning_rate);
}

}  // namespace kdbench
