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
  // Pass 1 makes the predictions and, untimed, each length's kernel (oneDNN
  // creates a primitive per sequence length on first use); pass 2 times the
  // serving alone and must predict the same.
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<int32_t> predicted;
    predicted.reserve(examples.size());
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < examples.size(); ++i) {
      absl::StatusOr<std::vector<float>> logits = deployed.Logits(examples.ids[i]);
      if (!logits.ok()) {
        return absl::Status(logits.status().code(),
                            absl::StrCat("example ", i, ": ", logits.status().message()));
      }
      predicted.push_back(static_cast<int32_t>(
          std::max_element(logits->begin(), logits->end()) - logits->begin()));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (pass == 0) {
      evaluation.predicted = std::move(predicted);
    } else if (predicted != evaluation.predicted) {
      return absl::InternalError("EvaluateDeployed: a second pass predicted differently");
    } else if (examples.size() > 0) {
      evaluation.seconds_per_example = seconds / static_cast<double>(examples.size());
    }
  }
  int64_t correct = 0, agreeing = 0;
  for (int64_t i = 0; i < examples.size(); ++i) {
    correct += evaluation.predicted[i] == examples.labels[i];
    agreeing += evaluation.predicted[i] == reference[i];
  }
  if (examples.size() > 0) {
    const auto n = static_cast<double>(examples.size());
    evaluation.accuracy = correct / n;
    evaluation.agreement = agreeing / n;
  }
  return evaluation;
}

}  // namespace kdbench
