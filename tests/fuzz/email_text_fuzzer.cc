// Hostile emails (MIME parts, encodings, HTML bodies), as the SpamAssassin
// reader sees them.
#include <cstdint>

#include "lib/data/email_text.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kdbench;
  absl::StatusOr<EmailText> email = ParseEmailText(FuzzBytes(data, size));
  if (email.ok()) (void)email->Combined();
  return 0;
}
