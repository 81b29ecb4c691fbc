// Learning-rate schedules applied per optimizer step.
#ifndef KDBENCH_LIB_DISTILL_LEARNING_RATE_SCHEDULE_H_
#define KDBENCH_LIB_DISTILL_LEARNING_RATE_SCHEDULE_H_

#include <cstdint>

#include <torch/optim/optimizer.h>

namespace kdbench {

// BERT's schedule: linear warm-up from 0 to `peak` over `warmup_steps`,
// then linear decay to 0 at `total_steps`.
double LinearWarmupDecay(int64_t step, int64_t warmup_steps, int64_t total_steps, double peak);

// SGDR (Loshchilov & Hutter), as the authors' released code uses with Adam:
// cosine from `maximum` down to `minimum` over `period` epochs, then a
// restart with the period multiplied by `period_multiplier`. `epoch` is
// 0-based.
double CosineWarmRestarts(int64_t epoch, double maximum, double minimum, int64_t period,
                          int64_t period_multiplier);

// Sets the learning rate of every parameter group.
void SetLearningRate(torch::optim::Optimizer& optimizer, double learning_rate);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_LEARNING_RATE_SCHEDULE_H_
