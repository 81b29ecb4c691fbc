// A raw email (RFC 5322 headers + MIME body) to the text the models see:
// the decoded subject, then the text of the body: text/plain parts, or the
// HTML parts converted to text when a message has no plain part. A "plain"
// part that starts like an HTML document (<html or <body in its first 4 KB,
// common in spam) counts as HTML. Transfer
// encodings (quoted-printable, base64), RFC 2047 encoded words and charsets
// are decoded by GMime; output is valid UTF-8.
#ifndef KDBENCH_LIB_DATA_EMAIL_TEXT_H_
#define KDBENCH_LIB_DATA_EMAIL_TEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

struct EmailText {
  std::string subject;
  std::string body;
  int text_parts = 0;  // text/plain and text/html parts used
  bool from_html = false;

  // "subject\n\nbody", what a classifier reads.
  std::string Combined() const;
};

// InvalidArgumentError when GMime finds no message at all (empty input, no
// header block).
absl::StatusOr<EmailText> ParseEmailText(absl::string_view raw_email);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_EMAIL_TEXT_H_
