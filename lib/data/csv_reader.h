// RFC 4180 CSV records: quoted fields, doubled quotes inside quotes, and
// newlines inside quoted fields; CRLF or LF line ends. (A few dozen lines;
// Debian's C CSV libraries would add a dependency without saving any.)
#ifndef KDBENCH_LIB_DATA_CSV_READER_H_
#define KDBENCH_LIB_DATA_CSV_READER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kdbench {

// Calls `on_record(fields, line)` for each record of `text`, where `line` is
// the 1-based line the record starts on. Malformed quoting (a quote inside
// an unquoted field, text after a closing quote, an unterminated quote) is
// an InvalidArgumentError naming `source` and the line. A non-OK status
// returned by `on_record` stops parsing and is returned.
absl::Status ParseCsv(
    absl::string_view text, absl::string_view source,
    const std::function<absl::Status(const std::vector<std::string>& fields,
                                     int line)>& on_record);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_CSV_READER_H_
