#include "lib/models/word_vectors.h"

#include <torch/torch.h>

#include <fstream>

#include "gtest/gtest.h"
#include "lib/models/fasttext_vectors.h"

namespace kdbench {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(WordVectorsTest, ReadsGloveAndWord2VecText) {
  auto glove = ReadWordVectorsText(WriteFile("glove.txt", "the 0.5 -1 2\nmovie 1e-1 0 3\nthe 9 9 9\n"));
  ASSERT_TRUE(glove.ok()) << glove.status();
  EXPECT_EQ(glove->dimension, 3);
  EXPECT_EQ(glove->vectors.size(), 2u);
  EXPECT_EQ(glove->vectors.at("the"), (std::vector<float>{0.5f, -1.0f, 2.0f}));  // first kept
  auto word2vec = ReadWordVectorsText(WriteFile("w2v.txt", "2 2\nfoo 1 2\nbar 3 4\n"));
  ASSERT_TRUE(word2vec.ok()) << word2vec.status();
  EXPECT_EQ(word2vec->dimension, 2);
  EXPECT_EQ(word2vec->vectors.at("bar"), (std::vector<float>{3.0f, 4.0f}));
}

TEST(WordVectorsTest, ErrorsNameFileAndLine) {
  const std::string ragged = WriteFile("ragged.txt", "a 1 2 3\nb 1 2\n");
  auto result = ReadWordVectorsText(ragged);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find(ragged + ":2: 2 values where the file has 3"),
            std::string::npos);
  const std::string bad = WriteFile("bad.txt", "a 1 x\n");
  result = ReadWordVectorsText(bad);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find(bad + ":1: value 2 (\"x\") is not a finite number"),
            std::string::npos);
  EXPECT_FALSE(ReadWordVectorsText(WriteFile("nan.txt", "a 1 nan\n")).ok());
  EXPECT_FALSE(ReadWordVectorsText(WriteFile("empty.txt", "")).ok());
  EXPECT_FALSE(ReadWordVectorsText("/nonexistent/vectors.txt").ok());
}

TEST(WordVectorsTest, InitializesCoveredRowsAndKeepsTheRest) {
  auto vocabulary = Vocabulary::FromTokens({"[PAD]", "[UNK]", "the", "movie", "zzz"}, "test");
  ASSERT_TRUE(vocabulary.ok());
  WordVectors vectors{.dimension = 2, .vectors = {{"the", {1, 2}}, {"movie", {3, 4}}}};
  torch::Tensor weight = torch::full({5, 2}, 0.05f);
  auto report = InitializeEmbedding(weight, *vocabulary, vectors);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->covered, 2);
  EXPECT_EQ(report->total, 5);
  EXPECT_TRUE(weight[2].equal(torch::tensor({1.0f, 2.0f})));
  EXPECT_TRUE(weight[3].equal(torch::tensor({3.0f, 4.0f})));
  EXPECT_TRUE(weight[4].equal(torch::full({2}, 0.05f)));
  auto mismatch = InitializeEmbedding(torch::zeros({5, 3}), *vocabulary, vectors);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("word vectors have 2 dimensions but the student's "
                                             "embedding has 3"),
            std::string::npos);
}

TEST(FastTextVectorsTest, LearnsVectorsThatGroupWordsByContext) {
  // Two topics whose words never share a sentence; sentences are random
  // draws of eight words from one topic.
  const std::vector<std::vector<std::string>> topics = {
      {"goal", "striker", "match", "referee", "penalty", "stadium", "keeper", "league"},
      {"compiler", "kernel", "binary", "linker", "debugger", "register", "pointer", "syscall"}};
  std::vector<std::string> documents;
  uint64_t state = 12345;
  auto next = [&state](uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % bound;
  };
  for (int i = 0; i < 20000; ++i) {
    const auto& topic = topics[i % 2];
    std::string sentence;
    for (int w = 0; w < 8; ++w) sentence += (w ? " " : "") + topic[next(topic.size())];
    documents.push_back(sentence);
  }
  auto vectors = TrainFastTextVectors(documents, {.dimension = 16, .epochs = 10,
                                                  .scratch_directory = getenv("TEST_TMPDIR")});
  ASSERT_TRUE(vectors.ok()) << vectors.status();
  EXPECT_EQ(vectors->dimension, 16);
  for (const auto& topic : topics) {
    for (const std::string& word : topic) EXPECT_TRUE(vectors->vectors.contains(word)) << word;
  }
  auto cosine = [&](const std::string& a, const std::string& b) {
    torch::Tensor x = torch::tensor(vectors->vectors.at(a));
    torch::Tensor y = torch::tensor(vectors->vectors.at(b));
    return torch::cosine_similarity(x, y, 0).item<double>();
  };
  double within = 0, across = 0;
  for (size_t i = 0; i < 8; ++i) {
    for (size_t j = 0; j < 8; ++j) {
      if (i != j) within += cosine(topics[0][i], topics[0][j]) + cosine(topics[1][i], topics[1][j]);
      across += cosine(topics[0][i], topics[1][j]);
    }
  }
  within /= 2 * 56;
  across /= 64;
  EXPECT_GT(within, across + 0.2) << "within " << within << ", across " << across;
  EXPECT_FALSE(TrainFastTextVectors({}, {}).ok());
}

}  // namespace
}  // namespace kdbench
