// What the suite runs on: LibTorch version, devices, threads and the BLAS
// library actually loaded. Logged at start and recorded in every result,
// because a reference BLAS or one thread changes speed by 30x and more.
#ifndef KDBENCH_LIB_UTIL_RUNTIME_ENVIRONMENT_H_
#define KDBENCH_LIB_UTIL_RUNTIME_ENVIRONMENT_H_

#include <string>

#include "absl/status/status.h"

namespace kdbench {

enum class BlasKind { kOpenBlas, kMkl, kReference, kUnknown };

struct BlasInfo {
  BlasKind kind = BlasKind::kUnknown;
  // Resolved path of the loaded BLAS shared object ("" if none found).
  std::string library_path;
  // OpenBLAS's own configuration string, e.g. "OpenBLAS 0.3.21 ... Haswell".
  std::string details;
};

struct RuntimeEnvironment {
  std::string torch_version;
  bool cuda_available = false;
  int cuda_device_count = 0;
  int threads = 1;       // intra-op threads LibTorch uses now
  int cpu_cores = 1;     // hardware threads of this machine
  std::string cpu_model;
  // The vector kernels LibTorch dispatches to here (DEFAULT, AVX2, AVX512):
  // with the BLAS build and the threads, what fixes the order of sums.
  std::string cpu_capability;
  BlasInfo blas;
};

// Number of hardware threads (at least 1).
int HardwareThreads();

// Sets LibTorch's intra-op (and OpenMP/BLAS) thread count. `threads` must be
// >= 1; an InvalidArgumentError names the flag value otherwise.
absl::Status ConfigureThreads(int threads);

// Inspects the loaded shared objects for the BLAS LibTorch calls.
BlasInfo DetectBlas();

RuntimeEnvironment DetectRuntimeEnvironment();

// One line: "LibTorch 1.13.0 | device cpu (CUDA unavailable) | threads 2/2 |
// BLAS OpenBLAS (...)".
std::string FormatRuntimeEnvironment(const RuntimeEnvironment& environment);

// A loud multi-line warning when the BLAS is the reference one, else "".
std::string BlasWarning(const BlasInfo& blas);

const char* BlasKindName(BlasKind kind);

// OpenBLAS (DYNAMIC_ARCH) picks kernels from the CPU model. On virtual CPUs
// it does not recognise ("Intel Xeon Processor") it falls back to its SSE3
// "Prescott" kernels: 36 instead of 223 GFLOP/s on this project's machine.
// And CPUs with the same instruction set get kernels that round
// differently: on an AMD EPYC with AVX-512 it picks "Cooperlake", whose
// sgemm gives other float results than "SkylakeX" at the same speed, so a
// grid there matched 38 of 69 stored cells instead of all of them.
// The core type that the CPU's instruction set supports ("SkylakeX" with
// AVX-512, "Haswell" with AVX2 + FMA), or "" for neither. `cpu_flags` is the
// "flags" line of /proc/cpuinfo.
std::string OpenBlasCoreTypeForCpuFlags(const std::string& cpu_flags);

// The "flags" line of /proc/cpuinfo ("" where there is none).
std::string CpuFlags();

// Whether the CPU multiplies bfloat16 natively (avx512_bf16 or amx_bf16):
// without it LibTorch's bfloat16 products are emulated and slower than
// float32. `cpu_flags` as CpuFlags() gives them.
bool CpuFlagsHaveBFloat16Products(const std::string& cpu_flags);

// True when OpenBLAS runs its generic fallback kernels although this CPU
// supports faster ones.
bool OpenBlasUsesFallbackKernels(const BlasInfo& blas);

// The core type to pin OpenBLAS to ("" for none): the instruction set's
// (OpenBlasCoreTypeForCpuFlags) when the loaded OpenBLAS runs another one.
std::string OpenBlasCoreTypeToPin(const BlasInfo& blas, const std::string& cpu_flags);

// Call first thing in main(): unless the user has set OPENBLAS_CORETYPE,
// restarts the program (execv of /proc/self/exe with the same argv) with
// OPENBLAS_CORETYPE set to OpenBlasCoreTypeToPin(), because OpenBLAS reads it
// only when it is loaded. So one instruction set gives one set of numbers
// whatever the CPU model, and never the fallback kernels. Returns if no
// restart is needed or the restart failed (then the start-up log warns).
void PinOpenBlasCoreType(char** argv);

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_RUNTIME_ENVIRONMENT_H_
