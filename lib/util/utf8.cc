#include "lib/util/utf8.h"

namespace kdbench {
namespace {

// Length of the well-formed sequence starting at text[i], with its code
// point, or 0 when the bytes there are not one (Unicode Table 3-7).
size_t DecodeOne(absl::string_view text, size_t i, char32_t* code_point) {
  const auto byte = [&](size_t k) {
    return static_cast<unsigned char>(text[i + k]);
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  size_t length;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the 2nd byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
  }
  char32_t value = lead & (0xFF >> (length + 1));
  for (size_t k = 1; k < length; ++k) value = (value << 6) | (byte(k) & 0x3F);
  *code_point = value;
  return length;
}

}  // namespace

std::u32string DecodeUtf8Lenient(absl::string_view text,
                                 size_t* dropped_bytes) {
  std::u32string out;
  out.reserve(text.size());
  size_t dropped = 0;
  for (size_t i = 0; i < text.size();) {
    char32_t code_point;
    size_t length = DecodeOne(text, i, &code_point);
    if (length == 0) {
      // Continuation bytes never start a sequence, so skipping one byte at a
      // time drops exactly the bytes Python's "ignore" handler drops.
      ++dropped;
      ++i;
      continue;
    }
    out.push_back(code_point);
    i += length;
  }
  if (dropped_bytes != nullptr) *dropped_bytes = dropped;
  return out;
}

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    char32_t code_point;
    size_t length = DecodeOne(text, i, &code_point);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t c : code_points) AppendUtf8(c, &out);
  return out;
}

}  // namespace kdbench
