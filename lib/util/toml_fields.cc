#include "lib/util/toml_fields.h"

#include <algorithm>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

absl::Status WrongType(const std::string& source, const toml::node& node, const std::string& key,
                       absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(TomlWhere(source, node), ": '", key,
                                                 "' must be ", expected));
}

}  // namespace

namespace {

// TOML allows characters beyond ASCII only inside strings and comments.
// Checked before toml++ sees the text: toml++ 3.3 reaches
// __builtin_unreachable() (undefined behaviour) when it tests some of them
// (U+00A1..U+0499, U+2C3E..U+3037 but U+3000, U+FB36..U+FEFE) for
// whitespace, which it does outside strings; found by the grid_spec fuzzer.
absl::Status CheckAsciiOutsideStrings(absl::string_view text, const std::string& source) {
  enum class State { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };
  State state = State::kCode;
  int line = 1, column = 0;
  auto run_of = [&](size_t i, char quote) {
    size_t n = 0;
    while (i + n < text.size() && text[i + n] == quote) ++n;
    return n;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++column;
    if (c == '\n') {
      ++line, column = 0;
      if (state != State::kMultiBasic && state != State::kMultiLiteral) state = State::kCode;
      continue;
    }
    switch (state) {
      case State::kCode:
        if (static_cast<unsigned char>(c) >= 0x80) {
          return absl::InvalidArgumentError(absl::StrCat(
              source, ":", line, ":", column,
              ": a character beyond ASCII outside a string or comment (TOML allows them only "
              "inside quotes or after #)"));
        }
        if (c == '#') {
          state = State::kComment;
        } else if (c == '"' || c == '\'') {
          const bool multi = run_of(i, c) >= 3;
          state = c == '"' ? (multi ? State::kMultiBasic : State::kBasic)
                           : (multi ? State::kMultiLiteral : State::kLiteral);
          if (multi) i += 2, column += 2;
        }
        break;
      case State::kComment:
        break;
      case State::kBasic:
      case State::kLiteral:
        if (state == State::kBasic && c == '\\') {
          ++i, ++column;
        } else if (c == (state == State::kBasic ? '"' : '\'')) {
          state = State::kCode;
        }
        break;
      case State::kMultiBasic:
      case State::kMultiLiteral: {
        const char quote = state == State::kMultiBasic ? '"' : '\'';
        if (state == State::kMultiBasic && c == '\\') {
          ++i, ++column;
          if (i < text.size() && text[i] == '\n') ++line, column = 0;
        } else if (c == quote && run_of(i, quote) >= 3) {
          // Up to two quotes before the closing three belong to the string.
          const size_t n = std::min<size_t>(run_of(i, quote), 5);
          i += n - 1, column += static_cast<int>(n) - 1;
          state = State::kCode;
        }
        break;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<toml::table> ParseToml(absl::string_view text, const std::string& source) {
  RETURN_IF_ERROR(CheckAsciiOutsideStrings(text, source));
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
