// Writing fixture files for reader tests.
#ifndef KDBENCH_TESTS_DATA_TEST_FILES_H_
#define KDBENCH_TESTS_DATA_TEST_FILES_H_

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "lib/util/atomic_file.h"

namespace kdbench::testing {

// A fresh directory under the test's temporary directory.
inline std::string FreshDirectory(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string WriteFile(const std::string& path, const std::string& text) {
  EXPECT_TRUE(WriteFileAtomically(path, text).ok()) << path;
  return path;
}

}  // namespace kdbench::testing

#endif  // KDBENCH_TESTS_DATA_TEST_FILES_H_
