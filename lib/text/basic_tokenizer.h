// BERT's BasicTokenizer: text cleaning, spaces around CJK ideographs,
// whitespace splitting, optional lower-casing with accent stripping, and
// punctuation splitting; exactly as Google's original tokenization.py.
#ifndef KDBENCH_LIB_TEXT_BASIC_TOKENIZER_H_
#define KDBENCH_LIB_TEXT_BASIC_TOKENIZER_H_

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
  std::vector<std::u32string> TokenizeToCodePoints(
      absl::string_view text) const;

 private:
  void AppendWord(std::u32string word,
                  std::vector<std::u32string>* tokens) const;

  BasicTokenizerOptions options_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_TEXT_BASIC_TOKENIZER_H_
