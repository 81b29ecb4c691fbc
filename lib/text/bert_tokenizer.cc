#include "lib/text/bert_tokenizer.h"

#include <utility>

#include "lib/util/status_macros.h"

namespace kdbench {

BertTokenizer::BertTokenizer(Vocabulary vocabulary,
                             BertTokenizerOptions options)
    : vocabulary_(std::make_unique<Vocabulary>(std::move(vocabulary))),
      basic_(BasicTokenizerOptions{.lower_case = options.lower_case}),
      wordpiece_(vocabulary_.get(),
                 WordpieceOptions{.max_chars_per_word =
                                      options.max_chars_per_word}) {}

absl::StatusOr<BertTokenizer> BertTokenizer::FromVocabFile(
    const std::string& path, BertTokenizerOptions options) {
  ASSIGN_OR_RETURN(Vocabulary vocabulary, Vocabulary::FromFile(path));
  return BertTokenizer(std::move(vocabulary), options);
}

std::vector<int32_t> BertTokenizer::Encode(absl::string_view text, size_t max_ids) const {
  std::vector<int32_t> ids;
  for (const std::u32string& word : basic_.TokenizeToCodePoints(text, max_ids)) {
    wordpiece_.AppendIds(word, &ids);
    if (ids.size() >= max_ids) break;
  }
  if (ids.size() > max_ids) ids.resize(max_ids);
  return ids;
}

std::vector<std::string> BertTokenizer::Tokenize(absl::string_view text) const {
  std::vector<std::string> tokens;
  for (int32_t id : Encode(text)) tokens.push_back(vocabulary_->Token(id));
  return tokens;
}

}  // namespace kdbench
