#include "lib/models/transformer_student.h"

#include <torch/torch.h>

#include <set>

#include "gtest/gtest.h"
#include "lib/models/sequence_masking.h"
#include "lib/models/student_registry.h"

namespace kdbench {
namespace {

constexpr int64_t kCls = 1, kSep = 2, kPad = 0;

TransformerStudent SmallStudent(int64_t max_positions = 16) {
  torch::manual_seed(5);
  BertConfig encoder;
  encoder.vocab_size = 40;
  encoder.hidden_size = 8;
  encoder.num_hidden_layers = 2;
  encoder.num_attention_heads = 2;
  encoder.intermediate_size = 16;
  encoder.max_position_embeddings = max_positions;
  TransformerStudent student(
      TransformerStudentOptions(encoder, 3).cls_id(kCls).sep_id(kSep).padding_idx(kPad));
  student->eval();
  return student;
}

TEST(FrameWithClsSepTest, FramesEachRowWithinTheBudget) {
  torch::Tensor ids = torch::tensor({{7, 8, 9, 0}, {5, 0, 0, 0}}, torch::kLong);
  torch::Tensor lengths = torch::tensor({3, 1}, torch::kLong);
  FramedBatch framed = FrameWithClsSep(ids, lengths, kCls, kSep, kPad, 10);
  EXPECT_TRUE(torch::equal(framed.ids, torch::tensor({{1, 7, 8, 9, 2, 0}, {1, 5, 2, 0, 0, 0}},
                                                     torch::kLong)));
  EXPECT_TRUE(torch::equal(framed.mask.to(torch::kLong),
                           torch::tensor({{1, 1, 1, 1, 1, 0}, {1, 1, 1, 0, 0, 0}}, torch::kLong)));
  // At most 4 positions: two ids of the first row survive, then [SEP].
  FramedBatch short_frame = FrameWithClsSep(ids, lengths, kCls, kSep, kPad, 4);
  EXPECT_TRUE(torch::equal(short_frame.ids,
                           torch::tensor({{1, 7, 8, 2}, {1, 5, 2, 0}}, torch::kLong)));
}

TEST(TransformerStudentTest, OutputsAndInternalsHaveTheirShapes) {
  TransformerStudent student = SmallStudent();
  torch::NoGradGuard no_grad;
  StudentOutputs outputs = student->forward(torch::tensor({{7, 8, 9}, {5, 6, 0}}, torch::kLong),
                                            torch::tensor({3, 2}, torch::kLong));
  EXPECT_EQ(outputs.logits.sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(outputs.features.sizes(), (std::vector<int64_t>{2, 8}));
  const TransformerInternals& layers = outputs.layers;
  ASSERT_EQ(layers.layers(), 2);
  ASSERT_EQ(layers.hidden_states.size(), 3u);
  EXPECT_EQ(layers.hidden_states[2].sizes(), (std::vector<int64_t>{2, 5, 8}));
  EXPECT_EQ(layers.attention_scores[1].sizes(), (std::vector<int64_t>{2, 2, 5, 5}));
  EXPECT_EQ(layers.values[0].sizes(), (std::vector<int64_t>{2, 2, 5, 4}));
  EXPECT_EQ(layers.token_mask.sum().item<int64_t>(), 5 + 4);
  // The attention's probabilities are its scores' softmax over real keys.
  torch::Tensor keys = layers.token_mask[1].view({1, 1, 5});
  torch::Tensor expected =
      torch::softmax(layers.attention_scores[0][1].masked_fill(~keys, -1e30), -1);
  EXPECT_TRUE(torch::allclose(layers.attentions[0][1], expected, 1e-5, 1e-6));
  const TransformerShape shape = student->transformer_shape();
  EXPECT_EQ(shape.layers, 2);
  EXPECT_EQ(shape.heads, 2);
  EXPECT_EQ(shape.hidden, 8);
}

TEST(TransformerStudentTest, PaddingChangesNothingAndLongInputsAreCut) {
  TransformerStudent student = SmallStudent(/*max_positions=*/6);
  torch::NoGradGuard no_grad;
  torch::Tensor bare = student->forward(torch::tensor({{7, 8}}, torch::kLong),
                                        torch::tensor({2}, torch::kLong)).logits;
  torch::Tensor padded =
      student->forward(torch::tensor({{7, 8, 0, 0}, {9, 9, 9, 9}}, torch::kLong),
                       torch::tensor({2, 4}, torch::kLong)).logits;
  EXPECT_TRUE(torch::allclose(bare[0], padded[0], 1e-5, 1e-6));
  // 10 ids into 6 positions: the first 4 count, the rest never matter.
  torch::Tensor a = student->forward(torch::tensor({{3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}),
                                     torch::tensor({10})).logits;
  torch::Tensor b = student->forward(torch::tensor({{3, 4, 5, 6, 30, 31, 32}}),
                                     torch::tensor({7})).logits;
  EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-6));
}

TEST(TransformerStudentTest, LayerGroupsHoldEveryParameterOnce) {
  TransformerStudent student = SmallStudent();
  std::set<const void*> seen;
  int64_t count = 0;
  std::vector<std::string> names;
  for (const LayerGroup& group : student->LayerGroups()) {
    names.push_back(group.name);
    for (const torch::Tensor& parameter : group.parameters) {
      EXPECT_TRUE(seen.insert(parameter.data_ptr()).second) << group.name;
      count += parameter.numel();
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"embedding", "encoder", "classifier"}));
  int64_t total = 0;
  for (const torch::Tensor& parameter : student->parameters()) total += parameter.numel();
  EXPECT_EQ(count, total);
  EXPECT_EQ(student->EmbeddingParameterCount(), 40 * 8 + 16 * 8 + 2 * 8);
}

TEST(TransformerStudentTest, FactoryTakesTheTeachersHeadsAndRefusesBadShapes) {
  StudentSpec spec{.architecture = "transformer", .size = "mini", .vocab_size = 50,
                   .num_classes = 2, .attention_heads = 4, .max_positions = 64,
                   .cls_id = kCls, .sep_id = kSep};
  absl::StatusOr<StudentPtr> student = MakeStudent(spec);
  ASSERT_TRUE(student.ok()) << student.status();
  EXPECT_EQ((*student)->transformer_shape().heads, 4);
  EXPECT_EQ((*student)->transformer_shape().layers, 2);
  spec.attention_heads = 3;  // 128 does not split into 3
  EXPECT_NE(MakeStudent(spec).status().message().find("3 attention heads"), std::string::npos);
  spec.attention_heads = 4;
  spec.cls_id = -1;
  EXPECT_NE(MakeStudent(spec).status().message().find("[CLS]"), std::string::npos);
}

}  // namespace
}  // namespace kdbench
