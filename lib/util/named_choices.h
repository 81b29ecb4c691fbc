// A setting that takes one of a few named values, typed inside as an enum
// (as LibTorch's options take enums, not strings) and named only where
// settings are read or written: flags, TOML profiles, records.
//   enum class Fruit { kApple, kPear };
//   inline const NamedChoices<Fruit>& FruitNames() {
//     static const auto* names = new NamedChoices<Fruit>{{Fruit::kApple, "apple"}, ...};
//     return *names;
//   }
#ifndef KDBENCH_LIB_UTIL_NAMED_CHOICES_H_
#define KDBENCH_LIB_UTIL_NAMED_CHOICES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kdbench {

// Each value with its name, in the order help and errors list them.
template <typename Choice>
using NamedChoices = std::vector<std::pair<Choice, std::string>>;

template <typename Choice>
std::vector<std::string> ChoiceNames(const NamedChoices<Choice>& choices) {
  std::vector<std::string> names;
  for (const auto& [value, name] : choices) names.push_back(name);
  return names;
}

// `setting` names what is parsed in the error: "--optimizer=sgd: unknown;
// known: adadelta, adam".
template <typename Choice>
absl::StatusOr<Choice> ParseChoice(const NamedChoices<Choice>& choices, const std::string& setting,
                                   const std::string& text) {
  for (const auto& [value, name] : choices) {
    if (name == text) return value;
  }
  return absl::InvalidArgumentError(absl::StrCat("--", setting, "=", text, ": unknown; known: ",
                                                 absl::StrJoin(ChoiceNames(choices), ", ")));
}

template <typename Choice>
std::string ChoiceName(const NamedChoices<Choice>& choices, Choice choice) {
  for (const auto& [value, name] : choices) {
    if (value == choice) return name;
  }
  return "unnamed";
}

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_NAMED_CHOICES_H_
