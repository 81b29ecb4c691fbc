// Advisory file locks (flock) that the kernel releases when the holder dies,
// so a killed run leaves no stale lock behind.
#ifndef KDBENCH_LIB_UTIL_FILE_LOCK_H_
#define KDBENCH_LIB_UTIL_FILE_LOCK_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

enum class LockMode { kShared, kExclusive };

class FileLock {
 public:
  // Locks `path` (created, with its parent directories, if missing). When
  // another process holds a conflicting lock: waits if `wait`, else returns
  // UnavailableError.
  static absl::StatusOr<std::unique_ptr<FileLock>> Acquire(const std::string& path,
                                                           LockMode mode = LockMode::kExclusive,
                                                           bool wait = true);
  // An exclusive holder's description is cleared on release.
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // Writes who holds the lock into the lock file (exclusive holders only), for
  // the message a process that finds it taken prints.
  absl::Status DescribeHolder(absl::string_view description);
  // What the last exclusive holder wrote; "" if nothing.
  static std::string ReadHolder(const std::string& path);

 private:
  FileLock(int fd, LockMode mode) : fd_(fd), mode_(mode) {}
  int fd_;
  LockMode mode_;
};

// "pid 123 on HOST since 2026-11-22T12:00:00Z": for DescribeHolder.
std::string ThisProcessDescription();

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_FILE_LOCK_H_
