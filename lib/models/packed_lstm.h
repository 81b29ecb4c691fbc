// One LSTM direction for inference at batch 1 (serving one example), on
// oneDNN's LSTM primitive: the weights are reordered once into the kernel's
// packed layout, the input product of every time step is one matrix
// product, and each step is one fused pass over the four gates. At batch 1
// the time loop is bound by streaming the recurrent weights (4h x h) once per
// step, which is why bfloat16 and int8 weights pay: half and a quarter of
// the bytes.
//
// Same parameters, gate order (i, f, g, o) and zero initial state as
// torch::nn::LSTM with one layer; float32 outputs agree with it to float
// rounding (tests/models/packed_lstm_test.cc).
//
// int8: inputs and hidden states are quantized to u8 with one scale,
// 127 / range, and shift 128, where the hidden state's range is 1 (tanh) and
// the inputs' is `input_range`, folded into the input weights so that both
// share [-1, 1]; weights are s8 with one scale per gate row. bfloat16: inputs,
// weights and outputs bfloat16, the gates' arithmetic float32 inside the
// kernel.
//
// Not thread-safe: one caller at a time per object (two objects may run at
// once, which is how the two directions of a BiLSTM overlap).
#ifndef KDBENCH_LIB_MODELS_PACKED_LSTM_H_
#define KDBENCH_LIB_MODELS_PACKED_LSTM_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/models/inference_precision.h"

namespace kdbench {

struct PackedLstmOptions {
  enum class Direction { kLeftToRight, kRightToLeft };
  // torch::nn::LSTM's: weight_ih [4h, in], weight_hh [4h, h], biases [4h].
  at::Tensor weight_ih, weight_hh, bias_ih, bias_hh;
  // kRightToLeft reads the input from its last step to its first; output
  // row t is still the state at input position t.
  Direction direction = Direction::kLeftToRight;
  InferencePrecision precision = InferencePrecision::kFloat32;
  // int8 only: the largest |input| expected; larger inputs saturate.
  float input_range = 1;
};

class PackedLstm {
 public:
  // Packs the weights. An error when the CPU (as oneDNN sees it) has no
  // kernel for the precision, naming the precision and oneDNN's ISA.
  static absl::StatusOr<std::unique_ptr<PackedLstm>> Create(
      const PackedLstmOptions& options);
  ~PackedLstm();
  PackedLstm(const PackedLstm&) = delete;
  PackedLstm& operator=(const PackedLstm&) = delete;

  // input: [time, input_size] float32, row-major; output: [time, hidden]
  // float32. time >= 1.
  absl::Status Run(const float* input, int64_t time, float* output);

  int64_t input_size() const;
  int64_t hidden_size() const;
  // The packed recurrent weights' bytes: what one time step streams.
  int64_t RecurrentWeightBytes() const;
  // oneDNN's implementation and the CPU instruction set it dispatched to.
  std::string KernelDescription() const;

 private:
  struct State;
  explicit PackedLstm(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_PACKED_LSTM_H_
