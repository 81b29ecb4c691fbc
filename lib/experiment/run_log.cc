#include "lib/experiment/run_log.h"

#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/util/utc_time.h"

namespace kdbench {
namespace {

std::string LogPath(const std::string& results_dir) {
  return absl::StrCat(results_dir, "/run-log.txt");
}

// One line per call, appended: earlier lines are never rewritten, so a kill
// at any point leaves every earlier line intact.
absl::Status AppendLine(const std::string& path, const std::string& line) {
  std::ofstream out(path, std::ios::app);
  out << line << '\n';
  out.flush();
  if (!out) return absl::InternalError(absl::StrCat(path, ": cannot append to the run log"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int> StartRunSegment(const std::string& results_dir, absl::string_view detail) {
  const std::string path = LogPath(results_dir);
  int last = 0;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    int number = 0;
    if (words.size() >= 3 && words[0] == "segment" && words[2] == "start" &&
        absl::SimpleAtoi(words[1], &number) && number > last) {
      last = number;
    }
  }
  const int segment = last + 1;
  if (absl::Status status =
          AppendLine(path, absl::StrCat("segment ", segment, " start ", UtcNow(), " (", detail, ")"));
      !status.ok()) {
    return status;
  }
  return segment;
}

absl::Status EndRunSegment(const std::string& results_dir, int segment, absl::string_view detail) {
  return AppendLine(LogPath(results_dir),
                    absl::StrCat("segment ", segment, " end ", UtcNow(), " (", detail, ")"));
}

}  // namespace kdbench
