#include "lib/data/email_text.h"

#include "gtest/gtest.h"
#include "lib/data/html_text.h"

namespace kdbench {
namespace {

TEST(EmailTextTest, PlainQuotedPrintableLatin1AndEncodedSubject) {
  const char* raw =
      "From: a@example.com\n"
      "Subject: =?iso-8859-1?Q?Caf=E9_news?=\n"
      "MIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "Na=EFve soft=\n"
      "break and =3D sign.\n";
  absl::StatusOr<EmailText> email = ParseEmailText(raw);
  ASSERT_TRUE(email.ok()) << email.status();
  EXPECT_EQ(email->subject, "Café news");
  EXPECT_EQ(email->body, "Naïve softbreak and = sign.\n");
  EXPECT_FALSE(email->from_html);
  EXPECT_EQ(email->Combined(), "Café news\n\nNaïve softbreak and = sign.\n");
}

TEST(EmailTextTest, MultipartAlternativePrefersPlainAndSkipsAttachments) {
  const char* raw =
      "Subject: offer\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"outer\"\n"
      "\n"
      "--outer\n"
      "Content-Type: multipart/alternative; boundary=\"inner\"\n"
      "\n"
      "--inner\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "UGxhaW4gdmVyc2lvbg==\n"
      "--inner\n"
      "Content-Type: text/html\n"
      "\n"
      "<p>HTML version</p>\n"
      "--inner--\n"
      "--outer\n"
      "Content-Type: text/plain\n"
      "Content-Disposition: attachment; filename=\"x.txt\"\n"
      "\n"
      "attached file\n"
      "--outer--\n";
  absl::StatusOr<EmailText> email = ParseEmailText(raw);
  ASSERT_TRUE(email.ok()) << email.status();
  EXPECT_EQ(email->body, "Plain version");
  EXPECT_EQ(email->text_parts, 1);
}

TEST(EmailTextTest, HtmlOnlyBodyBecomesText) {
  const char* raw =
      "Subject: deal\n"
      "Content-Type: text/html\n"
      "\n"
      "<html><head><style>p{color:red}</style></head><body>"
      "<p>Buy&nbsp;now &amp; save</p><script>alert(1)</script>"
      "<div>Click <a href=\"x\">here</a></div></body></html>\n";
  absl::StatusOr<EmailText> email = ParseEmailText(raw);
  ASSERT_TRUE(email.ok()) << email.status();
  EXPECT_TRUE(email->from_html);
  EXPECT_NE(email->body.find("Buy\u00a0now & save"), std::string::npos) << email->body;
  EXPECT_NE(email->body.find("Click here"), std::string::npos);
  EXPECT_EQ(email->body.find("alert"), std::string::npos);
  EXPECT_EQ(email->body.find("color"), std::string::npos);
}

TEST(EmailTextTest, HtmlLabelledAsPlainIsConverted) {
  const char* raw =
      "Subject: s\n"
      "Content-Type: text/plain\n"
      "\n"
      "<HTML><BODY><FONT size=3>Cheap <B>pills</B></FONT></BODY></HTML>\n";
  absl::StatusOr<EmailText> email = ParseEmailText(raw);
  ASSERT_TRUE(email.ok());
  EXPECT_EQ(email->body.find("<FONT"), std::string::npos) << email->body;
  EXPECT_NE(email->body.find("Cheap pills"), std::string::npos) << email->body;
}

TEST(EmailTextTest, LyingCharsetStillGivesValidUtf8) {
  const char* raw =
      "Subject: x\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "bad \xff\xfe bytes\n";
  absl::StatusOr<EmailText> email = ParseEmailText(raw);
  ASSERT_TRUE(email.ok());
  EXPECT_NE(email->body.find("bytes"), std::string::npos);
  for (unsigned char c : email->body) EXPECT_NE(c, 0xff);
}

TEST(EmailTextTest, HeaderlessGarbageDoesNotCrash) {
  for (const char* raw : {"", "\n\n\n", "no headers at all", "\x00\x01\x02"}) {
    absl::StatusOr<EmailText> email = ParseEmailText(raw);
    if (email.ok()) {
      EXPECT_TRUE(email->subject.empty());
    }
  }
}

TEST(HtmlTextTest, MalformedMarkupIsRecovered) {
  EXPECT_NE(HtmlToText("<p>open <b>bold <i>never closed").find("never closed"),
            std::string::npos);
  EXPECT_EQ(HtmlToText(""), "");
}

}  // namespace
}  // namespace kdbench
