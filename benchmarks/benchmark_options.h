// Settings of the shared benchmark main (benchmark_main.cc) that benchmarks
// read: the device and whether teachers run under autocast.
#ifndef KDBENCH_BENCHMARKS_BENCHMARK_OPTIONS_H_
#define KDBENCH_BENCHMARKS_BENCHMARK_OPTIONS_H_

#include <ATen/Parallel.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <optional>

namespace kdbench {

struct BenchmarkOptions {
  c10::Device device = c10::Device(c10::kCPU);
  // bf16 or fp16 autocast for the teachers on CUDA; none by default.
  std::optional<c10::ScalarType> teacher_autocast;
  // The students under the same autocast (a trial: kept only if it pays).
  bool student_autocast = false;
};

// Set once by main() before any benchmark runs.
const BenchmarkOptions& GetBenchmarkOptions();

// Benchmarks whose set or sizes depend on the options (the device, say)
// register from a function that main() calls once the flags are parsed:
//   const bool registered = RegisterAfterFlags(RegisterAll);
bool RegisterAfterFlags(void (*register_benchmarks)());

// LibTorch's intra-op threads set for a scope (a benchmark at one thread or
// at every core) and restored after.
class ThreadScope {
 public:
  explicit ThreadScope(int threads) : saved_(at::get_num_threads()) { at::set_num_threads(threads); }
  ~ThreadScope() { at::set_num_threads(saved_); }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int saved_;
};

}  // namespace kdbench

#endif  // KDBENCH_BENCHMARKS_BENCHMARK_OPTIONS_H_
