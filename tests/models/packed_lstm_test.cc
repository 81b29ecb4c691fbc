#include "lib/models/packed_lstm.h"

#include <torch/torch.h>

#include <vector>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

constexpr int64_t kInput = 16, kHidden = 24;

struct Fixture {
  int64_t input = kInput;
  torch::nn::LSTM lstm{nullptr};
  PackedLstmOptions Options(PackedLstmOptions::Direction direction,
                            InferencePrecision precision) const {
    const std::vector<torch::Tensor> weights = lstm->all_weights();
    PackedLstmOptions options;
    options.weight_ih = weights[0];
    options.weight_hh = weights[1];
    options.bias_ih = weights[2];
    options.bias_hh = weights[3];
    options.direction = direction;
    options.precision = precision;
    options.input_range = 1;
    return options;
  }
};

// input: the input size; kHidden makes both matrices the same shape (the
// mini students' 128 x 128), whose packed layouts oneDNN describes alike.
Fixture MakeFixture(int64_t input = kInput) {
  torch::manual_seed(11);
  return {input, torch::nn::LSTM(torch::nn::LSTMOptions(input, kHidden))};
}

// torch::nn::LSTM's outputs for one sequence [time, in]; reversed: read
// from the last step, output rows in input order.
torch::Tensor Reference(Fixture& fixture, const torch::Tensor& input,
                        bool reversed) {
  torch::NoGradGuard no_grad;
  torch::Tensor x = reversed ? input.flip(0) : input;
  torch::Tensor out =
      std::get<0>(fixture.lstm->forward(x.unsqueeze(1))).squeeze(1);
  return reversed ? out.flip(0) : out;
}

torch::Tensor RunPacked(PackedLstm& lstm, const torch::Tensor& input) {
  torch::Tensor out = torch::empty({input.size(0), lstm.hidden_size()});
  const absl::Status status =
      lstm.Run(input.data_ptr<float>(), input.size(0), out.data_ptr<float>());
  EXPECT_TRUE(status.ok()) << status;
  return out;
}

TEST(PackedLstmTest, Float32EqualsTorchLstmInBothDirectionsAndAnyLength) {
  for (int64_t input_size : {kInput, kHidden}) {
    Fixture fixture = MakeFixture(input_size);
    for (auto direction : {PackedLstmOptions::Direction::kLeftToRight,
                           PackedLstmOptions::Direction::kRightToLeft}) {
      absl::StatusOr<std::unique_ptr<PackedLstm>> lstm = PackedLstm::Create(
          fixture.Options(direction, InferencePrecision::kFloat32));
      ASSERT_TRUE(lstm.ok()) << lstm.status();
      const bool reversed =
          direction == PackedLstmOptions::Direction::kRightToLeft;
      // Lengths seen before and new ones, interleaved: one packed copy serves
      // all.
      for (int64_t time : {5, 1, 9, 5, 64}) {
        torch::Tensor input = torch::rand({time, input_size}) * 2 - 1;
        torch::Tensor expected = Reference(fixture, input, reversed);
        EXPECT_TRUE(
            torch::allclose(RunPacked(**lstm, input), expected, 1e-5, 1e-5))
            << "time " << time << " reversed " << reversed << " input size "
            << input_size;
      }
      // Packed: blocked and padded, never smaller than the plain matrix.
      EXPECT_GE((*lstm)->RecurrentWeightBytes(), 4 * kHidden * kHidden * 4);
    }
  }
}

// Reduced precision: close to float32, or skipped where oneDNN has no kernel
// on this CPU (the error says so).
TEST(PackedLstmTest, ReducedPrecisionsStayCloseToFloat32) {
  Fixture fixture = MakeFixture();
  torch::Tensor input = torch::rand({40, kInput}) * 2 - 1;
  torch::Tensor expected = Reference(fixture, input, false);
  const int64_t float32_bytes = (*PackedLstm::Create(fixture.Options(
                                     PackedLstmOptions::Direction::kLeftToRight,
                                     InferencePrecision::kFloat32)))
                                    ->RecurrentWeightBytes();
  struct Case {
    InferencePrecision precision;
    double tolerance;  // absolute, on outputs in (-1, 1)
  };
  for (const Case& c : {Case{InferencePrecision::kBFloat16, 0.03},
                        Case{InferencePrecision::kInt8, 0.05}}) {
    absl::StatusOr<std::unique_ptr<PackedLstm>> lstm =
        PackedLstm::Create(fixture.Options(
            PackedLstmOptions::Direction::kLeftToRight, c.precision));
    if (!lstm.ok()) {
      ASSERT_EQ(lstm.status().code(), absl::StatusCode::kUnimplemented)
          << lstm.status();
      std::cout << "skipped " << PrecisionName(c.precision) << ": "
                << lstm.status() << "\n";
      continue;
    }
    const double error =
        (RunPacked(**lstm, input) - expected).abs().max().item<double>();
    EXPECT_LT(error, c.tolerance) << PrecisionName(c.precision);
    EXPECT_GT(error, 0) << PrecisionName(c.precision) << " is not reduced";
    EXPECT_LT((*lstm)->RecurrentWeightBytes(), float32_bytes)
        << PrecisionName(c.precision);
  }
}

TEST(PackedLstmTest, BadShapesAndRangesAreErrors) {
  Fixture fixture = MakeFixture();
  PackedLstmOptions options = fixture.Options(
      PackedLstmOptions::Direction::kLeftToRight, InferencePrecision::kFloat32);
  options.weight_hh = options.weight_hh.narrow(0, 0, kHidden);
  EXPECT_EQ(PackedLstm::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = fixture.Options(PackedLstmOptions::Direction::kLeftToRight,
                            InferencePrecision::kInt8);
  options.input_range = 0;
  EXPECT_EQ(PackedLstm::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto lstm = PackedLstm::Create(
      fixture.Options(PackedLstmOptions::Direction::kLeftToRight,
                      InferencePrecision::kFloat32));
  ASSERT_TRUE(lstm.ok());
  float unused = 0;
  EXPECT_EQ((*lstm)->Run(&unused, 0, &unused).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(InferencePrecisionTest, NamesRoundTripAndUnknownNamesListTheKnown) {
  for (InferencePrecision precision : AllPrecisions()) {
    EXPECT_EQ(*ParsePrecision(PrecisionName(precision)), precision);
  }
  absl::StatusOr<std::vector<InferencePrecision>> list =
      ParsePrecisionList("float32, int8");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
  absl::StatusOr<InferencePrecision> unknown = ParsePrecision("fp8");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("float32, bfloat16, int8"),
            std::string::npos);
}

}  // namespace
}  // namespace kdbench
