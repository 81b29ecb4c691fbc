#include "lib/util/library_versions.h"

#include <sstream>

#include "lib/util/command_output.h"

namespace kdbench {

const std::map<std::string, std::string>& LibraryVersions() {
  static const auto* versions = [] {
    auto* result = new std::map<std::string, std::string>;
    std::string output;
    // dpkg-query exits non-zero when one package is unknown but still
    // prints the others: keep what it printed.
    CommandOutput(
        "dpkg-query -W -f='${Package} ${Version}\\n' libtorch-dev libabsl-dev libre2-dev "
        "libbenchmark-dev libgtest-dev nlohmann-json3-dev libtomlplusplus-dev "
        "libopenblas0-openmp libfasttext-dev libgmime-3.0-dev libicu-dev g++ 2>/dev/null",
        &output);
    std::istringstream lines(output);
    std::string package, version;
    while (lines >> package >> version) (*result)[package] = version;
    return result;
  }();
  return *versions;
}

}  // namespace kdbench
