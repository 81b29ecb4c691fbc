// UTF-8 <-> code points.
#ifndef KDBENCH_LIB_UTIL_UTF8_H_
#define KDBENCH_LIB_UTIL_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace kdbench {

// Decodes UTF-8, dropping every byte that is not part of a well-formed
// sequence (overlong forms, surrogates, code points above U+10FFFF, stray
// continuation bytes, truncated sequences). This is what BERT's original
// FullTokenizer does (bytes.decode("utf-8", "ignore")), so token ids match it
// on any input. `dropped_bytes`, if given, receives the number dropped.
std::u32string DecodeUtf8Lenient(absl::string_view text,
                                 size_t* dropped_bytes = nullptr);

// True if `text` is well-formed UTF-8.
bool IsValidUtf8(absl::string_view text);

// Appends the UTF-8 encoding of `code_point` (must be a scalar value).
void AppendUtf8(char32_t code_point, std::string* out);

std::string EncodeUtf8(std::u32string_view code_points);

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_UTF8_H_
