// Hostile config.json files of BERT checkpoints: parsed (sizes, labels,
// the memory check before anything is allocated); a config that parses is
// written back and parsed again, and must read the same.
#include <cstdint>
#include <cstdlib>

#include "lib/models/bert_config.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kdbench;
  absl::StatusOr<BertConfig> config = ParseBertConfig(FuzzBytes(data, size), "config.json");
  if (!config.ok()) return 0;
  absl::StatusOr<BertConfig> again = ParseBertConfig(BertConfigToJson(*config), "again");
  if (!again.ok() || again->labels != config->labels ||
      again->num_hidden_layers != config->num_hidden_layers ||
      again->hidden_size != config->hidden_size) {
    std::abort();  // what the suite writes, it must read back
  }
  return 0;
}
