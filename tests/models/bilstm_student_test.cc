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

// The BiLSTM outputs [batch, time, 2 * hidden] computed independently by
// LibTorch's packed bidirectional LSTM carrying the student's weights.
torch::Tensor PackedReferenceOutputs(BiLstmStudent& student, const torch::Tensor& ids,
                                     const torch::Tensor& lengths) {
  const int64_t hidden = student->options.hidden_size();
  torch::nn::LSTM reference(torch::nn::LSTMOptions(student->options.embedding_dim(), hidden)
                                .batch_first(true)
                                .bidirectional(true));
  torch::NoGradGuard no_grad;
  for (const char* name : {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}) {
    reference->named_parameters()[name].copy_(student->lstm_forward->named_parameters()[name]);
    reference->named_parameters()[std::string(name) + "_reverse"].copy_(
        student->lstm_backward->named_parameters()[name]);
  }
  auto packed = torch::nn::utils::rnn::pack_padded_sequence(student->embedding(ids), lengths,
                                                            /*batch_first=*/true,
                                                            /*enforce_sorted=*/false);
  auto [packed_out, state] = reference->forward_with_packed_input(packed);
  return std::get<0>(torch::nn::utils::rnn::pad_packed_sequence(packed_out, /*batch_first=*/true,
                                                                0.0, ids.size(1)));
}

TEST(BiLstmStudentTest, EqualsPackedBidirectionalLstmAndPoolsItsOutputs) {
  BiLstmStudent student = MakeStudent();
  torch::NoGradGuard no_grad;
  torch::Tensor ids = torch::tensor({{5, 6, 7, 0, 0}, {1, 2, 3, 4, 9}, {8, 0, 0, 0, 0}}, torch::kLong);
  torch::Tensor lengths = torch::tensor({3, 5, 1}, torch::kLong);
  StudentOutputs outputs = student->forward(ids, lengths);
  // Features have the BiLSTM's width (2 x hidden), not the embedding's.
  ASSERT_EQ(outputs.features.sizes(), (std::vector<int64_t>{3, 12}));
  torch::Tensor reference = PackedReferenceOutputs(student, ids, lengths);
  for (int64_t row = 0; row < 3; ++row) {
    const int64_t length = lengths[row].item<int64_t>();
    torch::Tensor expected = std::get<0>(reference[row].slice(0, 0, length).max(0));
    EXPECT_TRUE(torch::allclose(outputs.features[row], expected, 1e-5, 1e-6)) << "row " << row;
  }
  // Pooling the embeddings instead would give something else entirely.
  torch::Tensor embedded = student->embedding(ids.slice(0, 0, 1).slice(1, 0, 3));
  EXPECT_FALSE(torch::allclose(outputs.features.slice(0, 0, 1).slice(1, 0, 8),
                               std::get<0>(embedded.max(1)), 1e-3, 1e-3));
}

TEST(BiLstmStudentTest, RecurrentDropoutActsWhileTrainingOnly) {
  torch::manual_seed(5);
  BiLstmStudent with(BiLstmStudentOptions(50, 3).embedding_dim(8).hidden_size(6).dropout(0.0)
                         .recurrent_dropout(0.5));
  BiLstmStudent without = MakeStudent();  // same seed: the same weights
  torch::Tensor ids = torch::tensor({{5, 6, 7, 2, 1}, {1, 2, 3, 4, 9}}, torch::kLong);
  torch::Tensor lengths = torch::tensor({5, 5}, torch::kLong);
  torch::NoGradGuard no_grad;
  with->eval();
  EXPECT_TRUE(torch::equal(with->forward(ids, lengths).features,
                           without->forward(ids, lengths).features));
  with->train();
  torch::manual_seed(1);
  torch::Tensor first = with->forward(ids, lengths).features;
  torch::manual_seed(1);
  EXPECT_TRUE(torch::equal(with->forward(ids, lengths).features, first));  // seeded
  EXPECT_FALSE(torch::allclose(first, without->forward(ids, lengths).features, 1e-4, 1e-4));
}

TEST(BiLstmStudentTest, PaddingChangesNothing) {
  BiLstmStudent student = MakeStudent();
  torch::NoGradGuard no_grad;
  torch::Tensor lengths = torch::tensor({3}, torch::kLong);
  torch::Tensor short_logits =
      student->forward(torch::tensor({{5, 6, 7}}, torch::kLong), lengths).logits;
  // Padding ids that are not the padding index must not matter either.
  torch::Tensor long_logits =
      student->forward(torch::tensor({{5, 6, 7, 11, 12, 13, 0, 0}}, torch::kLong), lengths).logits;
  EXPECT_TRUE(torch::allclose(short_logits, long_logits, 1e-6, 1e-6));
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

TEST(BiLstmStudentTest, ParameterCountsSplitEmbeddingAndGroupsCoverEverything) {
  BiLstmStudent student = MakeStudent();
  EXPECT_EQ(student->EmbeddingParameterCount(), 50 * 8);
  // LSTM per direction: 4h(in + h) + 8h biases; classifier 2h*3 + 3.
  const int64_t lstm = 2 * (4 * 6 * (8 + 6) + 8 * 6);
  EXPECT_EQ(student->NonEmbeddingParameterCount(), lstm + 12 * 3 + 3);
  int64_t grouped = 0;
  std::vector<std::string> names;
  for (const LayerGroup& group : student->LayerGroups()) {
    names.push_back(group.name);
    for (const auto& parameter : group.parameters) grouped += parameter.numel();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"embedding", "bilstm", "classifier"}));
  EXPECT_EQ(grouped, 50 * 8 + lstm + 12 * 3 + 3);
}

TEST(BiLstmStudentTest, LastStatePoolingTakesEachDirectionsFinalState) {
  torch::manual_seed(5);
  BiLstmStudent student(BiLstmStudentOptions(50, 3)
                            .embedding_dim(8)
                            .hidden_size(6)
                            .dropout(0.0)
                            .pooling(BiLstmPooling::kLastState));
  student->eval();
  EXPECT_EQ(student->architecture(), "bilstm-last-state");
  torch::NoGradGuard no_grad;
  torch::Tensor ids = torch::tensor({{5, 6, 7, 0, 0}, {1, 2, 3, 4, 9}}, torch::kLong);
  torch::Tensor lengths = torch::tensor({3, 5}, torch::kLong);
  torch::Tensor features = student->forward(ids, lengths).features;
  torch::Tensor reference = PackedReferenceOutputs(student, ids, lengths);
  for (int64_t row = 0; row < 2; ++row) {
    const int64_t last = lengths[row].item<int64_t>() - 1;
    torch::Tensor expected =
        torch::cat({reference[row][last].slice(0, 0, 6), reference[row][0].slice(0, 6, 12)});
    EXPECT_TRUE(torch::allclose(features[row], expected, 1e-5, 1e-6)) << "row " << row;
  }
}

TEST(BiLstmStudentTest, SharedHeadIsGeluDenseUnderTheClassifier) {
  torch::manual_seed(5);
  BiLstmStudent student(
      BiLstmStudentOptions(50, 3).embedding_dim(8).hidden_size(6).dropout(0.0).head_width(10));
  student->eval();
  EXPECT_EQ(student->feature_size(), 10);
  torch::NoGradGuard no_grad;
  torch::Tensor ids = torch::tensor({{5, 6, 7, 0}}, torch::kLong);
  torch::Tensor lengths = torch::tensor({3}, torch::kLong);
  StudentOutputs outputs = student->forward(ids, lengths);
  torch::Tensor pooled = std::get<0>(PackedReferenceOutputs(student, ids, lengths)[0].slice(0, 0, 3).max(0));
  torch::Tensor expected = torch::gelu(student->head(pooled.unsqueeze(0)));
  EXPECT_TRUE(torch::allclose(outputs.features, expected, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(outputs.logits, student->classifier(expected), 1e-5, 1e-6));
  // The head trains with the classifier (the released code's "dense" group).
  auto groups = student->LayerGroups();
  EXPECT_EQ(groups.back().name, "classifier");
  EXPECT_EQ(groups.back().parameters.size(), 4u);
}

TEST(ReverseWithinLengthsTest, ReversesRealPositionsOnlyAndIsItsOwnInverse) {
  torch::Tensor values = torch::arange(10).view({2, 5}).unsqueeze(-1).to(torch::kFloat);
  torch::Tensor lengths = torch::tensor({3, 5}, torch::kLong);
  torch::Tensor reversed = ReverseWithinLengths(values, lengths);
  EXPECT_TRUE(reversed.squeeze(-1).equal(
      torch::tensor({{2, 1, 0, 3, 4}, {9, 8, 7, 6, 5}}, torch::kFloat)));
  EXPECT_TRUE(ReverseWithinLengths(reversed, lengths).equal(values));
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
