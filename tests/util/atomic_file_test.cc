#include "lib/util/atomic_file.h"

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(AtomicFileTest, WritesAndReadsBackIncludingParents) {
  const std::string path = (dir_ / "a" / "b" / "file.bin").string();
  std::string contents("binary\0data\n", 12);
  ASSERT_TRUE(WriteFileAtomically(path, contents).ok());
  absl::StatusOr<std::string> read = ReadFileToString(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, contents);
}

TEST_F(AtomicFileTest, ReplacesExistingFileAndLeavesNoTemporaries) {
  const std::string path = (dir_ / "result.json").string();
  ASSERT_TRUE(WriteFileAtomically(path, "old").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "new contents").ok());
  EXPECT_EQ(*ReadFileToString(path), "new contents");
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(AtomicFileTest, FailedWriteKeepsOldFile) {
  const fs::path sub = dir_ / "readonly";
  const std::string path = (sub / "keep.txt").string();
  ASSERT_TRUE(WriteFileAtomically(path, "precious").ok());
  if (::geteuid() == 0) {
    // root ignores directory permissions; make the target a directory of
    // the same name's sibling instead: renaming a file over a non-empty
    // directory fails for everyone.
    const std::string dir_target = (sub / "blocker").string();
    fs::create_directories(fs::path(dir_target) / "child");
    absl::Status status = WriteFileAtomically(dir_target, "x");
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.message().find("blocker"), absl::string_view::npos)
        << status;
  } else {
    fs::permissions(sub, fs::perms::owner_read | fs::perms::owner_exec);
    EXPECT_FALSE(WriteFileAtomically(path, "lost").ok());
    fs::permissions(sub, fs::perms::owner_all);
  }
  EXPECT_EQ(*ReadFileToString(path), "precious");
  int temporaries = 0;
  for (const auto& entry : fs::directory_iterator(sub)) {
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) {
      ++temporaries;
    }
  }
  EXPECT_EQ(temporaries, 0);
}

TEST_F(AtomicFileTest, MissingFileIsNotFoundAndNamesPath) {
  const std::string path = (dir_ / "absent.txt").string();
  absl::StatusOr<std::string> read = ReadFileToString(path);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(read.status().message().find("absent.txt"),
            absl::string_view::npos);
}

TEST_F(AtomicFileTest, DirectoryIsNotARegularFile) {
  fs::create_directories(dir_);
  absl::StatusOr<std::string> read = ReadFileToString(dir_.string());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(AtomicFileTest, EmptyFileRoundTrips) {
  const std::string path = (dir_ / "empty").string();
  ASSERT_TRUE(WriteFileAtomically(path, "").ok());
  EXPECT_EQ(*ReadFileToString(path), "");
}

}  // namespace
}  // namespace kdbench
