#include "lib/util/git_revision.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace kdbench {
namespace {

// Runs `command`; false when it cannot start or exits non-zero.
bool CommandOutput(const std::string& command, std::string* output) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return false;
  char buffer[256];
  output->clear();
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output->append(buffer, n);
  return pclose(pipe) == 0;
}

std::string ShellQuote(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

std::string GitRevision(const std::string& directory) {
  const std::string git = absl::StrCat("git -C ", ShellQuote(directory));
  std::string head, status;
  if (!CommandOutput(git + " rev-parse HEAD 2>/dev/null", &head)) return "unknown";
  head = std::string(absl::StripAsciiWhitespace(head));
  if (head.empty()) return "unknown";
  if (CommandOutput(git + " status --porcelain --untracked-files=no 2>/dev/null", &status) &&
      !absl::StripAsciiWhitespace(status).empty()) {
    head += "-dirty";
  }
  return head;
}

}  // namespace kdbench
