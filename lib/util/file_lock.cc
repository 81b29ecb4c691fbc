#include "lib/util/file_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "lib/util/atomic_file.h"
#include "lib/util/status_macros.h"
#include "lib/util/utc_time.h"

namespace kdbench {

absl::StatusOr<std::unique_ptr<FileLock>> FileLock::Acquire(const std::string& path,
                                                            LockMode mode, bool wait) {
  const std::string parent = std::filesystem::path(path).parent_path().string();
  if (!parent.empty()) RETURN_IF_ERROR(CreateDirectories(parent));
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot open lock file ", path, ": ",
                                            std::strerror(errno)));
  }
  const int operation = (mode == LockMode::kShared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
  int result;
  do {
    result = ::flock(fd, operation);
  } while (result != 0 && errno == EINTR);
  if (result != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return absl::UnavailableError(absl::StrCat(path, " is held by another process"));
    }
    return absl::InternalError(absl::StrCat("cannot lock ", path, ": ", std::strerror(error)));
  }
  return std::unique_ptr<FileLock>(new FileLock(fd, mode));
}

FileLock::~FileLock() {
  if (mode_ == LockMode::kExclusive && ::ftruncate(fd_, 0) != 0) {
    // Only the description is lost; the lock itself is released below.
  }
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

absl::Status FileLock::DescribeHolder(absl::string_view description) {
  if (mode_ != LockMode::kExclusive) {
    return absl::FailedPreconditionError("only an exclusive holder describes itself");
  }
  const std::string text = absl::StrCat(description, "\n");
  if (::ftruncate(fd_, 0) != 0 ||
      ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    return absl::InternalError(absl::StrCat("cannot write the lock holder: ",
                                            std::strerror(errno)));
  }
  return absl::OkStatus();
}

std::string FileLock::ReadHolder(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return "";
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
  return *text;
}

std::string ThisProcessDescription() {
  char host[256] = {0};
  if (::gethostname(host, sizeof(host) - 1) != 0) std::strcpy(host, "?");
  return absl::StrCat("pid ", ::getpid(), " on ", host, " since ", UtcNow());
}

}  // namespace kdbench
