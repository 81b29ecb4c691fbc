// Hostile JSON lines and TSV (a user's own data); the first byte picks the
// format.
#include <cstdint>

#include "lib/data/generic_reader.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kdbench;
  if (size == 0) return 0;
  const GenericFormat format = data[0] % 2 == 0 ? GenericFormat::kJsonLines : GenericFormat::kTsv;
  (void)ParseGeneric(format, FuzzBytes(data + 1, size - 1), "fuzz");
  return 0;
}
