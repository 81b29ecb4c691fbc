// Resolving a --device name ("auto", "cpu", "cuda", "cuda:N") to a device.
#ifndef KDBENCH_LIB_UTIL_DEVICE_H_
#define KDBENCH_LIB_UTIL_DEVICE_H_

#include <c10/core/Device.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

// "auto" picks CUDA when available, else CPU. "cuda" without a usable GPU is
// a FailedPreconditionError that says so; an unknown name is an
// InvalidArgumentError listing the accepted names.
absl::StatusOr<c10::Device> ResolveDevice(absl::string_view name);

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_DEVICE_H_
