#include "lib/models/inference_precision.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kdbench {

const std::vector<InferencePrecision>& AllPrecisions() {
  static const auto* all = new std::vector<InferencePrecision>{
      InferencePrecision::kFloat32, InferencePrecision::kBFloat16,
      InferencePrecision::kInt8};
  return *all;
}

std::string PrecisionName(InferencePrecision precision) {
  switch (precision) {
    case InferencePrecision::kFloat32:
      return "float32";
    case InferencePrecision::kBFloat16:
      return "bfloat16";
    case InferencePrecision::kInt8:
      return "int8";
  }
  return "unknown";
}

absl::StatusOr<InferencePrecision> ParsePrecision(absl::string_view name) {
  std::vector<std::string> known;
  for (InferencePrecision precision : AllPrecisions()) {
    if (PrecisionName(precision) == name) return precision;
    known.push_back(PrecisionName(precision));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown precision '", name, "'; known: ", absl::StrJoin(known, ", ")));
}

absl::StatusOr<std::vector<InferencePrecision>> ParsePrecisionList(
    absl::string_view names) {
  std::vector<InferencePrecision> precisions;
  for (absl::string_view name :
       absl::StrSplit(names, ',', absl::SkipWhitespace())) {
    absl::StatusOr<InferencePrecision> precision =
        ParsePrecision(absl::StripAsciiWhitespace(name));
    if (!precision.ok()) return precision.status();
    precisions.push_back(*precision);
  }
  return precisions;
}

}  // namespace kdbench
