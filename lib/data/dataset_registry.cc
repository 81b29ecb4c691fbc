#include "lib/data/dataset_registry.h"

#include <map>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/data/dataset_manifest.h"
#include "lib/data/dataset_reader.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

absl::StatusOr<Corpus> ReadByName(const DatasetManifest& manifest, const std::string& path) {
  const RegisteredDatasetReader* reader = FindDatasetReader(manifest.name);
  if (reader == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset '", manifest.name, "' has a manifest but no registered reader; readers: ",
        absl::StrJoin(RegisteredDatasetReaders(), ", ")));
  }
  if (path.empty() && !reader->traits.embedded) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset '", manifest.name, "' is read from your copy: pass ",
        manifest.path_hint.empty() ? "--path=FILE_OR_DIR" : manifest.path_hint, " (",
        manifest.description, ")"));
  }
  return reader->read(manifest, path);
}

void CheckSizes(const DatasetManifest& manifest, Corpus* corpus) {
  auto check = [&](const std::string& split, size_t actual) {
    auto it = manifest.expected_sizes.find(split);
    if (it != manifest.expected_sizes.end() &&
        it->second != static_cast<int64_t>(actual)) {
      corpus->warnings.push_back(absl::StrCat(split, ": ", actual,
                                              " examples, the manifest expects ",
                                              it->second));
    }
  };
  check("train", corpus->train.size());
  check("test", corpus->test.size());
  check("unlabeled", corpus->unlabeled.size());
  check("all", corpus->train.size() + corpus->test.size() +
                   corpus->unlabeled.size());
}

}  // namespace

absl::StatusOr<Corpus> ReadDataset(absl::string_view name,
                                   const DatasetReadOptions& options) {
  ASSIGN_OR_RETURN(DatasetManifest manifest, FindDatasetManifest(name));
  ASSIGN_OR_RETURN(Corpus corpus, ReadByName(manifest, options.path));
  CheckSizes(manifest, &corpus);
  return corpus;
}

absl::StatusOr<std::shared_ptr<const Corpus>> ReadDatasetShared(
    absl::string_view name, const DatasetReadOptions& options) {
  static std::mutex mutex;
  static auto* read = new std::map<std::string, std::shared_ptr<const Corpus>>();
  const std::string key = absl::StrCat(name, "\n", options.path);
  std::lock_guard<std::mutex> lock(mutex);
  if (auto found = read->find(key); found != read->end()) return found->second;
  ASSIGN_OR_RETURN(Corpus corpus, ReadDataset(name, options));
  auto shared = std::make_shared<const Corpus>(std::move(corpus));
  read->emplace(key, shared);
  return shared;
}

}  // namespace kdbench
