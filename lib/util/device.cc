#include "lib/util/device.h"

#include <torch/cuda.h>

#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace kdbench {

absl::StatusOr<c10::Device> ResolveDevice(absl::string_view name) {
  if (name == "cpu") return c10::Device(c10::DeviceType::CPU);
  const bool cuda_available = torch::cuda::is_available();
  if (name == "auto") {
    return cuda_available ? c10::Device(c10::DeviceType::CUDA, 0)
                          : c10::Device(c10::DeviceType::CPU);
  }
  if (name == "cuda" || absl::StartsWith(name, "cuda:")) {
    int index = 0;
    if (name != "cuda" &&
        (!absl::SimpleAtoi(name.substr(5), &index) || index < 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--device=", name, ": bad CUDA device index"));
    }
    if (!cuda_available) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--device=", name,
          ": CUDA is not available (no GPU, or this build links a CPU-only "
          "LibTorch; see README, 'GPU')"));
    }
    const int count = static_cast<int>(torch::cuda::device_count());
    if (index >= count) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--device=", name, ": only ", count, " CUDA device(s) present"));
    }
    return c10::Device(c10::DeviceType::CUDA,
                       static_cast<c10::DeviceIndex>(index));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--device=", name, ": unknown device; known: auto, cpu, cuda, cuda:N"));
}

}  // namespace kdbench
