// main() of every benchmark target: Google Benchmark's flags and the suite's
// own (--threads) on one command line, the fast-BLAS restart and the same
// start-up log as the kdbench binary, and the environment in the JSON context.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "benchmark/benchmark.h"
#include "lib/util/runtime_environment.h"

ABSL_FLAG(int, threads, 0,
          "LibTorch/OpenMP threads; 0 = the number of cores of this machine");

int main(int argc, char** argv) {
  kdbench::RestartWithFastOpenBlasIfNeeded(argv);
  // Google Benchmark removes its own flags first; absl then sees the rest.
  benchmark::Initialize(&argc, argv);
  absl::ParseCommandLine(argc, argv);

  int threads = absl::GetFlag(FLAGS_threads);
  if (threads == 0) threads = kdbench::HardwareThreads();
  if (absl::Status status = kdbench::ConfigureThreads(threads); !status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    return 2;
  }
  kdbench::RuntimeEnvironment environment = kdbench::DetectRuntimeEnvironment();
  std::fprintf(stderr, "kdbench: %s\n",
               kdbench::FormatRuntimeEnvironment(environment).c_str());
  if (std::string warning = kdbench::BlasWarning(environment.blas);
      !warning.empty()) {
    std::fprintf(stderr, "%s\n", warning.c_str());
  }
  benchmark::AddCustomContext("torch_version", environment.torch_version);
  benchmark::AddCustomContext("torch_threads",
                              std::to_string(environment.threads));
  benchmark::AddCustomContext("blas", kdbench::BlasKindName(environment.blas.kind));
  benchmark::AddCustomContext("blas_details", environment.blas.details);
  benchmark::AddCustomContext("blas_library", environment.blas.library_path);
  benchmark::AddCustomContext("cpu_model", environment.cpu_model);

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
