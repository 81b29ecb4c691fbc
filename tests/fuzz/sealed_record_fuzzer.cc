// Hostile cell records, as `./kdbench merge` imports them from shards run
// elsewhere: the seal (checksum over the canonical record) is checked, and
// only an intact record is accepted.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lib/experiment/sealed_record.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kdbench;
  const std::string bytes(FuzzBytes(data, size));
  absl::StatusOr<std::string> record = UnsealRecord(bytes, "cells/fuzz.json");
  if (!record.ok()) return 0;
  // An intact record seals to one that unseals to the same record.
  absl::StatusOr<std::string> again = UnsealRecord(SealRecord(*record), "again");
  if (!again.ok() || *again != *record) std::abort();
  return 0;
}
