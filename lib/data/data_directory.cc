#include "lib/data/data_directory.h"

#include <cstdlib>

namespace kdbench {

std::string DataDirectory() {
  auto nonempty = [](const char* name) -> const char* {
    const char* value = std::getenv(name);
    return value != nullptr && value[0] != '\0' ? value : nullptr;
  };
  if (const char* dir = nonempty("KDBENCH_DATA_DIR")) return dir;
  if (const char* cache = nonempty("XDG_CACHE_HOME")) {
    return std::string(cache) + "/kdbench/data";
  }
  const char* home = nonempty("HOME");
  return std::string(home != nullptr ? home : "/tmp") + "/.cache/kdbench/data";
}

}  // namespace kdbench
