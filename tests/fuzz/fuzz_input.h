// Helpers the fuzz targets share.
#ifndef KDBENCH_TESTS_FUZZ_FUZZ_INPUT_H_
#define KDBENCH_TESTS_FUZZ_FUZZ_INPUT_H_

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kdbench {

inline absl::string_view FuzzBytes(const uint8_t* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

// A scratch file of this process, for code that reads a path.
inline std::string FuzzScratchPath(absl::string_view name) {
  const char* directory = std::getenv("TEST_TMPDIR");
  return absl::StrCat(directory != nullptr ? directory : "/tmp", "/fuzz-", ::getpid(), "-", name);
}

inline void WriteFuzzFile(const std::string& path, absl::string_view bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace kdbench

#endif  // KDBENCH_TESTS_FUZZ_FUZZ_INPUT_H_
