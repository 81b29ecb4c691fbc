// Reading a dataset by name: the one entry point for every grid and command.
// A dataset is its manifest and its registered reader (dataset_reader.h);
// this target links the built-in ones: imdb, elec, dbpedia, agnews (the
// paper's, from --path), spamassassin, fortunes, wordnet (embedded), jsonl,
// tsv (your own, from --path).
#ifndef KDBENCH_LIB_DATA_DATASET_REGISTRY_H_
#define KDBENCH_LIB_DATA_DATASET_REGISTRY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/data/corpus.h"

namespace kdbench {

struct DatasetReadOptions {
  // Dataset location; the embedded datasets default to their installed place.
  std::string path;
};

// An unknown name lists the known ones; a paper dataset without a path says
// what to pass. Split sizes that differ from the manifest become
// Corpus::warnings.
absl::StatusOr<Corpus> ReadDataset(absl::string_view name,
                                   const DatasetReadOptions& options);

// ReadDataset once per process for each (name, path): later calls share the
// first read's corpus. A grid's cells read the same dataset many times, and
// reading (parsing e-mail, for SpamAssassin) costs about a second each time;
// the files are not expected to change while a grid runs. Errors are not
// kept: a failed read is tried again.
absl::StatusOr<std::shared_ptr<const Corpus>> ReadDatasetShared(
    absl::string_view name, const DatasetReadOptions& options);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_DATASET_REGISTRY_H_
