// HTML to plain text (libxml2's forgiving HTML parser): the visible text,
// entities decoded, script/style dropped, block elements as line breaks.
#ifndef KDBENCH_LIB_DATA_HTML_TEXT_H_
#define KDBENCH_LIB_DATA_HTML_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kdbench {

// `html` in UTF-8 (invalid bytes are tolerated). Never fails: malformed
// markup yields whatever text libxml2 recovers.
std::string HtmlToText(absl::string_view html);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_HTML_TEXT_H_
