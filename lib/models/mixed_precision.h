// The arithmetic a model trains and infers in: float32, or LibTorch's
// autocast to bfloat16 (matrix products in bfloat16, parameters, gradients,
// optimiser state and reductions in float32: mixed precision, no loss
// scaling needed) or, on CUDA only, float16 (for inference timings: training
// in it would need loss scaling, which nothing here does, so settings cannot
// name it). "auto" picks bfloat16 only where the CPU multiplies it natively;
// elsewhere it is emulated and slower than float32.
#ifndef KDBENCH_LIB_MODELS_MIXED_PRECISION_H_
#define KDBENCH_LIB_MODELS_MIXED_PRECISION_H_

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/util/named_choices.h"

namespace kdbench {

enum class TrainingPrecision { kFloat32, kBFloat16, kFloat16 };

// "float32", "bfloat16", "float16".
std::string TrainingPrecisionName(TrainingPrecision precision);

// What a setting may say: "float32", "bfloat16" and "auto".
enum class PrecisionSetting { kFloat32, kBFloat16, kAuto };
const NamedChoices<PrecisionSetting>& PrecisionSettingNames();

// float32 / bfloat16 as named; auto: bfloat16 on a CPU with native bfloat16
// products (CpuFlagsHaveBFloat16Products), float32 on other CPUs and on
// CUDA (whose support this build cannot ask).
TrainingPrecision ResolvePrecisionSetting(PrecisionSetting setting, const c10::Device& device);

// The same from a setting's text; unknown names are an error listing the
// known ones.
absl::StatusOr<TrainingPrecision> ResolveTrainingPrecision(absl::string_view setting,
                                                           const c10::Device& device);

// The type CPU autocast lowers products to on this thread (bfloat16), or
// float32 when it is off.
c10::ScalarType CpuAutocastType();

// Autocast on `device_type` to `precision` for the scope; nothing for
// float32. The previous autocast state is restored on exit, so
// scopes nest. Autocast is per thread: the scope covers work the calling
// thread dispatches. Enter it around forward passes and losses only; the
// backward pass replays the recorded types.
class AutocastScope {
 public:
  AutocastScope(c10::DeviceType device_type, TrainingPrecision precision);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

  bool active() const { return active_; }

 private:
  bool active_ = false;
  bool cuda_ = false;
  bool was_enabled_ = false;
  c10::ScalarType previous_type_ = c10::kBFloat16;
  c10::ScalarType type_ = c10::kBFloat16;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_MIXED_PRECISION_H_
