#include "lib/models/bert_config.h"

#include "gtest/gtest.h"

namespace kdbench {
namespace {

TEST(TeacherSizeConfigTest, NamedSizesHaveTheirShapes) {
  absl::StatusOr<BertConfig> large = TeacherSizeConfig("large", 1000, 64);
  ASSERT_TRUE(large.ok()) << large.status();
  EXPECT_EQ(large->num_hidden_layers, 4);
  EXPECT_EQ(large->hidden_size, 256);
  EXPECT_EQ(large->intermediate_size, 1024);
  EXPECT_EQ(large->head_size(), 64);
  EXPECT_EQ(large->vocab_size, 1000);
  EXPECT_EQ(large->max_position_embeddings, 64);
  absl::StatusOr<BertConfig> tiny = TeacherSizeConfig("tiny", 10, 8);
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->hidden_size, 32);
}

TEST(TeacherSizeConfigTest, UnknownSizeListsTheKnownOnes) {
  absl::StatusOr<BertConfig> config = TeacherSizeConfig("huge", 1000, 64);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("huge"), std::string::npos);
  EXPECT_NE(config.status().message().find("tiny, base, large"), std::string::npos);
}

}  // namespace
}  // namespace kdbench
