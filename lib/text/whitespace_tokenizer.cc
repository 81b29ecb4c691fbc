#include "lib/text/whitespace_tokenizer.h"

#include <algorithm>

#include "lib/text/unicode_properties.h"
#include "lib/util/utf8.h"

namespace kdbench {

std::vector<std::string> WhitespaceTokenize(absl::string_view text) {
  std::vector<std::string> words;
  std::u32string word;
  auto finish = [&]() {
    if (!word.empty()) words.push_back(EncodeUtf8(ToLowerFull(word)));
    word.clear();
  };
  for (char32_t c : DecodeUtf8Lenient(text)) {
    if (IsPythonSpace(c)) {
      finish();
    } else {
      word.push_back(c);
    }
  }
  finish();
  return words;
}

void WordVocabularyBuilder::AddText(absl::string_view text) {
  for (std::string& word : WhitespaceTokenize(text)) ++counts_[std::move(word)];
}

absl::StatusOr<Vocabulary> WordVocabularyBuilder::Build(
    const WordVocabularyOptions& options) const {
  std::vector<std::pair<int64_t, std::string>> ranked;
  for (const auto& [word, count] : counts_) {
    if (count >= options.min_count) ranked.push_back({-count, word});
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> tokens = {"[PAD]", "[UNK]"};
  for (const auto& [negative_count, word] : ranked) {
    if (static_cast<int>(tokens.size()) >= options.max_size) break;
    if (word == "[PAD]" || word == "[UNK]") continue;
    tokens.push_back(word);
  }
  return Vocabulary::FromTokens(std::move(tokens), "word vocabulary");
}

std::vector<int32_t> EncodeWords(const Vocabulary& vocabulary,
                                 absl::string_view text) {
  std::vector<int32_t> ids;
  for (const std::string& word : WhitespaceTokenize(text)) {
    ids.push_back(vocabulary.Find(word).value_or(vocabulary.unk_id()));
  }
  return ids;
}

}  // namespace kdbench
