// A content-addressed, on-disk cache of teacher outputs, so that every grid
// cell, schedule, budget and seed reuses one forward pass per transfer
// example.
//
// Keyed by (teacher checkpoint hash, tokenizer hash, max length) for the
// store, and by the SHA-256 of each example's text within it. Entries are
// written in chunks: safetensors files (text_hash, logits, probabilities,
// log_odds, cls, pooled) whose metadata carries a SHA-256 of their data,
// written atomically. A chunk that fails to parse or whose checksum differs
// is set aside (renamed *.corrupt) and its examples are recomputed. Chunks
// hold at most 16,384 examples and are written as they are computed; rows
// are read per request, so a 500K-example transfer set need not fit in
// memory at once (ask in slices).
#ifndef KDBENCH_LIB_DISTILL_TEACHER_OUTPUT_CACHE_H_
#define KDBENCH_LIB_DISTILL_TEACHER_OUTPUT_CACHE_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace kdbench {

struct TeacherOutputCacheKey {
  std::string teacher_hash;
  std::string tokenizer_hash;
  int64_t max_length = 128;
  // How the outputs are computed (batching, precision); a change makes
  // stored outputs stale, so it is part of the key.
  std::string computation = "v1";
};

// Rows aligned with the requested texts.
struct CachedTeacherOutputs {
  at::Tensor logits, probabilities, log_odds;  // [n, labels]
  at::Tensor cls, pooled;                      // [n, hidden]
};

struct TeacherOutputCacheCounters {
  int64_t computed = 0;        // teacher forward passes (examples) this process made
  int64_t reused = 0;          // examples served from the cache
  int64_t corrupt_chunks = 0;  // chunks detected as damaged and set aside
};

class TeacherOutputCache {
 public:
  // `compute` receives texts the cache lacks and returns their outputs.
  using ComputeFunction =
      std::function<absl::StatusOr<CachedTeacherOutputs>(const std::vector<std::string>& texts)>;

  // Opens (creating) <root>/<hash of key>/ and indexes its chunks,
  // verifying each one's checksum.
  static absl::StatusOr<TeacherOutputCache> Open(const std::string& root,
                                                 const TeacherOutputCacheKey& key);

  // Outputs for `texts` (duplicates allowed), computing and storing what is
  // missing in new chunks. No texts: undefined tensors.
  absl::StatusOr<CachedTeacherOutputs> GetOrCompute(const std::vector<std::string>& texts,
                                                    const ComputeFunction& compute);

  // Computes and stores what `texts` lack, in chunks of consecutive missing
  // texts: given the same texts in the same order, the same chunks, however
  // many of them an interrupted run had finished.
  absl::Status Complete(const std::vector<std::string>& texts, const ComputeFunction& compute);

  const TeacherOutputCacheCounters& counters() const { return counters_; }
  const std::string& directory() const { return directory_; }
  int64_t size() const { return static_cast<int64_t>(index_.size()); }

 private:
  // Complete, with the texts' hashes (RawSha256) already computed.
  absl::Status CompleteHashed(const std::vector<std::string>& texts,
                              const std::vector<std::string>& hashes,
                              const ComputeFunction& compute);

  struct Location {
    int32_t chunk;
    int64_t row;
  };

  absl::Status IndexChunk(const std::string& path);
  absl::Status AppendChunk(const std::vector<std::string>& hashes,
                           const CachedTeacherOutputs& outputs);

  std::string directory_;
  std::vector<std::string> chunks_;
  absl::flat_hash_map<std::string, Location> index_;  // raw 32-byte text hash -> row
  TeacherOutputCacheCounters counters_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_TEACHER_OUTPUT_CACHE_H_
