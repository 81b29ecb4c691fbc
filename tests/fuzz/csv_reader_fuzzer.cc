// Hostile CSV (the AG News / DBpedia format).
#include <cstdint>

#include "lib/data/csv_reader.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kdbench;
  size_t fields_seen = 0;
  (void)ParseCsv(FuzzBytes(data, size), "fuzz.csv",
                 [&](const std::vector<std::string>& fields, int line) {
                   fields_seen += fields.size();
                   return absl::OkStatus();
                 });
  return 0;
}
