#include "lib/util/toml_fields.h"

#include <algorithm>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/util/utf8.h"
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

// The text with every character beyond ASCII written as an escape, so that
// toml++ sees ASCII only: toml++ 3.3 reaches __builtin_unreachable()
// (undefined behaviour) when it tests some such characters (U+00A1..U+0499,
// U+2C3E..U+3037 but U+3000, U+FB36..U+FEFE) for whitespace, which it does
// outside strings and, after an error, inside them (found by the grid
// fuzzers). TOML allows these characters only in strings and comments:
// in basic strings they become \uXXXX / \UXXXXXXXX escapes (the same value),
// literal strings become basic strings with escapes, comments lose them, and
// anywhere else they are an error naming line and column, as is invalid
// UTF-8. Lines stay where they were.
absl::StatusOr<std::string> EscapeBeyondAscii(absl::string_view text, const std::string& source) {
  if (!IsValidUtf8(text)) {
    int line = 0;
    for (absl::string_view text_line : absl::StrSplit(text, '\n')) {
      ++line;
      if (!IsValidUtf8(text_line)) break;
    }
    return absl::InvalidArgumentError(
        absl::StrCat(source, ":", line, ": invalid UTF-8 (TOML files are UTF-8)"));
  }
  enum class State { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };
  const std::u32string chars = DecodeUtf8Lenient(text);
  std::string out;
  out.reserve(text.size());
  State state = State::kCode;
  int line = 1, column = 0;
  auto run_of = [&](size_t i, char32_t quote) {
    size_t n = 0;
    while (i + n < chars.size() && chars[i + n] == quote) ++n;
    return n;
  };
  auto escape = [&](char32_t c) {
    out += c <= 0xFFFF ? absl::StrFormat("\\u%04X", static_cast<uint32_t>(c))
                       : absl::StrFormat("\\U%08X", static_cast<uint32_t>(c));
  };
  for (size_t i = 0; i < chars.size(); ++i) {
    const char32_t c = chars[i];
    ++column;
    if (c == U'\n') {
      ++line, column = 0;
      if (state != State::kMultiBasic && state != State::kMultiLiteral) {
        // An unterminated single-line string: toml++ reports it; the quote
        // that closes it is ours.
        if (state == State::kBasic || state == State::kLiteral) out += '"';
        state = State::kCode;
      }
      out += '\n';
      continue;
    }
    switch (state) {
      case State::kCode:
        if (c >= 0x80) {
          return absl::InvalidArgumentError(absl::StrCat(
              source, ":", line, ":", column,
              ": a character beyond ASCII outside a string or comment (TOML allows them only "
              "inside quotes or after #)"));
        }
        if (c == U'#') {
          state = State::kComment;
          out += '#';
        } else if (c == U'"' || c == U'\'') {
          const bool multi = run_of(i, c) >= 3;
          state = c == U'"' ? (multi ? State::kMultiBasic : State::kBasic)
                            : (multi ? State::kMultiLiteral : State::kLiteral);
          out += multi ? "\"\"\"" : "\"";
          if (multi) i += 2, column += 2;
        } else {
          out += static_cast<char>(c);
        }
        break;
      case State::kComment:
        out += c < 0x80 ? static_cast<char>(c) : '?';
        break;
      case State::kBasic:
      case State::kMultiBasic: {
        const bool multi = state == State::kMultiBasic;
        if (c == U'\\' && i + 1 < chars.size()) {
          // An escape stays as written (toml++ checks it), its second
          // character included unless that is beyond ASCII.
          out += '\\';
          const char32_t next = chars[++i];
          ++column;
          if (next == U'\n') ++line, column = 0;
          if (next >= 0x80) {
            escape(next);
          } else {
            out += static_cast<char>(next);
          }
        } else if (c == U'"' && (!multi || run_of(i, c) >= 3)) {
          // Up to two quotes before the closing three belong to the string.
          const size_t n = multi ? std::min<size_t>(run_of(i, c), 5) : 1;
          out.append(n, '"');
          i += n - 1, column += static_cast<int>(n) - 1;
          state = State::kCode;
        } else if (c >= 0x80) {
          escape(c);
        } else {
          out += static_cast<char>(c);
        }
        break;
      }
      case State::kLiteral:
      case State::kMultiLiteral: {
        const bool multi = state == State::kMultiLiteral;
        if (c == U'\'' && (!multi || run_of(i, c) >= 3)) {
          const size_t n = multi ? std::min<size_t>(run_of(i, c), 5) : 1;
          // Quotes before the closing three are content.
          for (size_t k = 0; k + 3 < n; ++k) out += '\'';
          out += multi ? "\"\"\"" : "\"";
          i += n - 1, column += static_cast<int>(n) - 1;
          state = State::kCode;
        } else if (c == U'\\') {
          out += "\\\\";
        } else if (c == U'"') {
          out += "\\\"";
        } else if (c >= 0x80) {
          escape(c);
        } else {
          // Control characters stay as they are: invalid in a literal
          // string, they are invalid in the basic string it becomes.
          out += static_cast<char>(c);
        }
        break;
      }
    }
  }
  if (state == State::kBasic || state == State::kLiteral) out += '"';
  return out;
}

}  // namespace

absl::StatusOr<toml::table> ParseToml(absl::string_view text, const std::string& source) {
  ASSIGN_OR_RETURN(const std::string ascii, EscapeBeyondAscii(text, source));
  toml::parse_result result = toml::parse(std::string_view(ascii), source);
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
