#include "lib/data/dataset_registry.h"

#include <map>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/data/data_directory.h"
#include "lib/data/dataset_manifest.h"
#include "lib/data/elec_reader.h"
#include "lib/data/fortunes_reader.h"
#include "lib/data/generic_reader.h"
#include "lib/data/imdb_reader.h"
#include "lib/data/spamassassin_reader.h"
#include "lib/data/wordnet_reader.h"
#include "lib/data/zhang_csv_reader.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

constexpr char kFortunesDirectory[] = "/usr/share/games/fortunes";
constexpr char kSpamAssassinInstallDir[] = "spam-assassin-0.2.3";
constexpr char kWordNetDirectory[] = "/usr/share/wordnet";
// A balanced test split of 1,000 glosses per class leaves "all" labels at
// 1,000 per class, twice the 500-per-class budget.
constexpr int64_t kWordNetTestPerClass = 1000;

absl::StatusOr<Corpus> ReadByName(const DatasetManifest& manifest,
                                  const std::string& path) {
  const std::string& name = manifest.name;
  const bool embedded = name == "spamassassin" || name == "fortunes" || name == "wordnet";
  if (path.empty() && !embedded) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset '", name, "' is read from your copy: pass ",
        manifest.path_hint.empty() ? "--path=FILE_OR_DIR" : manifest.path_hint,
        " (", manifest.description, ")"));
  }
  if (name == "spamassassin") {
    return ReadSpamAssassin(path.empty() ? DataDirectory() + "/" + kSpamAssassinInstallDir
                                         : path);
  }
  if (name == "fortunes") {
    return ReadFortunes(path.empty() ? kFortunesDirectory : path,
                        manifest.label_names);
  }
  if (name == "wordnet") {
    return ReadWordNetNouns({.directory = path.empty() ? kWordNetDirectory : path,
                             .classes = manifest.label_names,
                             .test_per_class = kWordNetTestPerClass});
  }
  if (name == "imdb") return ReadImdb(path);
  if (name == "elec") return ReadElec(path);
  if (name == "agnews" || name == "dbpedia") {
    return ReadZhangCsv(name, path, manifest.label_names);
  }
  if (name == "jsonl") return ReadGeneric(GenericFormat::kJsonLines, path);
  if (name == "tsv") return ReadGeneric(GenericFormat::kTsv, path);
  return absl::InternalError(absl::StrCat("no reader for manifest '", name, "'"));
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
