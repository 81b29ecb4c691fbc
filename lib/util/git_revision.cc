#include "lib/util/git_revision.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lib/util/command_output.h"

namespace kdbench {

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
