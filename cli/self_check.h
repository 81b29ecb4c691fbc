// A quick, real check that LibTorch trains and the BLAS is fast: used by
// `kdbench info` and by the test command's start-up log.
#ifndef KDBENCH_CLI_SELF_CHECK_H_
#define KDBENCH_CLI_SELF_CHECK_H_

#include <c10/core/Device.h>

#include <cstdint>

namespace kdbench {

struct MatmulMeasurement {
  int64_t size = 0;
  double gflops = 0;  // 2 n^3 / seconds, best of the repetitions
};

// Times a size x size float matrix product on `device`.
MatmulMeasurement MeasureMatmul(int64_t size, const c10::Device& device);

struct TrainingCheck {
  int64_t steps = 0;
  double initial_loss = 0;
  double final_loss = 0;
  double train_accuracy = 0;
  double seconds = 0;
};

// Trains a small MLP classifier with Adam for `steps` full-batch steps on a
// fixed, seeded two-spirals problem (two classes, 512 points) that a linear
// model cannot solve; returns loss before/after and training accuracy.
TrainingCheck RunTrainingCheck(int64_t steps, const c10::Device& device);

}  // namespace kdbench

#endif  // KDBENCH_CLI_SELF_CHECK_H_
