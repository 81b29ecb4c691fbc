// BERT's FullTokenizer: BasicTokenizer then WordPiece. Gives the tokens and
// ids of Google's original implementation, uncased and cased.
#ifndef KDBENCH_LIB_TEXT_BERT_TOKENIZER_H_
#define KDBENCH_LIB_TEXT_BERT_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/text/basic_tokenizer.h"
#include "lib/text/vocabulary.h"
#include "lib/text/wordpiece_tokenizer.h"

namespace kdbench {

struct BertTokenizerOptions {
  bool lower_case = true;
  int max_chars_per_word = 200;
};

class BertTokenizer {
 public:
  BertTokenizer(Vocabulary vocabulary, BertTokenizerOptions options = {});

  // Reads vocab.txt (errors name the file and line).
  static absl::StatusOr<BertTokenizer> FromVocabFile(
      const std::string& path, BertTokenizerOptions options = {});

  // With max_ids: the first max_ids ids of the whole text's encoding, found
  // without reading past them (every word gives at least one id).
  std::vector<int32_t> Encode(absl::string_view text, size_t max_ids = SIZE_MAX) const;
  std::vector<std::string> Tokenize(absl::string_view text) const;

  const Vocabulary& vocabulary() const { return *vocabulary_; }

 private:
  // Heap-held so the WordPiece tokenizer's pointer survives moves.
  std::unique_ptr<Vocabulary> vocabulary_;
  BasicTokenizer basic_;
  WordpieceTokenizer wordpiece_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_TEXT_BERT_TOKENIZER_H_
