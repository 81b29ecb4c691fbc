// A WordPiece vocabulary: one token per line, id = line number (0-based), as
// BERT's vocab.txt.
#ifndef KDBENCH_LIB_TEXT_VOCABULARY_H_
#define KDBENCH_LIB_TEXT_VOCABULARY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

inline constexpr absl::string_view kPadToken = "[PAD]";
inline constexpr absl::string_view kUnkToken = "[UNK]";
inline constexpr absl::string_view kClsToken = "[CLS]";
inline constexpr absl::string_view kSepToken = "[SEP]";
inline constexpr absl::string_view kMaskToken = "[MASK]";

class Vocabulary {
 public:
  // Reads a vocab.txt. Each line, stripped of surrounding whitespace, is a
  // token (as BERT's load_vocab). Errors name the file and line: invalid
  // UTF-8, a duplicate token (BERT would silently keep the last id; real
  // vocabularies have none, so a duplicate signals a damaged file), a
  // missing [UNK], an empty file.
  static absl::StatusOr<Vocabulary> FromFile(const std::string& path);

  // Builds from tokens in id order; same checks, `source` names the origin.
  static absl::StatusOr<Vocabulary> FromTokens(std::vector<std::string> tokens,
                                               absl::string_view source);

  std::optional<int32_t> Find(absl::string_view token) const;
  const std::string& Token(int32_t id) const { return tokens_[id]; }
  int32_t size() const { return static_cast<int32_t>(tokens_.size()); }

  // Ids of the special tokens; [UNK] is required, the others may be absent
  // (then -1) for vocabularies that do not use them.
  int32_t unk_id() const { return unk_id_; }
  int32_t pad_id() const { return pad_id_; }
  int32_t cls_id() const { return cls_id_; }
  int32_t sep_id() const { return sep_id_; }
  int32_t mask_id() const { return mask_id_; }

  // The vocabulary as vocab.txt text (one token per line).
  std::string ToText() const;

 private:
  Vocabulary() = default;

  std::vector<std::string> tokens_;
  absl::flat_hash_map<std::string, int32_t> ids_;
  int32_t unk_id_ = -1;
  int32_t pad_id_ = -1;
  int32_t cls_id_ = -1;
  int32_t sep_id_ = -1;
  int32_t mask_id_ = -1;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_TEXT_VOCABULARY_H_
