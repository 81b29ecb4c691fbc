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

std::string WorkspaceDirectory() {
  if (const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY")) return workspace;
  return ".";
}

std::string LocateInput(const std::string& path) {
  if (path.empty() || path[0] == '/' || std::filesystem::exists(path)) return path;
  const std::string in_workspace = WorkspaceDirectory() + "/" + path;
  if (std::filesystem::exists(in_workspace)) return in_workspace;
  const std::string runfile = FindRunfile(path);
  return runfile.empty() ? path : runfile;
}

}  // namespace kdbench
