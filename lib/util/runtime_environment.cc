#include "lib/util/runtime_environment.h"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace kdbench {
namespace {

int CollectLoadedObject(struct dl_phdr_info* info, size_t, void* data) {
  if (info->dlpi_name != nullptr && info->dlpi_name[0] != '\0') {
    static_cast<std::vector<std::string>*>(data)->push_back(info->dlpi_name);
  }
  return 0;
}

std::string ResolvePath(const std::string& path) {
  std::error_code error;
  std::filesystem::path resolved = std::filesystem::canonical(path, error);
  return error ? path : resolved.string();
}

// The value of the first "<key>\t: value" line of /proc/cpuinfo.
std::string ReadCpuInfoField(absl::string_view key) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, key)) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        return std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
      }
    }
  }
  return "";
}

std::string ReadCpuModel() {
  std::string model = ReadCpuInfoField("model name");
  return model.empty() ? "unknown" : model;
}

}  // namespace

const char* BlasKindName(BlasKind kind) {
  switch (kind) {
    case BlasKind::kOpenBlas:
      return "OpenBLAS";
    case BlasKind::kMkl:
      return "MKL";
    case BlasKind::kReference:
      return "reference BLAS";
    case BlasKind::kUnknown:
      break;
  }
  return "unknown BLAS";
}

int HardwareThreads() {
  unsigned int count = std::thread::hardware_concurrency();
  return count == 0 ? 1 : static_cast<int>(count);
}

absl::Status ConfigureThreads(int threads) {
  if (threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--threads=", threads, ": must be at least 1"));
  }
  at::set_num_threads(threads);
  return absl::OkStatus();
}

BlasInfo DetectBlas() {
  BlasInfo info;
  // OpenBLAS exports its configuration; present whatever name it is loaded as
  // (Debian installs it as libblas.so.3 through alternatives).
  using ConfigFunction = char* (*)();
  if (auto config = reinterpret_cast<ConfigFunction>(
          ::dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
    info.kind = BlasKind::kOpenBlas;
    info.details = config();
  } else if (::dlsym(RTLD_DEFAULT, "mkl_get_max_threads") != nullptr) {
    info.kind = BlasKind::kMkl;
  }
  std::vector<std::string> objects;
  ::dl_iterate_phdr(CollectLoadedObject, &objects);
  for (const std::string& object : objects) {
    std::string base = std::filesystem::path(object).filename().string();
    if (absl::StartsWith(base, "libblas.so") ||
        absl::StartsWith(base, "libopenblas") ||
        absl::StartsWith(base, "libmkl_rt")) {
      info.library_path = ResolvePath(object);
      break;
    }
  }
  if (info.kind == BlasKind::kUnknown && !info.library_path.empty() &&
      absl::StartsWith(
          std::filesystem::path(info.library_path).filename().string(),
          "libblas.so")) {
    // libblas.so.3 without OpenBLAS's or MKL's symbols: Debian's reference
    // implementation (netlib), or another BLAS we cannot name.
    info.kind = absl::StrContains(info.library_path, "/blas/")
                    ? BlasKind::kReference
                    : BlasKind::kUnknown;
  }
  return info;
}

RuntimeEnvironment DetectRuntimeEnvironment() {
  RuntimeEnvironment environment;
  environment.torch_version = TORCH_VERSION;
  environment.cuda_available = torch::cuda::is_available();
  environment.cuda_device_count =
      environment.cuda_available ? static_cast<int>(torch::cuda::device_count())
                                 : 0;
  environment.threads = at::get_num_threads();
  environment.cpu_cores = HardwareThreads();
  environment.cpu_model = ReadCpuModel();
  // ATen exports no accessor; its configuration text names the capability.
  environment.cpu_capability = "unknown";
  for (absl::string_view line : absl::StrSplit(at::show_config(), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (absl::ConsumePrefix(&line, "- CPU capability usage:")) {
      environment.cpu_capability = std::string(absl::StripAsciiWhitespace(line));
    }
  }
  environment.blas = DetectBlas();
  return environment;
}

std::string FormatRuntimeEnvironment(const RuntimeEnvironment& environment) {
  std::string devices =
      environment.cuda_available
          ? absl::StrCat("cpu + ", environment.cuda_device_count, " CUDA GPU(s)")
          : "cpu (CUDA unavailable)";
  std::string blas = BlasKindName(environment.blas.kind);
  if (!environment.blas.details.empty()) {
    blas = environment.blas.details;
  }
  if (!environment.blas.library_path.empty()) {
    absl::StrAppend(&blas, " [", environment.blas.library_path, "]");
  }
  return absl::StrCat("LibTorch ", environment.torch_version, " | devices ",
                      devices, " | threads ", environment.threads, " of ",
                      environment.cpu_cores, " cores | BLAS ", blas, " | LibTorch kernels ",
                      environment.cpu_capability, " | CPU ", environment.cpu_model);
}

std::string OpenBlasCoreTypeForCpuFlags(const std::string& cpu_flags) {
  std::vector<absl::string_view> flags = absl::StrSplit(cpu_flags, ' ');
  auto has = [&flags](absl::string_view flag) {
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
  };
  if (has("avx512f") && has("avx512bw") && has("avx512vl") && has("avx512dq")) {
    return "SkylakeX";
  }
  if (has("avx2") && has("fma")) return "Haswell";
  return "";
}

std::string CpuFlags() { return ReadCpuInfoField("flags"); }

bool CpuFlagsHaveBFloat16Products(const std::string& cpu_flags) {
  for (absl::string_view flag : absl::StrSplit(cpu_flags, ' ')) {
    if (flag == "avx512_bf16" || flag == "amx_bf16") return true;
  }
  return false;
}

bool OpenBlasUsesFallbackKernels(const BlasInfo& blas) {
  if (blas.kind != BlasKind::kOpenBlas) return false;
  const bool generic = absl::StrContains(blas.details, " Prescott ") ||
                       absl::StrContains(blas.details, " Core2 ") ||
                       absl::StrContains(blas.details, " Nehalem ");
  return generic &&
         !OpenBlasCoreTypeForCpuFlags(ReadCpuInfoField("flags")).empty();
}

std::string OpenBlasCoreTypeToPin(const BlasInfo& blas, const std::string& cpu_flags) {
  if (blas.kind != BlasKind::kOpenBlas) return "";
  const std::string core_type = OpenBlasCoreTypeForCpuFlags(cpu_flags);
  if (core_type.empty()) return "";
  // The configuration string names the core in use between spaces, e.g.
  // "... USE_OPENMP Cooperlake MAX_THREADS=64"; OPENBLAS_CORETYPE's names
  // are case-insensitive.
  for (absl::string_view word : absl::StrSplit(blas.details, ' ')) {
    if (absl::EqualsIgnoreCase(word, core_type)) return "";
  }
  return core_type;
}

void PinOpenBlasCoreType(char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
  const std::string core_type = OpenBlasCoreTypeToPin(DetectBlas(), ReadCpuInfoField("flags"));
  if (core_type.empty()) return;
  ::setenv("OPENBLAS_CORETYPE", core_type.c_str(), /*overwrite=*/1);
  ::execv("/proc/self/exe", argv);
  // Only reached if exec failed; the start-up log will warn.
  ::unsetenv("OPENBLAS_CORETYPE");
}

std::string BlasWarning(const BlasInfo& blas) {
  if (OpenBlasUsesFallbackKernels(blas)) {
    return absl::StrCat(
        "WARNING: OpenBLAS runs its generic fallback kernels on this CPU; set\n"
        "  OPENBLAS_CORETYPE=",
        OpenBlasCoreTypeForCpuFlags(ReadCpuInfoField("flags")),
        " for ~6x faster matrix products.");
  }
  if (blas.kind != BlasKind::kReference) return "";
  return absl::StrCat(
      "**********************************************************************\n"
      "WARNING: LibTorch is using the REFERENCE BLAS (", blas.library_path,
      ").\n"
      "Matrix products run ~30x slower than with OpenBLAS. Install\n"
      "libopenblas0-openmp (./tools/bootstrap.sh does) or select it with\n"
      "  update-alternatives --config libblas.so.3-$(gcc -print-multiarch)\n"
      "**********************************************************************");
}

}  // namespace kdbench
