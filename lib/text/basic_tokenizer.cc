#include "lib/text/basic_tokenizer.h"

#include <utility>

#include "lib/text/unicode_properties.h"
#include "lib/util/utf8.h"

namespace kdbench {
namespace {

bool IsAscii(std::u32string_view word) {
  for (char32_t c : word) {
    if (c >= 0x80) return false;
  }
  return true;
}

// Lower-case, then NFD without nonspacing marks.
std::u32string LowerAndStripAccents(std::u32string_view word) {
  if (IsAscii(word)) {  // fast path: ASCII needs neither ICU call
    std::u32string out(word);
    for (char32_t& c : out) {
      if (c >= U'A' && c <= U'Z') c += U'a' - U'A';
    }
    return out;
  }
  std::u32string decomposed = ToNfd(ToLowerFull(word));
  std::u32string out;
  out.reserve(decomposed.size());
  for (char32_t c : decomposed) {
    if (!IsNonspacingMark(c)) out.push_back(c);
  }
  return out;
}

}  // namespace

void BasicTokenizer::AppendWord(std::u32string word,
                                std::vector<std::u32string>* tokens) const {
  if (options_.lower_case) word = LowerAndStripAccents(word);
  // Each punctuation character is a token of its own.
  std::u32string current;
  for (char32_t c : word) {
    if (IsBertPunctuation(c)) {
      if (!current.empty()) tokens->push_back(std::move(current));
      current.clear();
      tokens->push_back(std::u32string(1, c));
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) tokens->push_back(std::move(current));
}

std::vector<std::u32string> BasicTokenizer::TokenizeToCodePoints(
    absl::string_view text, size_t max_tokens) const {
  const std::u32string code_points = DecodeUtf8Lenient(text);
  std::vector<std::u32string> tokens;
  std::u32string word;
  auto end_word = [&]() {
    if (!word.empty()) AppendWord(std::move(word), &tokens);
    word.clear();
  };
  for (char32_t c : code_points) {
    // Cleaning: drop NUL, U+FFFD and control characters; BERT whitespace
    // becomes a word break, as does anything Python's split() cuts at.
    if (c == 0 || c == 0xFFFD || IsBertControl(c)) continue;
    if (IsBertWhitespace(c) || IsPythonSpace(c)) {
      end_word();
    } else if (IsCjkIdeograph(c)) {
      end_word();
      word.push_back(c);
      end_word();
    } else {
      word.push_back(c);
    }
    if (tokens.size() >= max_tokens) break;
  }
  end_word();
  if (tokens.size() > max_tokens) tokens.resize(max_tokens);
  return tokens;
}

std::vector<std::string> BasicTokenizer::Tokenize(
    absl::string_view text) const {
  std::vector<std::string> tokens;
  for (const std::u32string& token : TokenizeToCodePoints(text)) {
    tokens.push_back(EncodeUtf8(token));
  }
  return tokens;
}

}  // namespace kdbench
