#include "lib/text/wordpiece_tokenizer.h"

#include "lib/util/utf8.h"

namespace kdbench {

void WordpieceTokenizer::AppendIds(std::u32string_view word,
                                   std::vector<int32_t>* ids) const {
  if (word.size() > static_cast<size_t>(options_.max_chars_per_word)) {
    ids->push_back(vocabulary_->unk_id());
    return;
  }
  // The word in UTF-8 with the byte offset of every code point, so that a
  // candidate piece is a view: no allocation per probe.
  std::string utf8;
  std::vector<size_t> offsets;
  offsets.reserve(word.size() + 1);
  for (char32_t c : word) {
    offsets.push_back(utf8.size());
    AppendUtf8(c, &utf8);
  }
  offsets.push_back(utf8.size());

  const size_t first = ids->size();
  std::string continuation;  // "##" + the rest of the word
  size_t start = 0;
  while (start < word.size()) {
    absl::string_view rest(utf8.data() + offsets[start],
                           utf8.size() - offsets[start]);
    size_t prefix = 0;
    if (start > 0) {
      continuation.assign("##");
      continuation.append(rest.data(), rest.size());
      rest = continuation;
      prefix = 2;
    }
    int32_t piece_id = -1;
    size_t end = word.size();
    for (; end > start; --end) {
      std::optional<int32_t> id = vocabulary_->Find(
          rest.substr(0, prefix + offsets[end] - offsets[start]));
      if (id.has_value()) {
        piece_id = *id;
        break;
      }
    }
    if (piece_id < 0) {
      ids->resize(first);
      ids->push_back(vocabulary_->unk_id());
      return;
    }
    ids->push_back(piece_id);
    start = end;
  }
}

}  // namespace kdbench
