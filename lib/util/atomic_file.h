// Crash-safe file writes: a reader sees the old file or the new one, never a
// torn mix, even after SIGKILL or power loss mid-write.
#ifndef KDBENCH_LIB_UTIL_ATOMIC_FILE_H_
#define KDBENCH_LIB_UTIL_ATOMIC_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

// Writes `contents` to `path` atomically: a temporary file in the same
// directory, fsync, rename over `path`, fsync of the directory. Creates
// missing parent directories. On error `path` is left untouched and the
// temporary file is removed.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

// Reads a whole file. NotFoundError names the path when it does not exist.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// Creates `path` and its missing parents (like mkdir -p).
absl::Status CreateDirectories(const std::string& path);

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_ATOMIC_FILE_H_
