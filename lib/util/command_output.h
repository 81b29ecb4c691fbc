// Output of a shell command, for provenance (git revision, package versions).
#ifndef KDBENCH_LIB_UTIL_COMMAND_OUTPUT_H_
#define KDBENCH_LIB_UTIL_COMMAND_OUTPUT_H_

#include <string>

namespace kdbench {

// Runs `command` with /bin/sh; false when it cannot start or exits non-zero.
bool CommandOutput(const std::string& command, std::string* output);

// `value` in single quotes, safe to paste into a shell command.
std::string ShellQuote(const std::string& value);

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_COMMAND_OUTPUT_H_
