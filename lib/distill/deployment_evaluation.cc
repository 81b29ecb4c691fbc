#include "lib/distill/deployment_evaluation.h"

#include <algorithm>
#include <chrono>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kdbench {

absl::StatusOr<DeploymentEvaluation> EvaluateDeployed(
    DeployedBiLstm& deployed, const EncodedExamples& examples,
    const std::vector<int32_t>& reference) {
  if (static_cast<int64_t>(reference.size()) != examples.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "EvaluateDeployed: ", reference.size(), " reference predictions for ",
        examples.size(), " examples"));
  }
  DeploymentEvaluation evaluation;
  evaluation.predicted.reserve(examples.size());
  int64_t correct = 0, agreeing = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < examples.size(); ++i) {
    absl::StatusOr<std::vector<float>> logits =
        deployed.Logits(examples.ids[i]);
    if (!logits.ok()) {
      return absl::Status(
          logits.status().code(),
          absl::StrCat("example ", i, ": ", logits.status().message()));
    }
    const auto predicted = static_cast<int32_t>(
        std::max_element(logits->begin(), logits->end()) - logits->begin());
    evaluation.predicted.push_back(predicted);
    correct += predicted == examples.labels[i];
    agreeing += predicted == reference[i];
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (examples.size() > 0) {
    const auto n = static_cast<double>(examples.size());
    evaluation.accuracy = correct / n;
    evaluation.agreement = agreeing / n;
    evaluation.seconds_per_example = seconds / n;
  }
  return evaluation;
}

}  // namespace kdbench
