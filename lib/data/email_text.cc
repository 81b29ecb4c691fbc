#include "lib/data/email_text.h"

#include <gmime/gmime.h>

#include <mutex>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/data/html_text.h"
#include "lib/util/utf8.h"

namespace kdbench {
namespace {

void InitializeGMimeOnce() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

// Replaces invalid UTF-8 (a part whose declared charset lies) by dropping
// the bad bytes, so downstream code sees valid text.
std::string ValidUtf8(absl::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  return EncodeUtf8(DecodeUtf8Lenient(text));
}

// Much spam sends HTML labelled text/plain; the markup is not text.
bool LooksLikeHtml(absl::string_view text) {
  const std::string head = absl::AsciiStrToLower(text.substr(0, 4096));
  return absl::StrContains(head, "<html") || absl::StrContains(head, "<body");
}

struct Collected {
  std::vector<std::string> plain;
  std::vector<std::string> html;
};

void CollectTextParts(GMimeObject* /*parent*/, GMimeObject* part,
                      gpointer data) {
  auto* collected = static_cast<Collected*>(data);
  if (!GMIME_IS_TEXT_PART(part)) return;
  // Attachments that happen to be text (logs, patches) are still text the
  // sender chose to send; keep them unless explicitly disposition=attachment.
  if (g_mime_object_get_content_disposition(part) != nullptr &&
      g_mime_content_disposition_is_attachment(
          g_mime_object_get_content_disposition(part))) {
    return;
  }
  GMimeContentType* type = g_mime_object_get_content_type(part);
  char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
  if (text == nullptr) return;
  std::string value = ValidUtf8(text);
  g_free(text);
  if (g_mime_content_type_is_type(type, "text", "html") || LooksLikeHtml(value)) {
    collected->html.push_back(std::move(value));
  } else if (g_mime_content_type_is_type(type, "text", "plain") ||
             g_mime_content_type_is_type(type, "text", "*")) {
    collected->plain.push_back(std::move(value));
  }
}

}  // namespace

std::string EmailText::Combined() const {
  return absl::StrCat(subject, "\n\n", body);
}

absl::StatusOr<EmailText> ParseEmailText(absl::string_view raw_email) {
  InitializeGMimeOnce();
  GMimeStream* stream =
      g_mime_stream_mem_new_with_buffer(raw_email.data(), raw_email.size());
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  g_object_unref(stream);
  GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
  g_object_unref(parser);
  if (message == nullptr) {
    return absl::InvalidArgumentError("not an email message (no headers)");
  }
  EmailText email;
  if (const char* subject = g_mime_message_get_subject(message)) {
    email.subject = std::string(absl::StripAsciiWhitespace(ValidUtf8(subject)));
  }
  Collected collected;
  GMimeObject* body = g_mime_message_get_mime_part(message);
  if (body != nullptr) {
    if (GMIME_IS_MULTIPART(body)) {
      g_mime_multipart_foreach(GMIME_MULTIPART(body), CollectTextParts,
                               &collected);
    } else {
      CollectTextParts(nullptr, body, &collected);
    }
  }
  const std::vector<std::string>* parts = &collected.plain;
  if (collected.plain.empty() && !collected.html.empty()) {
    for (std::string& html : collected.html) html = HtmlToText(html);
    parts = &collected.html;
    email.from_html = true;
  }
  email.text_parts = static_cast<int>(parts->size());
  for (const std::string& part : *parts) {
    if (!email.body.empty()) email.body += "\n";
    email.body += part;
  }
  g_object_unref(message);
  return email;
}

}  // namespace kdbench
