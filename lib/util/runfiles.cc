#include "lib/util/runfiles.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace kdbench {

std::string FindRunfile(const std::string& relative) {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  for (const char* variable : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    if (const char* dir = std::getenv(variable); dir != nullptr && *dir) {
      candidates.push_back(fs::path(dir) / "kdbench" / relative);
    }
  }
  std::error_code error;
  fs::path executable = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    candidates.push_back(fs::path(executable.string() + ".runfiles") / "kdbench" / relative);
  }
  candidates.push_back(fs::path(relative));
  for (const fs::path& candidate : candidates) {
    if (fs::exists(candidate, error)) return candidate.string();
  }
  return relative;
}

}  // namespace kdbench
