// Hostile --config files: read over the real profiles (the mini profile),
// then every dataset and role resolved.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "lib/experiment/grid_profile.h"
#include "lib/experiment/grid_spec.h"
#include "lib/util/runfiles.h"
#include "tests/fuzz/fuzz_input.h"

namespace {
std::string profiles_path;
}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  profiles_path = kdbench::FindRunfile("benchmarks/grids/profiles.toml");
  if (profiles_path.empty()) {
    std::fprintf(stderr, "grid_profile_fuzzer: benchmarks/grids/profiles.toml not in the runfiles\n");
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kdbench;
  static const std::string path = FuzzScratchPath("config.toml");
  WriteFuzzFile(path, FuzzBytes(data, size));
  absl::StatusOr<GridProfile> profile = LoadGridProfile(profiles_path, "mini", path);
  if (!profile.ok()) return 0;
  for (const std::string& dataset : profile->datasets()) {
    for (const std::string& role : KnownTeacherRoles()) (void)profile->Resolve(dataset, role);
  }
  (void)profile->Missing(profile->datasets(), KnownTeacherRoles());
  return 0;
}
