#include "lib/experiment/results_lock.h"

#include "absl/strings/str_cat.h"
#include "lib/util/status_macros.h"

namespace kdbench {

absl::StatusOr<std::vector<std::unique_ptr<FileLock>>> LockResults(const std::string& results_dir,
                                                                   bool reporting,
                                                                   const Shard& shard) {
  std::vector<std::unique_ptr<FileLock>> locks;
  const std::string path = results_dir + "/.lock";
  absl::StatusOr<std::unique_ptr<FileLock>> lock = FileLock::Acquire(
      path, reporting ? LockMode::kExclusive : LockMode::kShared, /*wait=*/false);
  if (absl::IsUnavailable(lock.status())) {
    std::string holder = FileLock::ReadHolder(path);
    if (holder.empty()) holder = "shards or phase runs that are adding cell records";
    return absl::UnavailableError(absl::StrCat(
        "results directory ", results_dir, " is in use by another run (", holder, "). ",
        reporting ? "Two runs reporting into one directory would overwrite each other's tables "
                    "and manifest."
                  : "It is writing the tables and manifest from the records this run would add.",
        " Wait for it to finish, or pass another --results_dir."));
  }
  if (!lock.ok()) return lock.status();
  if (reporting) {
    RETURN_IF_ERROR((*lock)->DescribeHolder(
        absl::StrCat(ThisProcessDescription(), ", reporting")));
  }
  locks.push_back(*std::move(lock));
  if (shard.count > 1) {
    const std::string shard_path =
        absl::StrCat(results_dir, "/shards/", shard.index, "-of-", shard.count, ".lock");
    absl::StatusOr<std::unique_ptr<FileLock>> shard_lock =
        FileLock::Acquire(shard_path, LockMode::kExclusive, /*wait=*/false);
    if (absl::IsUnavailable(shard_lock.status())) {
      return absl::UnavailableError(absl::StrCat("shard ", shard.index, "/", shard.count, " of ",
                                                 results_dir, " is already running (",
                                                 FileLock::ReadHolder(shard_path), ")"));
    }
    if (!shard_lock.ok()) return shard_lock.status();
    RETURN_IF_ERROR((*shard_lock)->DescribeHolder(ThisProcessDescription()));
    locks.push_back(*std::move(shard_lock));
  }
  return locks;
}

}  // namespace kdbench
