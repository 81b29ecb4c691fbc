#include "lib/data/csv_reader.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kdbench {
namespace {

using ::testing::ElementsAre;
using Records = std::vector<std::pair<int, std::vector<std::string>>>;

absl::StatusOr<Records> Parse(const std::string& text) {
  Records records;
  absl::Status status = ParseCsv(text, "t.csv", [&](const auto& fields, int line) {
    records.push_back({line, fields});
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return records;
}

TEST(CsvReaderTest, QuotesEscapesAndEmbeddedNewlines) {
  auto records = Parse(
      "\"3\",\"Title, with comma\",\"He said \"\"hi\"\"\nnext line\"\n"
      "1,plain,last\r\n");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].first, 1);
  EXPECT_THAT((*records)[0].second,
              ElementsAre("3", "Title, with comma", "He said \"hi\"\nnext line"));
  EXPECT_EQ((*records)[1].first, 3);  // the record after a 2-line field
  EXPECT_THAT((*records)[1].second, ElementsAre("1", "plain", "last"));
}

TEST(CsvReaderTest, EmptyFieldsAndNoFinalNewline) {
  auto records = Parse("a,,c,\n,b");
  ASSERT_TRUE(records.ok());
  EXPECT_THAT((*records)[0].second, ElementsAre("a", "", "c", ""));
  EXPECT_THAT((*records)[1].second, ElementsAre("", "b"));
}

TEST(CsvReaderTest, MalformedQuotingNamesFileAndLine) {
  auto unterminated = Parse("1,ok,ok\n2,\"open,never closed\n");
  ASSERT_FALSE(unterminated.ok());
  EXPECT_NE(unterminated.status().message().find("t.csv:2: malformed CSV: unterminated"),
            absl::string_view::npos)
      << unterminated.status();
  auto after_quote = Parse("\"a\"x,b\n");
  EXPECT_NE(after_quote.status().message().find("t.csv:1: malformed CSV: text after"),
            absl::string_view::npos);
  auto stray = Parse("1,2\na\"b,c\n");
  EXPECT_NE(stray.status().message().find("t.csv:2: malformed CSV: quote inside"),
            absl::string_view::npos);
}

TEST(CsvReaderTest, CallbackErrorStopsParsing) {
  int calls = 0;
  absl::Status status = ParseCsv("a\nb\nc\n", "t.csv", [&](const auto&, int line) {
    ++calls;
    return line == 2 ? absl::InvalidArgumentError("stop") : absl::OkStatus();
  });
  EXPECT_EQ(status.message(), "stop");
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace kdbench
