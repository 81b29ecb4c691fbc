// Content hashing for cache keys (SHA-256 from OpenSSL).
//
// A cache key must change whenever anything the artifact depends on changes,
// and must never collide for different inputs. ContentHasher therefore hashes
// typed, length-prefixed fields: ("ab", "c") and ("a", "bc") differ, as do
// the string "1" and the integer 1.
#ifndef KDBENCH_LIB_UTIL_CONTENT_HASH_H_
#define KDBENCH_LIB_UTIL_CONTENT_HASH_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

// SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(absl::string_view data);

// SHA-256 of a file's bytes, streamed; errors name the file.
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);

// Accumulates named, typed fields into one SHA-256 digest.
//   ContentHasher h("teacher-outputs/v1");
//   h.Add("config", config_json).Add("seed", int64_t{42});
//   std::string key = h.HexDigest();
class ContentHasher {
 public:
  // `domain` separates key spaces (kind of artifact and its code version).
  explicit ContentHasher(absl::string_view domain);
  ~ContentHasher();
  ContentHasher(const ContentHasher&) = delete;
  ContentHasher& operator=(const ContentHasher&) = delete;

  ContentHasher& Add(absl::string_view name, absl::string_view bytes);
  ContentHasher& Add(absl::string_view name, const char* text) {
    return Add(name, absl::string_view(text));
  }
  ContentHasher& Add(absl::string_view name, int64_t value);
  ContentHasher& Add(absl::string_view name, double value);

  // Final digest as 64 hex digits. The hasher cannot be used afterwards.
  std::string HexDigest();

 private:
  void AddField(char type, absl::string_view name, absl::string_view bytes);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_CONTENT_HASH_H_
