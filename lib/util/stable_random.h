// A random generator whose sequence is fixed by this file alone (std::
// distributions and std::shuffle differ between standard libraries), so
// splits and samples are identical on every machine.
#ifndef KDBENCH_LIB_UTIL_STABLE_RANDOM_H_
#define KDBENCH_LIB_UTIL_STABLE_RANDOM_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace kdbench {

class StableRandom {
 public:
  explicit StableRandom(uint64_t seed) : state_(seed) {}
  // Seeded from the SHA-256 of `key` (e.g. a content hash plus options).
  static StableRandom FromKey(absl::string_view key);

  // SplitMix64.
  uint64_t Next();
  // Uniform in [0, bound), bound > 0, without modulo bias.
  uint64_t Uniform(uint64_t bound);

  // Fisher-Yates.
  template <typename T>
  void Shuffle(std::vector<T>* values) {
    for (size_t i = values->size(); i > 1; --i) {
      std::swap((*values)[i - 1], (*values)[Uniform(i)]);
    }
  }

 private:
  uint64_t state_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_STABLE_RANDOM_H_
