#include "lib/util/toml_fields.h"

#include <algorithm>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kdbench {
namespace {

absl::Status WrongType(const std::string& source, const toml::node& node, const std::string& key,
                       absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(TomlWhere(source, node), ": '", key,
                                                 "' must be ", expected));
}

}  // namespace

absl::StatusOr<toml::table> ParseToml(absl::string_view text, const std::string& source) {
  toml::parse_result result = toml::parse(std::string_view(text.data(), text.size()), source);
  if (!result) {
    const toml::parse_error& error = result.error();
    return absl::InvalidArgumentError(absl::StrCat(source, ":", error.source().begin.line, ":",
                                                   error.source().begin.column, ": ",
                                                   std::string(error.description())));
  }
  return std::move(result).table();
}

std::string TomlWhere(const std::string& source, const toml::node& node) {
  const toml::source_position begin = node.source().begin;
  if (!begin) return source;
  return absl::StrCat(source, ":", begin.line);
}

absl::Status CheckTomlKeys(const toml::table& table, const std::vector<std::string>& allowed,
                           const std::string& source, const std::string& context) {
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      const toml::source_position begin = key.source().begin;
      const std::string where =
          begin ? absl::StrCat(source, ":", begin.line) : TomlWhere(source, node);
      return absl::InvalidArgumentError(absl::StrCat(where, ": unknown key '", name, "' in ",
                                                     context, "; allowed: ",
                                                     absl::StrJoin(allowed, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> TomlStrings(const toml::node& node,
                                                     const std::string& source,
                                                     const std::string& key,
                                                     const std::vector<std::string>& allowed) {
  std::vector<std::string> values;
  auto take = [&](const toml::node& item) -> absl::Status {
    std::optional<std::string> value = item.value<std::string>();
    if (!item.is_string() || !value) {
      // Integers are spelled as strings where the axis also takes words
      // ("all" or 100): accept them.
      if (item.is_integer()) {
        values.push_back(std::to_string(*item.value<int64_t>()));
      } else {
        return WrongType(source, item, key, "a string or a list of strings");
      }
    } else {
      values.push_back(*value);
    }
    if (!allowed.empty() &&
        std::find(allowed.begin(), allowed.end(), values.back()) == allowed.end()) {
      return absl::InvalidArgumentError(absl::StrCat(TomlWhere(source, item), ": '", key,
                                                     "' has unknown value '", values.back(),
                                                     "'; allowed: ", absl::StrJoin(allowed, ", ")));
    }
    return absl::OkStatus();
  };
  if (const toml::array* array = node.as_array()) {
    if (array->empty()) return WrongType(source, node, key, "a non-empty list");
    for (const toml::node& item : *array) {
      if (absl::Status status = take(item); !status.ok()) return status;
    }
  } else if (absl::Status status = take(node); !status.ok()) {
    return status;
  }
  return values;
}

absl::StatusOr<std::string> TomlString(const toml::node& node, const std::string& source,
                                       const std::string& key) {
  if (!node.is_string()) return WrongType(source, node, key, "a string");
  return *node.value<std::string>();
}

absl::StatusOr<int64_t> TomlInteger(const toml::node& node, const std::string& source,
                                    const std::string& key) {
  if (!node.is_integer()) return WrongType(source, node, key, "an integer");
  return *node.value<int64_t>();
}

absl::StatusOr<double> TomlFloat(const toml::node& node, const std::string& source,
                                 const std::string& key) {
  if (!node.is_number()) return WrongType(source, node, key, "a number");
  return *node.value<double>();
}

absl::StatusOr<bool> TomlBool(const toml::node& node, const std::string& source,
                              const std::string& key) {
  if (!node.is_boolean()) return WrongType(source, node, key, "true or false");
  return *node.value<bool>();
}

}  // namespace kdbench
