#include "lib/util/directory_listing.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/match.h"

namespace kdbench {

std::vector<std::string> SortedFilesEndingWith(const std::string& directory,
                                               absl::string_view suffix) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (absl::EndsWith(entry.path().filename().string(), suffix)) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace kdbench
