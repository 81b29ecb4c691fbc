#include "lib/experiment/code_versions.h"

#include <string_view>
#include <utility>

namespace kdbench {
namespace {

#define KDBENCH_CODE_VERSION(component, hash) {component, hash},
constexpr std::pair<std::string_view, std::string_view> kVersions[] = {
#include "lib/experiment/code_versions.inc"
};
#undef KDBENCH_CODE_VERSION

std::string Version(std::string_view component) {
  for (const auto& [name, hash] : kVersions) {
    if (name == component) return std::string(hash);
  }
  return "";
}

}  // namespace

std::string TeacherCodeVersion() { return Version("teacher"); }

std::string CellCodeVersion(const std::string& student) {
  const std::string own = Version("cell:" + student);
  return own.empty() ? Version("cell") : own;
}

}  // namespace kdbench
