#include "lib/models/lstm_recurrence.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "lib/models/mixed_precision.h"

namespace kdbench {
namespace {

// Trainable copies of an LSTM's weights (w_ih, w_hh, b_ih, b_hh) for
// LstmThroughTime, so both sides get gradients of their own.
std::vector<torch::Tensor> TrainableCopies(torch::nn::LSTM& lstm) {
  std::vector<torch::Tensor> copies;
  for (const torch::Tensor& w : lstm->all_weights()) {
    copies.push_back(w.detach().clone().requires_grad_(true));
  }
  return copies;
}

struct Shape {
  int64_t batch, time, in, hidden;
};

// Outputs and every gradient of LstmThroughTime against torch::nn::LSTM
// (LibTorch's own cell and autograd) carrying the same weights, for a loss
// that weighs each output differently.
void ExpectMatchesLibTorch(const Shape& shape) {
  SCOPED_TRACE(::testing::Message() << "batch " << shape.batch << " time " << shape.time
                                    << " in " << shape.in << " hidden " << shape.hidden);
  torch::manual_seed(11);
  torch::nn::LSTM reference(torch::nn::LSTMOptions(shape.in, shape.hidden).batch_first(true));
  const torch::Tensor input = torch::randn({shape.batch, shape.time, shape.in});
  const torch::Tensor weights = torch::randn({shape.batch, shape.time, shape.hidden});

  torch::Tensor reference_input = input.clone().requires_grad_(true);
  torch::Tensor reference_out = std::get<0>(reference(reference_input));
  (reference_out * weights).sum().backward();

  const std::vector<torch::Tensor> parameters = reference->all_weights();
  std::vector<torch::Tensor> ours_parameters = TrainableCopies(reference);
  torch::Tensor ours_input = input.clone().requires_grad_(true);
  torch::Tensor ours_out = LstmThroughTime(ours_input, ours_parameters[0], ours_parameters[1],
                                           ours_parameters[2], ours_parameters[3]);
  ASSERT_EQ(ours_out.sizes(), reference_out.sizes());
  (ours_out * weights).sum().backward();

  EXPECT_TRUE(torch::allclose(ours_out, reference_out, 1e-5, 1e-6))
      << "outputs differ by " << (ours_out - reference_out).abs().max().item<float>();
  EXPECT_TRUE(torch::allclose(ours_input.grad(), reference_input.grad(), 1e-4, 1e-5))
      << "input gradients differ by "
      << (ours_input.grad() - reference_input.grad()).abs().max().item<float>();
  const char* names[] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};
  for (size_t i = 0; i < parameters.size(); ++i) {
    EXPECT_TRUE(torch::allclose(ours_parameters[i].grad(), parameters[i].grad(), 1e-4, 1e-5))
        << names[i] << " gradients differ by "
        << (ours_parameters[i].grad() - parameters[i].grad()).abs().max().item<float>();
  }
}

TEST(LstmRecurrenceTest, OutputsAndGradientsMatchLibTorchsLstm) {
  ExpectMatchesLibTorch({3, 5, 4, 6});
  ExpectMatchesLibTorch({17, 9, 33, 40});
}

TEST(LstmRecurrenceTest, SingleStepAndSingleRow) {
  ExpectMatchesLibTorch({1, 1, 3, 2});  // no recurrent product at all
  ExpectMatchesLibTorch({1, 7, 3, 2});
  ExpectMatchesLibTorch({4, 1, 3, 2});
}

TEST(LstmRecurrenceTest, RowsSplitAcrossThreadsGiveTheSameNumbers) {
  // More rows than one task takes (16384 / hidden), so two threads share a step.
  const int threads = at::get_num_threads();
  at::set_num_threads(2);
  ExpectMatchesLibTorch({4200, 3, 2, 4});
  at::set_num_threads(threads);
}

// The masked LSTM written out step by step with LibTorch's autograd: the
// definition LstmThroughTime's recurrent mask must match.
torch::Tensor MaskedReference(const torch::Tensor& input, const std::vector<torch::Tensor>& w,
                              const torch::Tensor& mask) {
  const int64_t hidden = w[1].size(1);
  torch::Tensor h = torch::zeros({input.size(0), hidden});
  torch::Tensor c = torch::zeros({input.size(0), hidden});
  std::vector<torch::Tensor> steps;
  for (int64_t t = 0; t < input.size(1); ++t) {
    torch::Tensor gates = torch::linear(input.select(1, t), w[0], w[2]) +
                          torch::linear(h * mask, w[1], w[3]);
    std::vector<torch::Tensor> g = gates.chunk(4, 1);
    c = torch::sigmoid(g[1]) * c + torch::sigmoid(g[0]) * torch::tanh(g[2]);
    h = torch::sigmoid(g[3]) * torch::tanh(c);
    steps.push_back(h);
  }
  return torch::stack(steps, 1);
}

TEST(LstmRecurrenceTest, RecurrentMaskOutputsAndGradientsMatchTheStepByStepDefinition) {
  for (const Shape& shape : std::vector<Shape>{{3, 5, 4, 6}, {9, 8, 7, 12}, {2, 1, 3, 4}}) {
    SCOPED_TRACE(::testing::Message() << "batch " << shape.batch << " time " << shape.time);
    torch::manual_seed(21);
    torch::nn::LSTM lstm(torch::nn::LSTMOptions(shape.in, shape.hidden).batch_first(true));
    const torch::Tensor input = torch::randn({shape.batch, shape.time, shape.in});
    const torch::Tensor weights = torch::randn({shape.batch, shape.time, shape.hidden});
    const torch::Tensor mask = RecurrentDropoutMask(shape.batch, shape.hidden, 0.3, {});
    // Some units dropped and the rest scaled by 1 / (1 - p).
    EXPECT_GT((mask == 0).sum().item<int64_t>(), 0);
    EXPECT_TRUE(torch::allclose(mask.masked_select(mask > 0),
                                torch::full({1}, 1 / 0.7, mask.options())));
    std::vector<torch::Tensor> reference = TrainableCopies(lstm);
    torch::Tensor reference_input = input.clone().requires_grad_(true);
    torch::Tensor expected = MaskedReference(reference_input, reference, mask);
    (expected * weights).sum().backward();
    std::vector<torch::Tensor> ours = TrainableCopies(lstm);
    torch::Tensor ours_input = input.clone().requires_grad_(true);
    torch::Tensor out = LstmThroughTime(ours_input, ours[0], ours[1], ours[2], ours[3], mask);
    (out * weights).sum().backward();
    EXPECT_TRUE(torch::allclose(out, expected, 1e-5, 1e-6))
        << (out - expected).abs().max().item<float>();
    EXPECT_TRUE(torch::allclose(ours_input.grad(), reference_input.grad(), 1e-4, 1e-5));
    for (size_t i = 0; i < ours.size(); ++i) {
      EXPECT_TRUE(torch::allclose(ours[i].grad(), reference[i].grad(), 1e-4, 1e-5))
          << i << ": " << (ours[i].grad() - reference[i].grad()).abs().max().item<float>();
    }
    // A mask of ones is the unmasked LSTM.
    EXPECT_TRUE(torch::allclose(
        LstmThroughTime(input, ours[0], ours[1], ours[2], ours[3], torch::ones_like(mask)),
        LstmThroughTime(input, ours[0], ours[1], ours[2], ours[3]), 1e-6, 1e-7));
  }
}

TEST(LstmRecurrenceTest, FrozenInputStillTrainsTheWeights) {
  // A frozen embedding: no input gradient asked for, the weights' still are.
  torch::manual_seed(9);
  torch::nn::LSTM reference(torch::nn::LSTMOptions(3, 5).batch_first(true));
  const torch::Tensor input = torch::randn({4, 6, 3});
  std::get<0>(reference(input)).sum().backward();
  std::vector<torch::Tensor> ours = TrainableCopies(reference);
  LstmThroughTime(input, ours[0], ours[1], ours[2], ours[3]).sum().backward();
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_TRUE(torch::allclose(ours[i].grad(), reference->all_weights()[i].grad(), 1e-4, 1e-5))
        << i;
  }
}

// The LSTM under bfloat16 autocast, by definition: every product multiplies
// bfloat16 operands and comes back as float32, in the same shapes (time
// major) as LstmThroughTime's; everything else in float32 under autograd.
torch::Tensor BFloat16ProductReference(const torch::Tensor& input,
                                       const std::vector<torch::Tensor>& w,
                                       const torch::Tensor& mask) {
  const auto product = [](const torch::Tensor& a, const torch::Tensor& b) {
    return torch::mm(a.to(torch::kBFloat16), b.to(torch::kBFloat16)).to(torch::kFloat);
  };
  const int64_t batch = input.size(0), time = input.size(1), hidden = w[1].size(1);
  const torch::Tensor time_major = input.transpose(0, 1).contiguous();
  const torch::Tensor projected =
      (product(time_major.view({time * batch, input.size(2)}), w[0].t()) + (w[2] + w[3]))
          .view({time, batch, 4 * hidden});
  torch::Tensor h = torch::zeros({batch, hidden});
  torch::Tensor c = torch::zeros({batch, hidden});
  std::vector<torch::Tensor> steps;
  for (int64_t t = 0; t < time; ++t) {
    torch::Tensor gates = projected[t];
    if (t > 0) gates = gates + product(mask.defined() ? h * mask : h, w[1].t());
    std::vector<torch::Tensor> g = gates.chunk(4, 1);
    c = torch::sigmoid(g[1]) * c + torch::sigmoid(g[0]) * torch::tanh(g[2]);
    h = torch::sigmoid(g[3]) * torch::tanh(c);
    steps.push_back(h);
  }
  return torch::stack(steps, 1);
}

float MaxDifference(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<float>();
}

// A student trained under bfloat16 autocast: the recurrence's products are
// bfloat16 (so it differs from float32) and the rest float32 (so it matches
// the definition above), with or without a recurrent mask.
TEST(LstmRecurrenceTest, UnderAutocastTheProductsAreBFloat16) {
  for (const bool with_mask : {false, true}) {
    SCOPED_TRACE(with_mask ? "masked" : "unmasked");
    torch::manual_seed(5);
    torch::nn::LSTM lstm(torch::nn::LSTMOptions(8, 6).batch_first(true));
    const torch::Tensor input = torch::randn({3, 7, 8});
    const torch::Tensor weights = torch::randn({3, 7, 6});
    const torch::Tensor mask = with_mask ? RecurrentDropoutMask(3, 6, 0.3, {}) : torch::Tensor();
    std::vector<torch::Tensor> plain = TrainableCopies(lstm);
    std::vector<torch::Tensor> mixed = TrainableCopies(lstm);
    std::vector<torch::Tensor> reference = TrainableCopies(lstm);
    torch::Tensor plain_input = input.clone().requires_grad_(true);
    torch::Tensor mixed_input = input.clone().requires_grad_(true);
    torch::Tensor reference_input = input.clone().requires_grad_(true);
    const torch::Tensor float32 =
        LstmThroughTime(plain_input, plain[0], plain[1], plain[2], plain[3], mask);
    (float32 * weights).sum().backward();
    torch::Tensor outputs;
    {
      AutocastScope autocast(c10::DeviceType::CPU, TrainingPrecision::kBFloat16);
      ASSERT_TRUE(autocast.active());
      outputs = LstmThroughTime(mixed_input, mixed[0], mixed[1], mixed[2], mixed[3], mask);
    }
    (outputs * weights).sum().backward();
    const torch::Tensor expected = BFloat16ProductReference(reference_input, reference, mask);
    (expected * weights).sum().backward();

    EXPECT_EQ(outputs.scalar_type(), torch::kFloat);
    EXPECT_GT(MaxDifference(outputs, float32), 1e-4) << "the products were not bfloat16";
    EXPECT_LT(MaxDifference(outputs, expected), 1e-5);
    // Gradients: the reference rounds each step's weight gradient to
    // bfloat16, the recurrence rounds their sum once; both stay within
    // bfloat16's relative precision of the float32 gradients.
    std::vector<std::pair<torch::Tensor, torch::Tensor>> gradients = {
        {mixed_input.grad(), reference_input.grad()}};
    for (size_t i = 0; i < mixed.size(); ++i) gradients.push_back({mixed[i].grad(), reference[i].grad()});
    for (size_t i = 0; i < gradients.size(); ++i) {
      const float scale = gradients[i].second.abs().max().item<float>();
      EXPECT_LT(MaxDifference(gradients[i].first, gradients[i].second), 2e-2 * scale) << i;
    }
    const float input_scale = plain_input.grad().abs().max().item<float>();
    EXPECT_LT(MaxDifference(mixed_input.grad(), plain_input.grad()), 2e-2 * input_scale);
    EXPECT_GT(MaxDifference(mixed[1].grad(), plain[1].grad()), 0.0f);
  }
}

TEST(LstmRecurrenceTest, WithoutGradientsAndInInferenceMode) {
  torch::manual_seed(3);
  torch::nn::LSTM reference(torch::nn::LSTMOptions(5, 7).batch_first(true));
  const torch::Tensor input = torch::randn({2, 6, 5});
  const std::vector<torch::Tensor> w = reference->all_weights();
  torch::Tensor expected;
  {
    torch::NoGradGuard no_grad;
    expected = std::get<0>(reference(input));
    EXPECT_TRUE(torch::allclose(LstmThroughTime(input, w[0], w[1], w[2], w[3]), expected, 1e-5,
                                1e-6));
  }
  c10::InferenceMode inference;
  EXPECT_TRUE(
      torch::allclose(LstmThroughTime(input, w[0], w[1], w[2], w[3]), expected, 1e-5, 1e-6));
}

TEST(LstmRecurrenceTest, DoublePrecisionGoesToLibTorchsLstm) {
  torch::manual_seed(4);
  torch::nn::LSTM reference(torch::nn::LSTMOptions(3, 4).batch_first(true));
  reference->to(torch::kDouble);
  const torch::Tensor input = torch::randn({2, 5, 3}, torch::kDouble);
  const std::vector<torch::Tensor> w = reference->all_weights();
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(LstmThroughTime(input, w[0], w[1], w[2], w[3]),
                              std::get<0>(reference(input))));
}

TEST(LstmRecurrenceTest, DoublePrecisionFallbackTrains) {
  torch::manual_seed(6);
  torch::nn::LSTM reference(torch::nn::LSTMOptions(3, 4).batch_first(true));
  reference->to(torch::kDouble);
  const torch::Tensor input = torch::randn({2, 5, 3}, torch::kDouble);
  std::get<0>(reference(input)).sum().backward();
  std::vector<torch::Tensor> ours = TrainableCopies(reference);
  LstmThroughTime(input, ours[0], ours[1], ours[2], ours[3]).sum().backward();
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_TRUE(torch::allclose(ours[i].grad(), reference->all_weights()[i].grad())) << i;
  }
}

// cuDNN's LSTM (the fallback on CUDA) against the hand-written CPU one:
// outputs and weight gradients, within cuDNN's TF32 rounding. Skipped
// without a GPU.
TEST(LstmRecurrenceTest, CudaFallbackMatchesTheCpuRecurrence) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  torch::manual_seed(8);
  const torch::Tensor input = torch::randn({5, 7, 6});
  std::vector<torch::Tensor> cpu, cuda;
  for (const auto& shape : std::vector<std::vector<int64_t>>{{16, 6}, {16, 4}, {16}, {16}}) {
    cpu.push_back(torch::randn(shape).mul_(0.3).requires_grad_(true));
    cuda.push_back(cpu.back().detach().to(torch::kCUDA).requires_grad_(true));
  }
  const torch::Tensor cpu_out = LstmThroughTime(input, cpu[0], cpu[1], cpu[2], cpu[3]);
  const torch::Tensor cuda_out =
      LstmThroughTime(input.to(torch::kCUDA), cuda[0], cuda[1], cuda[2], cuda[3]);
  (cpu_out * cpu_out).sum().backward();
  (cuda_out * cuda_out).sum().backward();
  EXPECT_TRUE(torch::allclose(cuda_out.cpu(), cpu_out, 2e-3, 2e-3));
  for (size_t i = 0; i < cpu.size(); ++i) {
    EXPECT_TRUE(torch::allclose(cuda[i].grad().cpu(), cpu[i].grad(), 5e-3, 5e-3)) << i;
  }
}

TEST(LstmRecurrenceTest, MismatchedWeightsAreRefusedWithTheirShapes) {
  const torch::Tensor input = torch::randn({2, 3, 4});
  try {
    LstmThroughTime(input, torch::randn({12, 4}), torch::randn({8, 2}), torch::zeros({8}),
                    torch::zeros({8}));
    FAIL() << "expected an error";
  } catch (const c10::Error& error) {
    EXPECT_NE(std::string(error.what()).find("[4h, in] and [4h, h]"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace kdbench
