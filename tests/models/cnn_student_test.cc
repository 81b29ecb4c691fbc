#include "lib/models/cnn_student.h"

#include <torch/torch.h>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

CnnStudent MakeStudent() {
  torch::manual_seed(9);
  CnnStudent student(CnnStudentOptions(40, 3)
                         .embedding_dim(6)
                         .window_sizes({2, 3})
                         .filters(4)
                         .dropout(0.0));
  student->eval();
  return student;
}

TEST(CnnStudentTest, FeaturesAreMaxOverValidWindowsOfReluConvolutions) {
  CnnStudent student = MakeStudent();
  torch::NoGradGuard no_grad;
  torch::Tensor ids = torch::tensor({{3, 4, 5, 6, 0, 0}}, torch::kLong);
  torch::Tensor features = student->forward(ids, torch::tensor({4}, torch::kLong)).features;
  ASSERT_EQ(features.sizes(), (std::vector<int64_t>{1, 8}));
  // Independently: every window of the 4 real tokens, dot products by hand.
  torch::Tensor embedded = student->embedding(ids.slice(1, 0, 4))[0];  // [4, 6]
  int64_t column = 0;
  for (int64_t i = 0; i < 2; ++i) {
    auto conv = student->convolutions[i]->as<torch::nn::Conv1d>();
    const int64_t width = conv->options.kernel_size()->at(0);
    for (int64_t f = 0; f < 4; ++f, ++column) {
      double best = -1e30;
      for (int64_t start = 0; start + width <= 4; ++start) {
        double value = conv->bias[f].item<double>();
        for (int64_t k = 0; k < width; ++k) {
          value += (conv->weight[f].select(1, k) * embedded[start + k]).sum().item<double>();
        }
        best = std::max(best, std::max(value, 0.0));
      }
      EXPECT_NEAR(features[0][column].item<double>(), best, 1e-5) << "filter " << column;
    }
  }
}

// The pooling as first written: ReLU, a 0/1 mask of the valid windows, max.
// The student's ReLU-after-max must give the same features, logits and
// gradients, bit for bit: ties (repeated tokens make equal windows), rows
// whose every valid window is negative, and invalid windows that beat the
// valid ones.
TEST(CnnStudentTest, PoolingMatchesReluMaskMaxBitForBit) {
  torch::manual_seed(5);
  CnnStudent student(CnnStudentOptions(40, 3).embedding_dim(6).window_sizes({2, 3}).filters(4)
                         .dropout(0.0));
  {
    torch::NoGradGuard no_grad;
    student->convolutions[0]->as<torch::nn::Conv1d>()->bias[1].fill_(-100.0);  // all negative
  }
  const torch::Tensor ids = torch::tensor({{3, 3, 3, 3, 7, 7, 0}, {9, 8, 7, 6, 5, 4, 3},
                                           {5, 5, 5, 5, 5, 5, 5}, {2, 0, 0, 0, 0, 0, 0}},
                                          torch::kLong);
  const torch::Tensor lengths = torch::tensor({6, 3, 7, 1}, torch::kLong);
  const torch::Tensor weights = torch::randn({4, 3});
  auto gradients = [&]() {
    std::vector<torch::Tensor> grads;
    for (const auto& p : student->parameters()) grads.push_back(p.grad().clone());
    student->zero_grad();
    return grads;
  };

  StudentOutputs ours = student->forward(ids, lengths);
  (ours.logits * weights).sum().backward();
  const std::vector<torch::Tensor> our_grads = gradients();

  const torch::Tensor real = torch::arange(ids.size(1)).unsqueeze(0) < lengths.unsqueeze(1);
  torch::Tensor embedded =
      student->embedding(ids.masked_fill(~real, student->options.padding_idx())).transpose(1, 2);
  std::vector<torch::Tensor> pooled;
  for (int64_t i = 0; i < 2; ++i) {
    auto conv = student->convolutions[i]->as<torch::nn::Conv1d>();
    torch::Tensor maps = torch::relu(conv->forward(embedded));
    const int64_t width = conv->options.kernel_size()->at(0);
    torch::Tensor valid = torch::arange(maps.size(2)).unsqueeze(0) <
                          (lengths - width + 1).clamp_min(1).unsqueeze(1);
    pooled.push_back(std::get<0>((maps * valid.unsqueeze(1).to(maps.dtype())).max(2)));
  }
  const torch::Tensor features = torch::cat(pooled, 1);
  const torch::Tensor logits = student->classifier(features);
  (logits * weights).sum().backward();
  const std::vector<torch::Tensor> reference_grads = gradients();

  EXPECT_TRUE(torch::equal(ours.features, features));
  EXPECT_TRUE(torch::equal(ours.logits, logits));
  EXPECT_TRUE((features.slice(1, 1, 2) == 0).all().item<bool>());  // the all-negative filter
  ASSERT_EQ(our_grads.size(), reference_grads.size());
  for (size_t i = 0; i < our_grads.size(); ++i) {
    EXPECT_TRUE(torch::equal(our_grads[i], reference_grads[i])) << "parameter " << i;
  }
}

TEST(CnnStudentTest, PaddingAndItsIdsChangeNothingAndShortInputsWork) {
  CnnStudent student = MakeStudent();
  torch::NoGradGuard no_grad;
  torch::Tensor lengths = torch::tensor({2}, torch::kLong);
  torch::Tensor bare = student->forward(torch::tensor({{3, 4}}, torch::kLong), lengths).logits;
  torch::Tensor padded =
      student->forward(torch::tensor({{3, 4, 17, 18, 0, 0, 0}}, torch::kLong), lengths).logits;
  EXPECT_TRUE(torch::allclose(bare, padded, 1e-6, 1e-6));
  // One token, shorter than every window.
  torch::Tensor single = student->forward(torch::tensor({{3}}, torch::kLong),
                                          torch::tensor({1}, torch::kLong)).logits;
  EXPECT_TRUE(torch::isfinite(single).all().item<bool>());
}

TEST(CnnStudentTest, GroupsAndParameterCounts) {
  CnnStudent student = MakeStudent();
  EXPECT_EQ(student->EmbeddingParameterCount(), 40 * 6);
  // Conv: filters * (dim * width) + filters; classifier 8 * 3 + 3.
  const int64_t convolutions = 4 * (6 * 2) + 4 + 4 * (6 * 3) + 4;
  EXPECT_EQ(student->NonEmbeddingParameterCount(), convolutions + 8 * 3 + 3);
  std::vector<std::string> names;
  for (const LayerGroup& group : student->LayerGroups()) names.push_back(group.name);
  EXPECT_EQ(names, (std::vector<std::string>{"embedding", "convolutions", "classifier"}));
}

}  // namespace
}  // namespace kdbench
