// Reading a dataset by name: the one entry point for every grid and command.
// Names: imdb, elec, dbpedia, agnews (the paper's, from --path),
// spamassassin, fortunes (embedded), jsonl, tsv (your own, from --path).
#ifndef KDBENCH_LIB_DATA_DATASET_REGISTRY_H_
#define KDBENCH_LIB_DATA_DATASET_REGISTRY_H_

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

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_DATASET_REGISTRY_H_
