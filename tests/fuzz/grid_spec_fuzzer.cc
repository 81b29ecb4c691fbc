// Hostile grid files: parsed, and expanded when they parse.
#include <cstdint>

#include "lib/experiment/grid_spec.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kdbench;
  absl::StatusOr<GridSpec> spec = ParseGridSpec(FuzzBytes(data, size), "fuzz.toml");
  if (!spec.ok()) return 0;
  absl::StatusOr<std::vector<GridCell>> cells = ExpandGrid(*spec, {"spamassassin"}, {1, 2, 3});
  if (cells.ok()) {
    for (const GridCell& cell : *cells) (void)cell.Name();
  }
  return 0;
}
