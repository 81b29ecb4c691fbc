// BERT's WordpieceTokenizer: greedy longest-match-first over a vocabulary,
// continuation pieces prefixed "##"; a word with any unmatched piece, or
// longer than max_chars code points, becomes [UNK] as a whole.
#ifndef KDBENCH_LIB_TEXT_WORDPIECE_TOKENIZER_H_
#define KDBENCH_LIB_TEXT_WORDPIECE_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lib/text/vocabulary.h"

namespace kdbench {

struct WordpieceOptions {
  int max_chars_per_word = 200;
};

class WordpieceTokenizer {
 public:
  // `vocabulary` must outlive the tokenizer.
  WordpieceTokenizer(const Vocabulary* vocabulary, WordpieceOptions options = {})
      : vocabulary_(vocabulary), options_(options) {}

  // Appends the pieces of one basic token (code points) as ids.
  void AppendIds(std::u32string_view word, std::vector<int32_t>* ids) const;

 private:
  const Vocabulary* vocabulary_;
  WordpieceOptions options_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_TEXT_WORDPIECE_TOKENIZER_H_
