#include "lib/text/vocabulary.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/util/utf8.h"
#include "lib/util/atomic_file.h"
#include "lib/util/status_macros.h"

namespace kdbench {

absl::StatusOr<Vocabulary> Vocabulary::FromFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  std::vector<std::string> tokens;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (!IsValidUtf8(line)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_number, ": invalid UTF-8"));
    }
    tokens.emplace_back(absl::StripAsciiWhitespace(line));
  }
  // A final newline leaves one empty piece that is not a line.
  if (!text.empty() && text.back() == '\n') tokens.pop_back();
  return FromTokens(std::move(tokens), path);
}

absl::StatusOr<Vocabulary> Vocabulary::FromTokens(
    std::vector<std::string> tokens, absl::string_view source) {
  if (tokens.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": empty vocabulary"));
  }
  Vocabulary vocabulary;
  vocabulary.ids_.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    auto [it, inserted] =
        vocabulary.ids_.try_emplace(tokens[i], static_cast<int32_t>(i));
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ":", i + 1, ": duplicate token '", tokens[i],
          "' (first on line ", it->second + 1, ")"));
    }
  }
  vocabulary.tokens_ = std::move(tokens);
  auto id_of = [&vocabulary](absl::string_view token) {
    return vocabulary.Find(token).value_or(-1);
  };
  vocabulary.unk_id_ = id_of(kUnkToken);
  vocabulary.pad_id_ = id_of(kPadToken);
  vocabulary.cls_id_ = id_of(kClsToken);
  vocabulary.sep_id_ = id_of(kSepToken);
  vocabulary.mask_id_ = id_of(kMaskToken);
  if (vocabulary.unk_id_ < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": no [UNK] token in the vocabulary"));
  }
  return vocabulary;
}

std::optional<int32_t> Vocabulary::Find(absl::string_view token) const {
  auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::string Vocabulary::ToText() const {
  std::string text;
  for (const std::string& token : tokens_) absl::StrAppend(&text, token, "\n");
  return text;
}

}  // namespace kdbench
