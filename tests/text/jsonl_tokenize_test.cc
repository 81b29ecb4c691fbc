#include "lib/text/jsonl_tokenize.h"

#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

BertTokenizer SmallTokenizer() {
  auto vocabulary = Vocabulary::FromTokens(
      {"[PAD]", "[UNK]", "hello", "\"", "world", "##s"}, "test");
  return BertTokenizer(*std::move(vocabulary));
}

TEST(JsonLinesTokenizerTest, WritesTokensAndIdsWithEscaping) {
  BertTokenizer tokenizer = SmallTokenizer();
  std::istringstream in(
      "{\"text\": \"Hello \\\"worlds\\\"\", \"label\": 1}\n\n{\"text\": \"\"}\n");
  std::ostringstream out;
  auto stats = JsonLinesTokenizer(&tokenizer).Run(in, out, "in.jsonl");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->lines, 2);
  EXPECT_EQ(out.str(),
            "{\"tokens\":[\"hello\",\"\\\"\",\"world\",\"##s\",\"\\\"\"],"
            "\"ids\":[2,3,4,5,3]}\n"
            "{\"tokens\":[],\"ids\":[]}\n");
}

TEST(JsonLinesTokenizerTest, ErrorsNameSourceAndLineAfterWritingEarlierLines) {
  BertTokenizer tokenizer = SmallTokenizer();
  for (const auto& [input, message] :
       std::vector<std::pair<std::string, std::string>>{
           {"{\"text\": \"hello\"}\n[1, 2]\n", "in.jsonl:2: expected a JSON object"},
           {"{\"text\": \"hello\"}\n{\"text\": 3}\n", "in.jsonl:2: no string field"},
           {"{\"text\": \"hello\"}\n{\"text\": \"a\n", "in.jsonl:2: not valid JSON"},
       }) {
    std::istringstream in(input);
    std::ostringstream out;
    auto stats = JsonLinesTokenizer(&tokenizer).Run(in, out, "in.jsonl");
    ASSERT_FALSE(stats.ok());
    EXPECT_NE(stats.status().message().find(message), absl::string_view::npos)
        << stats.status();
    EXPECT_EQ(out.str(), "{\"tokens\":[\"hello\"],\"ids\":[2]}\n");
  }
}

}  // namespace
}  // namespace kdbench
