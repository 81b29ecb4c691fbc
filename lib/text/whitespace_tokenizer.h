// The paper's "RNN" baseline input: lower-cased words split at whitespace
// (punctuation stays attached), with a word vocabulary built from training
// text by frequency.
#ifndef KDBENCH_LIB_TEXT_WHITESPACE_TOKENIZER_H_
#define KDBENCH_LIB_TEXT_WHITESPACE_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "lib/text/vocabulary.h"

namespace kdbench {

// Full Unicode lower-casing; words split where Python's str.split() would.
std::vector<std::string> WhitespaceTokenize(absl::string_view text);

struct WordVocabularyOptions {
  int64_t min_count = 2;
  int max_size = 50000;  // including [PAD] and [UNK]
};

// Counts words, then keeps the most frequent (ties by text): [PAD]=0,
// [UNK]=1, then words by descending count.
class WordVocabularyBuilder {
 public:
  void AddText(absl::string_view text);
  absl::StatusOr<Vocabulary> Build(const WordVocabularyOptions& options) const;

 private:
  absl::flat_hash_map<std::string, int64_t> counts_;
};

// Ids of the whitespace tokens; unknown words map to [UNK].
std::vector<int32_t> EncodeWords(const Vocabulary& vocabulary,
                                 absl::string_view text);

}  // namespace kdbench

#endif  // KDBENCH_LIB_TEXT_WHITESPACE_TOKENIZER_H_
