// The arithmetic a deployed student runs in: float32 as trained, or its
// weights (and the activations they multiply) in bfloat16 or int8. Whether
// the CPU runs a precision is known only by asking the kernel library
// (PackedLstm::Create says), never assumed from the CPU model.
#ifndef KDBENCH_LIB_MODELS_INFERENCE_PRECISION_H_
#define KDBENCH_LIB_MODELS_INFERENCE_PRECISION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

enum class InferencePrecision { kFloat32, kBFloat16, kInt8 };

// "float32", "bfloat16", "int8".
std::string PrecisionName(InferencePrecision precision);
// The inverse; an unknown name is an error listing the known ones.
absl::StatusOr<InferencePrecision> ParsePrecision(absl::string_view name);
// A comma-separated list, e.g. "float32,int8"; empty gives none.
absl::StatusOr<std::vector<InferencePrecision>> ParsePrecisionList(absl::string_view names);

const std::vector<InferencePrecision>& AllPrecisions();

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_INFERENCE_PRECISION_H_
