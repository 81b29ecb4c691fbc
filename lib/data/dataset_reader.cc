#include "lib/data/dataset_reader.h"

#include <utility>

#include "lib/util/name_registry.h"

namespace kdbench {
namespace {

NameRegistry<RegisteredDatasetReader>& Registry() {
  static auto* registry = new NameRegistry<RegisteredDatasetReader>("dataset reader");
  return *registry;
}

}  // namespace

bool RegisterDatasetReader(const std::string& name, DatasetReader read,
                           DatasetReaderTraits traits) {
  return Registry().Add(name, {std::move(read), traits});
}

const RegisteredDatasetReader* FindDatasetReader(const std::string& name) {
  return Registry().Find(name);
}

std::vector<std::string> RegisteredDatasetReaders() { return Registry().Names(); }

}  // namespace kdbench
