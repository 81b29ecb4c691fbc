#include "lib/data/dataset_manifest.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace kdbench {

extern const char* const kEmbeddedDatasetManifests[];

namespace {

DatasetManifest Parse(const char* text) {
  // The manifests are compiled in and covered by a test: a parse failure is
  // a build defect, not user input.
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) std::abort();
  DatasetManifest manifest;
  manifest.name = json.value("name", "");
  manifest.description = json.value("description", "");
  manifest.license = json.value("license", "");
  manifest.format = json.value("format", "");
  manifest.path_hint = json.value("path_hint", "");
  manifest.label_names =
      json.value("label_names", std::vector<std::string>{});
  if (json.contains("splits")) {
    for (const auto& [split, size] : json["splits"].items()) {
      manifest.expected_sizes[split] = size.get<int64_t>();
    }
  }
  if (json.contains("source")) manifest.source_json = json["source"].dump();
  return manifest;
}

std::map<std::string, DatasetManifest>& Manifests() {
  static auto* manifests = [] {
    auto* result = new std::map<std::string, DatasetManifest>();
    for (int i = 0; kEmbeddedDatasetManifests[i] != nullptr; ++i) {
      DatasetManifest manifest = Parse(kEmbeddedDatasetManifests[i]);
      (*result)[manifest.name] = manifest;
    }
    return result;
  }();
  return *manifests;
}

}  // namespace

bool RegisterDatasetManifest(const char* json) {
  DatasetManifest manifest = Parse(json);
  if (manifest.name.empty() || !Manifests().emplace(manifest.name, manifest).second) {
    std::fprintf(stderr, "kdbench: a dataset manifest without a name, or a second one for '%s'\n",
                 manifest.name.c_str());
    std::abort();
  }
  return true;
}

std::vector<std::string> DatasetNames() {
  std::vector<std::string> names;
  for (const auto& [name, manifest] : Manifests()) names.push_back(name);
  return names;
}

absl::StatusOr<DatasetManifest> FindDatasetManifest(absl::string_view name) {
  auto it = Manifests().find(std::string(name));
  if (it == Manifests().end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown dataset '", name,
                     "'; known: ", absl::StrJoin(DatasetNames(), ", ")));
  }
  return it->second;
}

}  // namespace kdbench
