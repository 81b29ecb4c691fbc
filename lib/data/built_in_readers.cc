// The suite's dataset readers, registered by name (dataset_reader.h): the
// paper's four (read from the user's copy), the three embedded ones and the
// two generic formats.
#include "lib/data/data_directory.h"
#include "lib/data/dataset_reader.h"
#include "lib/data/elec_reader.h"
#include "lib/data/fortunes_reader.h"
#include "lib/data/generic_reader.h"
#include "lib/data/imdb_reader.h"
#include "lib/data/spamassassin_reader.h"
#include "lib/data/wordnet_reader.h"
#include "lib/data/zhang_csv_reader.h"

namespace kdbench {
namespace {

constexpr char kFortunesDirectory[] = "/usr/share/games/fortunes";
constexpr char kSpamAssassinInstallDir[] = "spam-assassin-0.2.3";
constexpr char kWordNetDirectory[] = "/usr/share/wordnet";
// A balanced test split of 1,000 glosses per class leaves "all" labels at
// 1,000 per class, twice the 500-per-class budget.
constexpr int64_t kWordNetTestPerClass = 1000;

std::string OrDefault(const std::string& path, const std::string& installed) {
  return path.empty() ? installed : path;
}

absl::StatusOr<Corpus> SpamAssassin(const DatasetManifest&, const std::string& path) {
  return ReadSpamAssassin(OrDefault(path, DataDirectory() + "/" + kSpamAssassinInstallDir));
}

absl::StatusOr<Corpus> Fortunes(const DatasetManifest& manifest, const std::string& path) {
  return ReadFortunes(OrDefault(path, kFortunesDirectory), manifest.label_names);
}

absl::StatusOr<Corpus> WordNet(const DatasetManifest& manifest, const std::string& path) {
  return ReadWordNetNouns({.directory = OrDefault(path, kWordNetDirectory),
                           .classes = manifest.label_names,
                           .test_per_class = kWordNetTestPerClass});
}

absl::StatusOr<Corpus> Imdb(const DatasetManifest&, const std::string& path) {
  return ReadImdb(path);
}

absl::StatusOr<Corpus> Elec(const DatasetManifest&, const std::string& path) {
  return ReadElec(path);
}

absl::StatusOr<Corpus> ZhangCsv(const DatasetManifest& manifest, const std::string& path) {
  return ReadZhangCsv(manifest.name, path, manifest.label_names);
}

DatasetReader Generic(GenericFormat format) {
  return [format](const DatasetManifest&, const std::string& path) {
    return ReadGeneric(format, path);
  };
}

}  // namespace

KDBENCH_REGISTER_DATASET_READER("spamassassin", SpamAssassin, {.embedded = true});
KDBENCH_REGISTER_DATASET_READER("fortunes", Fortunes, {.embedded = true});
KDBENCH_REGISTER_DATASET_READER("wordnet", WordNet, {.embedded = true});
KDBENCH_REGISTER_DATASET_READER("imdb", Imdb);
KDBENCH_REGISTER_DATASET_READER("elec", Elec);
KDBENCH_REGISTER_DATASET_READER("agnews", ZhangCsv);
KDBENCH_REGISTER_DATASET_READER("dbpedia", ZhangCsv);
KDBENCH_REGISTER_DATASET_READER("jsonl", Generic(GenericFormat::kJsonLines));
KDBENCH_REGISTER_DATASET_READER("tsv", Generic(GenericFormat::kTsv));

}  // namespace kdbench
