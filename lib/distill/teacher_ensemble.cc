#include "lib/distill/teacher_ensemble.h"

#include <torch/torch.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lib/models/teacher_outputs.h"

namespace kdbench {

absl::StatusOr<TeacherSpec> ParseTeacherSpec(const std::string& value,
                                             const std::vector<std::string>& roles) {
  auto error = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "teacher '", value, "': ", why, "; allowed: a role (", absl::StrJoin(roles, ", "),
        ") or roles joined by '+', optionally with (confidence) or (weights=a:b)"));
  };
  TeacherSpec spec;
  absl::string_view rest = value;
  absl::string_view options;
  if (const size_t open = value.find('('); open != std::string::npos) {
    rest = absl::string_view(value).substr(0, open);
    options = absl::string_view(value).substr(open + 1);
    if (!absl::ConsumeSuffix(&options, ")")) return error("unclosed '('");
  }
  for (absl::string_view member : absl::StrSplit(rest, '+')) {
    if (std::find(roles.begin(), roles.end(), member) == roles.end()) {
      return error(absl::StrCat("unknown role '", member, "'"));
    }
    if (std::find(spec.members.begin(), spec.members.end(), member) != spec.members.end()) {
      return error(absl::StrCat("role '", member, "' twice"));
    }
    spec.members.emplace_back(member);
  }
  if (value.find('(') != std::string::npos && options.empty()) return error("empty '()'");
  if (!options.empty() && !spec.is_ensemble()) return error("weighting needs two or more teachers");
  absl::StatusOr<TeacherSpec> weighted = EnsembleSpec(spec.members, std::string(options));
  if (!weighted.ok()) return error(std::string(weighted.status().message()));
  return weighted;
}

absl::StatusOr<TeacherSpec> EnsembleSpec(std::vector<std::string> members,
                                         const std::string& weighting) {
  TeacherSpec spec{.members = std::move(members)};
  absl::string_view options = weighting;
  if (options.empty()) return spec;
  if (options == "confidence") {
    spec.weighting = EnsembleWeighting::kConfidence;
    return spec;
  }
  if (!absl::ConsumePrefix(&options, "weights=")) {
    return absl::InvalidArgumentError(absl::StrCat("unknown weighting '", options,
                                                   "' (known: confidence, weights=a:b...)"));
  }
  double total = 0;
  for (absl::string_view text : absl::StrSplit(options, ':')) {
    double weight = 0;
    if (!absl::SimpleAtod(text, &weight) || !(weight > 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("weight '", text, "' is not a positive number"));
    }
    spec.weights.push_back(weight);
    total += weight;
  }
  if (spec.weights.size() != spec.members.size()) {
    return absl::InvalidArgumentError(absl::StrCat(spec.weights.size(), " weights for ",
                                                   spec.members.size(), " teachers"));
  }
  for (double& weight : spec.weights) weight /= total;
  spec.weighting = EnsembleWeighting::kFixed;
  return spec;
}

absl::StatusOr<TeacherTargets> CombineTeachers(const std::vector<TeacherTargets>& members,
                                               const TeacherSpec& spec, bool log_odds_targets) {
  if (members.size() != spec.members.size() || members.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("the ensemble has ", spec.members.size(),
                                                   " teachers but ", members.size(),
                                                   " sets of outputs"));
  }
  std::vector<torch::Tensor> probabilities;
  for (size_t k = 0; k < members.size(); ++k) {
    const torch::Tensor& p = members[k].probabilities;
    if (!p.defined() || p.dim() != 2 || !p.sizes().equals(members[0].probabilities.sizes())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "teacher '", spec.members[k], "' of the ensemble has no probabilities of the shape of "
          "the first teacher's (the same examples and classes)"));
    }
    probabilities.push_back(p.to(torch::kFloat64));
  }
  const torch::Tensor stacked = torch::stack(probabilities);  // [teachers, n, C]
  torch::Tensor weights;                                      // [teachers, n, 1]
  switch (spec.weighting) {
    case EnsembleWeighting::kMean:
      weights = torch::full({stacked.size(0), stacked.size(1), 1}, 1.0 / stacked.size(0),
                            stacked.options());
      break;
    case EnsembleWeighting::kFixed:
      weights = torch::tensor(spec.weights, stacked.options()).view({-1, 1, 1}).expand(
          {stacked.size(0), stacked.size(1), 1});
      break;
    case EnsembleWeighting::kConfidence: {
      const torch::Tensor confidence = std::get<0>(stacked.max(2, /*keepdim=*/true));
      weights = confidence / confidence.sum(0, /*keepdim=*/true);
      break;
    }
  }
  const torch::Tensor mixed = (weights * stacked).sum(0).to(torch::kFloat);
  TeacherTargets combined;
  combined.probabilities = mixed;
  // log p: softmax(log p / T) is the ensemble sharpened or softened by T.
  combined.logits = torch::log(mixed.clamp_min(1e-12));
  combined.logit_targets = log_odds_targets ? LogOdds(mixed) : combined.logits;
  return combined;
}

}  // namespace kdbench
