// Checked reads from TOML tables (toml++): every error names the file, the
// line and what is allowed, so a typo in a grid or profile is found at once.
#ifndef KDBENCH_LIB_UTIL_TOML_FIELDS_H_
#define KDBENCH_LIB_UTIL_TOML_FIELDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

// Parses TOML text; a syntax error names source:line:column.
absl::StatusOr<toml::table> ParseToml(absl::string_view text, const std::string& source);

// "source:line" of a node (just "source" when it has no position).
std::string TomlWhere(const std::string& source, const toml::node& node);

// Every key of `table` must be in `allowed`; otherwise an error naming the
// line, the key, `context` ("[axes]") and the allowed keys.
absl::Status CheckTomlKeys(const toml::table& table, const std::vector<std::string>& allowed,
                           const std::string& source, const std::string& context);

// A string or a list of strings. With `allowed` non-empty, each value must
// be one of them (error names line, key and the allowed values).
absl::StatusOr<std::vector<std::string>> TomlStrings(const toml::node& node,
                                                     const std::string& source,
                                                     const std::string& key,
                                                     const std::vector<std::string>& allowed = {});

// Scalars; a wrong type names the line, the key and the expected type.
absl::StatusOr<std::string> TomlString(const toml::node& node, const std::string& source,
                                       const std::string& key);
absl::StatusOr<int64_t> TomlInteger(const toml::node& node, const std::string& source,
                                    const std::string& key);
// Integers are accepted where a float is expected.
absl::StatusOr<double> TomlFloat(const toml::node& node, const std::string& source,
                                 const std::string& key);
absl::StatusOr<bool> TomlBool(const toml::node& node, const std::string& source,
                              const std::string& key);

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_TOML_FIELDS_H_
