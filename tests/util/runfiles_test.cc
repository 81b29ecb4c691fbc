#include "lib/util/runfiles.h"

#include <filesystem>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

TEST(RunfilesTest, FindsADataDependency) {
  std::string path = FindRunfile("datasets/vocab/bert-base-uncased-vocab.txt");
  EXPECT_TRUE(std::filesystem::exists(path)) << path;
}

TEST(RunfilesTest, MissingFileIsReturnedAsGiven) {
  EXPECT_EQ(FindRunfile("no/such/file.txt"), "no/such/file.txt");
}

}  // namespace
}  // namespace kdbench
