#include "lib/models/mixed_precision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/util/runtime_environment.h"

// LibTorch 2.4 made autocast per device type and later dropped the old calls.
#define KDBENCH_PER_DEVICE_AUTOCAST \
  (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4))

namespace kdbench {
namespace {

bool AutocastEnabled(bool cuda) {
#if KDBENCH_PER_DEVICE_AUTOCAST
  return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU);
#else
  return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

c10::ScalarType AutocastType(bool cuda) {
#if KDBENCH_PER_DEVICE_AUTOCAST
  return at::autocast::get_autocast_dtype(cuda ? at::kCUDA : at::kCPU);
#else
  return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

void SetAutocast(bool cuda, bool enabled, c10::ScalarType type) {
#if KDBENCH_PER_DEVICE_AUTOCAST
  const at::DeviceType device_type = cuda ? at::kCUDA : at::kCPU;
  at::autocast::set_autocast_dtype(device_type, type);
  at::autocast::set_autocast_enabled(device_type, enabled);
#else
  if (cuda) {
    at::autocast::set_autocast_gpu_dtype(type);
    at::autocast::set_enabled(enabled);
  } else {
    at::autocast::set_autocast_cpu_dtype(type);
    at::autocast::set_cpu_enabled(enabled);
  }
#endif
}

}  // namespace

std::string TrainingPrecisionName(TrainingPrecision precision) {
  switch (precision) {
    case TrainingPrecision::kBFloat16:
      return "bfloat16";
    case TrainingPrecision::kFloat16:
      return "float16";
    case TrainingPrecision::kFloat32:
      break;
  }
  return "float32";
}

const NamedChoices<PrecisionSetting>& PrecisionSettingNames() {
  static const auto* names = new NamedChoices<PrecisionSetting>{
      {PrecisionSetting::kFloat32, "float32"},
      {PrecisionSetting::kBFloat16, "bfloat16"},
      {PrecisionSetting::kAuto, "auto"}};
  return *names;
}

TrainingPrecision ResolvePrecisionSetting(PrecisionSetting setting, const c10::Device& device) {
  switch (setting) {
    case PrecisionSetting::kFloat32:
      return TrainingPrecision::kFloat32;
    case PrecisionSetting::kBFloat16:
      return TrainingPrecision::kBFloat16;
    case PrecisionSetting::kAuto:
      break;
  }
  static const bool native = CpuFlagsHaveBFloat16Products(CpuFlags());  // read once
  return !device.is_cuda() && native ? TrainingPrecision::kBFloat16 : TrainingPrecision::kFloat32;
}

absl::StatusOr<TrainingPrecision> ResolveTrainingPrecision(absl::string_view setting,
                                                           const c10::Device& device) {
  for (const auto& [choice, name] : PrecisionSettingNames()) {
    if (name == setting) return ResolvePrecisionSetting(choice, device);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown precision '", setting, "'; known: ",
                   absl::StrJoin(ChoiceNames(PrecisionSettingNames()), ", ")));
}

c10::ScalarType CpuAutocastType() {
  return AutocastEnabled(/*cuda=*/false) ? AutocastType(/*cuda=*/false) : c10::kFloat;
}

AutocastScope::AutocastScope(c10::DeviceType device_type, TrainingPrecision precision)
    : active_(precision != TrainingPrecision::kFloat32),
      cuda_(device_type == c10::DeviceType::CUDA),
      type_(precision == TrainingPrecision::kFloat16 ? c10::kHalf : c10::kBFloat16) {
  if (!active_) return;
  was_enabled_ = AutocastEnabled(cuda_);
  previous_type_ = AutocastType(cuda_);
  SetAutocast(cuda_, true, type_);
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  SetAutocast(cuda_, was_enabled_, previous_type_);
  // The outermost scope drops the bfloat16 copies of the weights it made.
  if (!was_enabled_) at::autocast::clear_cache();
}

}  // namespace kdbench
