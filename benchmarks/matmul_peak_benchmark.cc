// The machine's float matrix-product rate: the "peak" that model benchmarks
// report their efficiency against (share of peak), measured in the same run
// and with the same thread setting.
#include <torch/torch.h>

#include "benchmark/benchmark.h"

namespace kdbench {
namespace {

void BM_MatmulFloat32(benchmark::State& state) {
  const int64_t n = state.range(0);
  torch::NoGradGuard no_grad;
  torch::manual_seed(0);
  torch::Tensor a = torch::randn({n, n});
  torch::Tensor b = torch::randn({n, n});
  torch::Tensor c = torch::empty({n, n});
  torch::matmul_out(c, a, b);  // warm-up
  for (auto _ : state) {
    torch::matmul_out(c, a, b);
    benchmark::DoNotOptimize(c.data_ptr<float>());
  }
  const double flops_per_iteration = 2.0 * n * n * n;
  state.counters["FLOP/s"] = benchmark::Counter(
      flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate,
      benchmark::Counter::kIs1000);
}
BENCHMARK(BM_MatmulFloat32)
    ->ArgName("n")
    ->Arg(256)
    ->Arg(1024)
    ->Arg(2048)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kdbench
