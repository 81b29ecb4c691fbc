// main() of every benchmark target: Google Benchmark's flags and the suite's
// own (--threads) on one command line, the fast-BLAS restart and the same
// start-up log as the kdbench binary, and the environment in the JSON context.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "benchmark/benchmark.h"
#include "benchmarks/benchmark_options.h"
#include "lib/util/device.h"
#include "lib/util/runtime_environment.h"

ABSL_FLAG(int, threads, 0,
          "LibTorch/OpenMP threads; 0 = the number of cores of this machine");
ABSL_FLAG(std::string, device, "cpu", "cpu, cuda, cuda:N or auto (models' benchmarks)");
ABSL_FLAG(std::string, teacher_autocast, "none",
          "none, bf16 or fp16: autocast for the teachers (on the CPU bf16 only)");
ABSL_FLAG(bool, student_autocast, false,
          "the students too under --teacher_autocast (training and LibTorch inference; the "
          "deployed cases have their own precisions)");

namespace kdbench {
namespace {
BenchmarkOptions options;
std::vector<void (*)()>& Registrations() {
  static std::vector<void (*)()> registrations;
  return registrations;
}
}  // namespace
const BenchmarkOptions& GetBenchmarkOptions() { return options; }
bool RegisterAfterFlags(void (*register_benchmarks)()) {
  Registrations().push_back(register_benchmarks);
  return true;
}
}  // namespace kdbench

int main(int argc, char** argv) {
  kdbench::PinOpenBlasCoreType(argv);
  // Google Benchmark removes its own flags first; absl then sees the rest.
  benchmark::Initialize(&argc, argv);
  absl::ParseCommandLine(argc, argv);

  int threads = absl::GetFlag(FLAGS_threads);
  if (threads == 0) threads = kdbench::HardwareThreads();
  if (absl::Status status = kdbench::ConfigureThreads(threads); !status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    return 2;
  }
  absl::StatusOr<c10::Device> device = kdbench::ResolveDevice(absl::GetFlag(FLAGS_device));
  if (!device.ok()) {
    std::fprintf(stderr, "--device: %s\n", std::string(device.status().message()).c_str());
    return 2;
  }
  kdbench::options.device = *device;
  const std::string autocast = absl::GetFlag(FLAGS_teacher_autocast);
  if (autocast == "bf16") {
    kdbench::options.teacher_autocast = c10::kBFloat16;
  } else if (autocast == "fp16") {
    kdbench::options.teacher_autocast = c10::kHalf;
  } else if (autocast != "none") {
    std::fprintf(stderr, "--teacher_autocast=%s: unknown; known: none, bf16, fp16\n",
                 autocast.c_str());
    return 2;
  }
  // LibTorch's CPU autocast runs bfloat16 only (oneDNN's kernels).
  if (kdbench::options.teacher_autocast == c10::kHalf && !device->is_cuda()) {
    std::fprintf(stderr, "--teacher_autocast=fp16 needs --device=cuda; on the CPU: bf16\n");
    return 2;
  }
  benchmark::AddCustomContext("device", device->str());
  // The OpenBLAS kernels in use (set by the restart above): a peer that
  // compares must use the same ones.
  const char* core_type = std::getenv("OPENBLAS_CORETYPE");
  benchmark::AddCustomContext("openblas_coretype", core_type != nullptr ? core_type : "");
  benchmark::AddCustomContext("teacher_autocast", autocast);
  kdbench::options.student_autocast =
      absl::GetFlag(FLAGS_student_autocast) && kdbench::options.teacher_autocast.has_value();
  benchmark::AddCustomContext("student_autocast",
                              kdbench::options.student_autocast ? autocast : "none");
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

  for (void (*register_benchmarks)() : kdbench::Registrations()) register_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
