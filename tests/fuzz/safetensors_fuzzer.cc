// Hostile safetensors checkpoints: the header parser on every input; a file
// whose header parses is then opened (memory-mapped) and every tensor read,
// so offsets and shapes are checked against the real file.
#include <cstdint>
#include <string>

#include "lib/models/safetensors.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kdbench;
  const absl::string_view bytes = FuzzBytes(data, size);
  absl::StatusOr<SafetensorsHeader> header = ParseSafetensorsHeader(bytes, size, "fuzz");
  // A file shorter than its header claims: the parser must refuse it too.
  if (size > 9) (void)ParseSafetensorsHeader(bytes.substr(0, size / 2), size, "fuzz");
  if (!header.ok()) return 0;
  static const std::string path = FuzzScratchPath("checkpoint.safetensors");
  WriteFuzzFile(path, bytes);
  absl::StatusOr<SafetensorsFile> file = SafetensorsFile::Open(path);
  if (!file.ok()) return 0;
  for (const SafetensorsEntry& entry : file->header().entries) (void)file->Tensor(entry.name);
  return 0;
}
