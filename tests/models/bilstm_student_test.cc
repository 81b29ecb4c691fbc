#include "lib/models/bilstm_student.h"

#include <torch/torch.h>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

BiLstmStudent MakeStudent() {
  torch::manual_seed(5);
  BiLstmStudent student(BiLstmStudentOptions(50, 3).embedding_dim(8).hidden_size(6).dropout(0.0));
  student->eval();
  return student;
}

TEST(BiLstmStudentTest, MaxPoolIsOverLstmOutputsAndIgnoresPadding) {
  BiLstmStudent student = MakeStudent();
  torch::NoGradGuard no_grad;
  torch::Tensor ids = torch::tensor({{5, 6, 7, 0, 0}}, torch::kLong);
  torch::Tensor lengths = torch::tensor({3}, torch::kLong);
  StudentOutputs outputs = student->forward(ids, lengths);
  // Features have the BiLSTM's width (2 x hidden), not the embedding's.
  ASSERT_EQ(outputs.features.sizes(), (std::vector<int64_t>{1, 12}));
  // Recompute: run the LSTM on the 3 real tokens only and max over time.
  torch::Tensor embedded = student->embedding(ids.slice(1, 0, 3));
  torch::Tensor lstm_out = std::get<0>(student->lstm(embedded));
  torch::Tensor expected = std::get<0>(lstm_out.max(1));
  EXPECT_TRUE(torch::allclose(outputs.features, expected, 1e-6, 1e-6));
  // Pooling the embeddings instead would give something else entirely.
  EXPECT_FALSE(torch::allclose(outputs.features.slice(1, 0, 8), std::get<0>(embedded.max(1)), 1e-3, 1e-3));
  // More padding changes nothing.
  torch::Tensor longer = torch::tensor({{5, 6, 7, 0, 0, 0, 0, 0}}, torch::kLong);
  EXPECT_TRUE(torch::allclose(student->forward(longer, lengths).logits, outputs.logits, 1e-6, 1e-6));
}

TEST(BiLstmStudentTest, BatchOfDifferentLengthsMatchesOneByOne) {
  BiLstmStudent student = MakeStudent();
  torch::NoGradGuard no_grad;
  torch::Tensor batch = torch::tensor({{1, 2, 0, 0}, {3, 4, 5, 6}}, torch::kLong);
  torch::Tensor logits = student->forward(batch, torch::tensor({2, 4}, torch::kLong)).logits;
  torch::Tensor first = student->forward(torch::tensor({{1, 2}}, torch::kLong),
                                         torch::tensor({2}, torch::kLong)).logits;
  EXPECT_TRUE(torch::allclose(logits[0], first[0], 1e-5, 1e-5));
}

TEST(BiLstmStudentTest, ParameterCountsSplitEmbedding) {
  BiLstmStudent student = MakeStudent();
  EXPECT_EQ(student->EmbeddingParameterCount(), 50 * 8);
  // LSTM per direction: 4h(in + h) + 8h biases; classifier 2h*3 + 3.
  const int64_t lstm = 2 * (4 * 6 * (8 + 6) + 8 * 6);
  EXPECT_EQ(student->NonEmbeddingParameterCount(), lstm + 12 * 3 + 3);
}

TEST(MaskedMaxPoolTest, AllPaddingRowGivesZeros) {
  torch::Tensor outputs = torch::randn({2, 3, 4});
  torch::Tensor mask = torch::tensor({{true, true, false}, {false, false, false}});
  torch::Tensor pooled = MaskedMaxPool(outputs, mask);
  EXPECT_TRUE(pooled[1].eq(0).all().item<bool>());
  EXPECT_TRUE(pooled[0].equal(std::get<0>(outputs[0].slice(0, 0, 2).max(0))));
}

}  // namespace
}  // namespace kdbench
