// Dataset manifests (datasets/*.json, compiled in): source, license, format,
// label names in the order the models use, and expected split sizes.
#ifndef KDBENCH_LIB_DATA_DATASET_MANIFEST_H_
#define KDBENCH_LIB_DATA_DATASET_MANIFEST_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

struct DatasetManifest {
  std::string name;
  std::string description;
  std::string license;
  std::string format;
  std::string path_hint;
  // Label ids are indices into this list. Empty for the generic formats,
  // whose labels come from the data.
  std::vector<std::string> label_names;
  // Expected number of examples per split ("train", "test", "unlabeled",
  // "all"); readers check them.
  std::map<std::string, int64_t> expected_sizes;
  std::string source_json;  // the "source" object, for provenance
};

// The manifest of dataset `name`; an unknown name is an InvalidArgumentError
// listing the known ones.
absl::StatusOr<DatasetManifest> FindDatasetManifest(absl::string_view name);

// Adds the manifest of a dataset kept outside datasets/ (a library of one's
// own registering its reader too): the same JSON as datasets/*.json. A
// malformed one, or a second one for a name, aborts at start-up. Returns
// true, for static initialisers.
bool RegisterDatasetManifest(const char* json);

// Names of all datasets, sorted.
std::vector<std::string> DatasetNames();

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_DATASET_MANIFEST_H_
