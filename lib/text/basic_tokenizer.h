// BERT's BasicTokenizer: text cleaning, spaces around CJK ideographs,
// whitespace splitting, optional lower-casing with accent stripping, and
// punctuation splitting; exactly as Google's original tokenization.py.
#ifndef KDBENCH_LIB_TEXT_BASIC_TOKENIZER_H_
#define KDBENCH_LIB_TEXT_BASIC_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace kdbench {

struct BasicTokenizerOptions {
  // Uncased models: lower-case, then NFD and drop nonspacing marks.
  bool lower_case = true;
};

class BasicTokenizer {
 public:
  explicit BasicTokenizer(BasicTokenizerOptions options = {})
      : options_(options) {}

  // Tokens in UTF-8. Invalid UTF-8 bytes are dropped (see DecodeUtf8Lenient).
  std::vector<std::string> Tokenize(absl::string_view text) const;

  // The same, as code points (what WordPiece needs to count characters).
  // With max_tokens, stops once that many are known: they are the first
  // max_tokens of the whole text's (each depends only on the text before
  // it), and a long document truncated for a model need not be read on.
  std::vector<std::u32string> TokenizeToCodePoints(
      absl::string_view text, size_t max_tokens = SIZE_MAX) const;

 private:
  void AppendWord(std::u32string word,
                  std::vector<std::u32string>* tokens) const;

  BasicTokenizerOptions options_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_TEXT_BASIC_TOKENIZER_H_
