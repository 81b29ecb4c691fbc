#include "lib/util/cpu_time.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

namespace kdbench {
namespace {

// Work counts, waiting does not: what makes a stopped or starved stage's
// CPU seconds its compute time.
TEST(CpuTimeTest, CountsWorkAndNotWaiting) {
  const double before_wait = ProcessCpuSeconds();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double waited = ProcessCpuSeconds() - before_wait;
  EXPECT_GE(waited, 0);
  EXPECT_LT(waited, 0.1);

  const double before_work = ProcessCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  volatile double sink = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(300)) {
    for (int i = 0; i < 1000; ++i) sink = sink + std::sqrt(static_cast<double>(i));
  }
  // At least half the busy wall time, even on a loaded machine's share.
  EXPECT_GT(ProcessCpuSeconds() - before_work, 0.15);
}

}  // namespace
}  // namespace kdbench
