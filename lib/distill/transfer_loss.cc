#include "lib/distill/transfer_loss.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

struct Registration {
  TransferLossFactory factory;
  std::vector<std::string> parameters;
};

std::map<std::string, Registration>& Registry() {
  static auto* registry = new std::map<std::string, Registration>();
  return *registry;
}

// The registration of `name`; an unknown name lists the registered ones.
absl::StatusOr<const Registration*> Find(const std::string& name) {
  auto found = Registry().find(name);
  if (found == Registry().end()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown transfer loss \"", name,
                                                   "\"; registered: ",
                                                   absl::StrJoin(RegisteredTransferLosses(), ", ")));
  }
  return &found->second;
}

}  // namespace

std::string TeacherTargetName(TeacherTarget target) {
  switch (target) {
    case TeacherTarget::kLogitTargets: return "logit targets";
    case TeacherTarget::kProbabilities: return "probabilities";
    case TeacherTarget::kLogits: return "logits";
    case TeacherTarget::kRepresentation: return "representation";
  }
  return "?";
}

torch::Tensor& TeacherTargets::Get(TeacherTarget target) {
  switch (target) {
    case TeacherTarget::kLogitTargets: return logit_targets;
    case TeacherTarget::kProbabilities: return probabilities;
    case TeacherTarget::kLogits: return logits;
    case TeacherTarget::kRepresentation: return representation;
  }
  return logits;
}

const torch::Tensor& TeacherTargets::Get(TeacherTarget target) const {
  return const_cast<TeacherTargets*>(this)->Get(target);
}

absl::StatusOr<double> LossTemperature(const TransferLossSettings& settings,
                                       const std::string& loss) {
  auto given = settings.parameters.find("T");
  const double temperature =
      given != settings.parameters.end() ? given->second : settings.temperature;
  if (!(temperature > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat(loss, ": the temperature must be > 0, not ", temperature));
  }
  return temperature;
}

bool RegisterTransferLoss(const std::string& name, TransferLossFactory factory,
                          std::vector<std::string> parameters) {
  if (!Registry().emplace(name, Registration{std::move(factory), std::move(parameters)}).second) {
    std::fprintf(stderr, "kdbench: the transfer loss \"%s\" is registered twice\n", name.c_str());
    std::abort();
  }
  return true;
}

absl::StatusOr<TransferLossPtr> MakeTransferLoss(const std::string& name,
                                                 const TransferLossSettings& settings) {
  ASSIGN_OR_RETURN(const Registration* found, Find(name));
  for (const auto& [parameter, value] : settings.parameters) {
    const std::vector<std::string>& known = found->parameters;
    if (std::find(known.begin(), known.end(), parameter) == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "transfer loss \"", name, "\" has no parameter \"", parameter, "\"; it takes: ",
          known.empty() ? "none" : absl::StrJoin(known, ", ")));
    }
  }
  return found->factory(settings);
}

absl::StatusOr<std::vector<std::string>> TransferLossParameters(const std::string& name) {
  ASSIGN_OR_RETURN(const Registration* found, Find(name));
  return found->parameters;
}

std::vector<std::string> RegisteredTransferLosses() {
  std::vector<std::string> names;
  for (const auto& [name, registration] : Registry()) names.push_back(name);
  return names;
}

}  // namespace kdbench
