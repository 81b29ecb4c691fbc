// Dataset readers by name: a dataset is a manifest (datasets/NAME.json, or
// RegisterDatasetManifest for one kept outside this repository) plus a
// reader registered under the same name. The built-in readers are registered
// in built_in_readers.cc:
//   KDBENCH_REGISTER_DATASET_READER("my-data", ReadMyData);
//   KDBENCH_REGISTER_DATASET_READER("my-embedded", ReadMine, {.embedded = true});
// A library of registrations needs `alwayslink = True` in its Bazel target.
#ifndef KDBENCH_LIB_DATA_DATASET_READER_H_
#define KDBENCH_LIB_DATA_DATASET_READER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/util/name_registry.h"
#include "lib/data/corpus.h"
#include "lib/data/dataset_manifest.h"

namespace kdbench {

// Reads a dataset from `path` (a file or directory; "" for an embedded
// dataset's installed copy), with label ids in the manifest's order.
using DatasetReader =
    std::function<absl::StatusOr<Corpus>(const DatasetManifest& manifest, const std::string& path)>;

struct DatasetReaderTraits {
  // Installed with the suite (the bootstrap's Debian or npm packages): read
  // without --path. Otherwise an empty path is an error saying what to pass.
  bool embedded = false;
};

struct RegisteredDatasetReader {
  DatasetReader read;
  DatasetReaderTraits traits;
};

// A second registration of a name aborts at start-up. Returns true, for
// static initialisers.
bool RegisterDatasetReader(const std::string& name, DatasetReader read,
                           DatasetReaderTraits traits = {});

// nullptr for a name with no reader.
const RegisteredDatasetReader* FindDatasetReader(const std::string& name);

// Sorted.
std::vector<std::string> RegisteredDatasetReaders();

}  // namespace kdbench

// KDBENCH_REGISTER_DATASET_READER(name, reader[, traits]).
#define KDBENCH_REGISTER_DATASET_READER(name, ...)                                       \
  static const bool KDBENCH_REGISTRATION_CONCAT(kdbench_registered_reader_, __LINE__) = \
      ::kdbench::RegisterDatasetReader(name, __VA_ARGS__)

#endif  // KDBENCH_LIB_DATA_DATASET_READER_H_
