#include "lib/util/stable_random.h"

#include "lib/util/content_hash.h"

namespace kdbench {

StableRandom StableRandom::FromKey(absl::string_view key) {
  const std::string hex = Sha256Hex(key);
  uint64_t seed = 0;
  for (int i = 0; i < 16; ++i) {
    const char c = hex[i];
    seed = (seed << 4) | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return StableRandom(seed);
}

uint64_t StableRandom::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t StableRandom::Uniform(uint64_t bound) {
  // Reject the top partial range so every residue is equally likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t value;
  do {
    value = Next();
  } while (value >= limit);
  return value % bound;
}

}  // namespace kdbench
