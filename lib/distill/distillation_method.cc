#include "lib/distill/distillation_method.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kdbench {
namespace {

struct Registered {
  std::vector<MethodLoss> losses;
  bool paper = false;
  int order = 0;
};

std::map<std::string, Registered>& Methods() {
  static auto* methods = new std::map<std::string, Registered>();
  return *methods;
}

}  // namespace

bool RegisterDistillationMethod(const std::string& name, std::vector<MethodLoss> losses,
                                bool paper) {
  const int order = static_cast<int>(Methods().size());
  if (name == kNoDistillation ||
      !Methods().emplace(name, Registered{std::move(losses), paper, order}).second) {
    std::fprintf(stderr, "kdbench: the distillation method \"%s\" is registered twice\n",
                 name.c_str());
    std::abort();
  }
  return true;
}

bool RegisterLossAndMethod(const std::string& name, TransferLossFactory factory,
                           std::vector<std::string> parameters) {
  RegisterTransferLoss(name, std::move(factory), std::move(parameters));
  return RegisterDistillationMethod(name, {{.loss = name, .weight = LossWeight::kGamma}});
}

std::vector<std::string> KnownMethods() {
  std::vector<std::pair<std::string, const Registered*>> entries;
  for (const auto& [name, registered] : Methods()) entries.push_back({name, &registered});
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    if (a.second->paper != b.second->paper) return a.second->paper;
    if (a.second->paper) return a.second->order < b.second->order;
    return a.first < b.first;
  });
  std::vector<std::string> names = {kNoDistillation};
  for (const auto& entry : entries) names.push_back(entry.first);
  return names;
}

absl::StatusOr<DistillationMethod> ParseDistillationMethod(const std::string& name) {
  DistillationMethod method{.name = name};
  absl::string_view rest = name;
  const size_t open = name.find('(');
  method.base = name.substr(0, open);
  auto unknown = [&]() {
    return absl::InvalidArgumentError(absl::StrCat("--method=", name, ": unknown; known: ",
                                                   absl::StrJoin(KnownMethods(), ", ")));
  };
  if (method.base == kNoDistillation && open == std::string::npos) return method;
  auto found = Methods().find(method.base);
  if (found == Methods().end()) return unknown();
  method.losses = found->second.losses;
  if (open == std::string::npos) return method;
  rest.remove_prefix(open + 1);
  if (!absl::ConsumeSuffix(&rest, ")") || rest.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--method=", name, ": parameters are written base(key=value,...), e.g. kl(T=4)"));
  }
  std::vector<std::string> accepted;
  for (const MethodLoss& loss : method.losses) {
    absl::StatusOr<std::vector<std::string>> parameters = TransferLossParameters(loss.loss);
    if (!parameters.ok()) return parameters.status();
    accepted.insert(accepted.end(), parameters->begin(), parameters->end());
  }
  for (absl::string_view item : absl::StrSplit(rest, ',')) {
    std::pair<std::string, std::string> key_value = absl::StrSplit(item, absl::MaxSplits('=', 1));
    double value = 0;
    if (key_value.first.empty() || !absl::SimpleAtod(key_value.second, &value)) {
      return absl::InvalidArgumentError(absl::StrCat("--method=", name, ": '", item,
                                                     "' is not key=number"));
    }
    if (std::find(accepted.begin(), accepted.end(), key_value.first) == accepted.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--method=", name, ": method \"", method.base, "\" has no parameter \"",
          key_value.first, "\"; it takes: ", accepted.empty() ? "none" : absl::StrJoin(accepted, ", ")));
    }
    if (!method.parameters.emplace(key_value.first, value).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("--method=", name, ": parameter \"", key_value.first, "\" given twice"));
    }
  }
  return method;
}

}  // namespace kdbench
