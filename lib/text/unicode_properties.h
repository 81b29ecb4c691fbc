// The character classes and transformations of BERT's original tokenizer,
// from ICU's Unicode data (not hand-written tables).
#ifndef KDBENCH_LIB_TEXT_UNICODE_PROPERTIES_H_
#define KDBENCH_LIB_TEXT_UNICODE_PROPERTIES_H_

#include <string>

namespace kdbench {

// Removed by BERT's text cleaning: general category Cc or Cf, except
// tab, newline and carriage return.
bool IsBertControl(char32_t c);

// Turned into a space by BERT's text cleaning: ' ', \t, \n, \r or Zs.
bool IsBertWhitespace(char32_t c);

// Python's str.isspace(), which str.split() uses to cut words: category Zs or
// bidirectional class WS, B or S. Differs from IsBertWhitespace for
// U+2028/U+2029, which survive cleaning and still separate words.
bool IsPythonSpace(char32_t c);

// ASCII symbols (33-47, 58-64, 91-96, 123-126) or any category P*.
bool IsBertPunctuation(char32_t c);

// The CJK Unified Ideograph blocks BERT surrounds with spaces.
bool IsCjkIdeograph(char32_t c);

// General category Mn (removed after NFD by accent stripping).
bool IsNonspacingMark(char32_t c);

// Full Unicode lower-case mapping (root locale), as Python's str.lower().
std::u32string ToLowerFull(std::u32string_view text);

// Canonical decomposition (NFD).
std::u32string ToNfd(std::u32string_view text);

}  // namespace kdbench

#endif  // KDBENCH_LIB_TEXT_UNICODE_PROPERTIES_H_
