// Several fine-tuned teachers as one (the survey's multi-teacher family):
// their class probabilities are averaged, per example, with
//   - equal weights                      "base+large"
//   - fixed weights (normalised)         "base+large(weights=1:3)"
//   - per-example weights proportional   "base+large(confidence)"
//     to each teacher's confidence (its
//     largest probability on that example)
// and the average is the ensemble's output: logits are its log, L_LL's
// targets its log-odds (or log, for logit_target = "logits"). An ensemble
// of teachers of different widths has no single representation, so L_RL
// is refused.
#ifndef KDBENCH_LIB_DISTILL_TEACHER_ENSEMBLE_H_
#define KDBENCH_LIB_DISTILL_TEACHER_ENSEMBLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/distill/transfer_loss.h"

namespace kdbench {

enum class EnsembleWeighting { kMean, kFixed, kConfidence };

struct TeacherSpec {
  std::vector<std::string> members;  // roles, in order; one for a single teacher
  EnsembleWeighting weighting = EnsembleWeighting::kMean;
  std::vector<double> weights;  // kFixed: one per member, summing to 1
  bool is_ensemble() const { return members.size() > 1; }
};

// "large", or members joined by '+' with an optional "(confidence)" or
// "(weights=a:b...)". Members must be among `roles`, distinct; weights
// positive numbers, one per member. Errors name the value and what is
// allowed.
absl::StatusOr<TeacherSpec> ParseTeacherSpec(const std::string& value,
                                             const std::vector<std::string>& roles);

// An ensemble of `members` (names for messages) weighted by `weighting`:
// "" (mean), "confidence", or "weights=a:b..." (positive, one per member).
absl::StatusOr<TeacherSpec> EnsembleSpec(std::vector<std::string> members,
                                         const std::string& weighting);

// One teacher's targets from the members' (rows aligned, probabilities and
// logits defined). `log_odds_targets`: L_LL's targets are log-odds (the
// paper) rather than logits.
absl::StatusOr<TeacherTargets> CombineTeachers(const std::vector<TeacherTargets>& members,
                                               const TeacherSpec& spec, bool log_odds_targets);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_TEACHER_ENSEMBLE_H_
