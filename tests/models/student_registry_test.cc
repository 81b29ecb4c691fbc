#include "lib/models/student_registry.h"

#include "gtest/gtest.h"

namespace kdbench {
namespace {

TEST(StudentRegistryTest, MakesEveryKnownStudent) {
  for (const std::string architecture : {"bilstm", "rnn", "cnn"}) {
    auto student = MakeStudent(
        {.architecture = architecture, .size = "tiny", .vocab_size = 100, .num_classes = 4});
    ASSERT_TRUE(student.ok()) << architecture << ": " << student.status();
    EXPECT_EQ((*student)->num_classes(), 4);
    EXPECT_EQ((*student)->EmbeddingParameterCount(), 100 * 32);
  }
  auto paper = MakeStudent({.size = "paper", .vocab_size = 30522, .num_classes = 2});
  ASSERT_TRUE(paper.ok());
  // The paper's BiLSTM: 300-d input, 600 per direction: 4,324,800 weights in
  // Keras, which has one bias per gate; LibTorch has two (b_ih and b_hh),
  // 4 x 600 more per direction.
  EXPECT_EQ((*paper)->NonEmbeddingParameterCount(), 4324800 + 2 * 2400 + 1200 * 2 + 2);
  EXPECT_TRUE(StudentUsesWordTokens("rnn"));
  EXPECT_FALSE(StudentUsesWordTokens("bilstm"));
  EXPECT_TRUE(StudentHasRecurrence("bilstm"));
  EXPECT_FALSE(StudentHasRecurrence("naive-bayes"));
  EXPECT_FALSE(StudentHasRecurrence("no-such-student"));
}

TEST(StudentRegistryTest, UnknownNamesListTheKnownOnes) {
  auto architecture = MakeStudent({.architecture = "gru", .vocab_size = 10, .num_classes = 2});
  ASSERT_FALSE(architecture.ok());
  EXPECT_NE(architecture.status().message().find("--student=gru: unknown; known: bilstm, cnn, naive-bayes, ngram-logreg, rnn, transformer"),
            std::string::npos);
  auto size = MakeStudent({.size = "huge", .vocab_size = 10, .num_classes = 2});
  ASSERT_FALSE(size.ok());
  EXPECT_NE(size.status().message().find("--student_size=huge: unknown; known: tiny, mini, paper"),
            std::string::npos);
  EXPECT_FALSE(MakeStudent({.vocab_size = 0, .num_classes = 2}).ok());
}

TEST(StudentRegistryTest, RecurrentDropoutForLstmStudentsOnly) {
  auto rnn = MakeStudent({.architecture = "rnn", .size = "tiny", .vocab_size = 10,
                          .num_classes = 2, .recurrent_dropout = 0.2});
  ASSERT_TRUE(rnn.ok()) << rnn.status();
  auto cnn = MakeStudent({.architecture = "cnn", .size = "tiny", .vocab_size = 10,
                          .num_classes = 2, .recurrent_dropout = 0.2});
  ASSERT_FALSE(cnn.ok());
  EXPECT_NE(cnn.status().message().find("recurrent dropout exists for the students with "
                                        "recurrence only (bilstm, rnn), not --student=cnn"),
            std::string::npos)
      << cnn.status();
  auto out_of_range = MakeStudent({.vocab_size = 10, .num_classes = 2, .recurrent_dropout = 1});
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_NE(out_of_range.status().message().find("recurrent_dropout must lie in [0, 1)"),
            std::string::npos);
}

}  // namespace
}  // namespace kdbench
