// Evaluating a student as deployed (lib/models/deployed_bilstm.h): every
// example on its own, unpadded, in the deployed precision. What a reduced
// precision costs is then its accuracy beside the trained model's on the
// same examples, and the share of decisions it keeps.
#ifndef KDBENCH_LIB_DISTILL_DEPLOYMENT_EVALUATION_H_
#define KDBENCH_LIB_DISTILL_DEPLOYMENT_EVALUATION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/data/encoded_examples.h"
#include "lib/models/deployed_bilstm.h"

namespace kdbench {

struct DeploymentEvaluation {
  std::vector<int32_t> predicted;
  double accuracy = 0;
  // Share of examples whose predicted class equals `reference`'s (the
  // trained model's predictions on the same examples).
  double agreement = 0;
  // Mean wall time of one example, each length's kernel already made.
  double seconds_per_example = 0;
};

// `reference` has one prediction per example of `examples`.
absl::StatusOr<DeploymentEvaluation> EvaluateDeployed(
    DeployedBiLstm& deployed, const EncodedExamples& examples,
    const std::vector<int32_t>& reference);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_DEPLOYMENT_EVALUATION_H_
