#include "lib/experiment/results_import.h"

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "lib/experiment/sealed_record.h"
#include "lib/util/atomic_file.h"
#include "lib/util/directory_listing.h"
#include "lib/util/status_macros.h"

namespace kdbench {

absl::Status ImportResults(const std::vector<std::string>& sources, const std::string& results_dir) {
  for (const std::string& source : sources) {
    if (!std::filesystem::is_directory(source + "/cells")) {
      return absl::NotFoundError(
          absl::StrCat("--import: ", source, " has no cells/ directory (not a results directory)"));
    }
    int copied = 0, present = 0, corrupt = 0;
    for (const std::string& path : SortedFilesEndingWith(source + "/cells", ".json")) {
      const std::string name = std::filesystem::path(path).filename().string();
      const std::string target = results_dir + "/cells/" + name;
      absl::StatusOr<std::string> sealed = ReadFileToString(path);
      if (sealed.ok() && !UnsealRecord(*sealed, path).ok()) sealed = absl::DataLossError("");
      if (!sealed.ok()) {
        ++corrupt;
        std::fprintf(stderr, "kdbench: merge: %s is corrupt or unreadable; left out\n",
                     path.c_str());
        continue;
      }
      if (absl::StatusOr<std::string> mine = ReadFileToString(target);
          mine.ok() && UnsealRecord(*mine, target).ok()) {
        ++present;
        continue;
      }
      RETURN_IF_ERROR(WriteFileAtomically(target, *sealed));
      ++copied;
    }
    for (const std::string& path : SortedFilesEndingWith(source + "/shards", ".json")) {
      const std::string target =
          results_dir + "/shards/" + std::filesystem::path(path).filename().string();
      if (std::filesystem::exists(target)) continue;
      ASSIGN_OR_RETURN(std::string summary, ReadFileToString(path));
      RETURN_IF_ERROR(WriteFileAtomically(target, summary));
    }
    std::fprintf(stderr, "kdbench: merge: %s: %d record(s) copied, %d already here, %d corrupt\n",
                 source.c_str(), copied, present, corrupt);
  }
  return absl::OkStatus();
}

}  // namespace kdbench
