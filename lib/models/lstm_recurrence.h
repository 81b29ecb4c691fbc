// One LSTM direction with a hand-written backward pass through time, for
// CPU training. LibTorch 1.13's CPU LSTM records ~15 autograd nodes per time
// step and, going back, adds a [4h, h] weight gradient per step. Here the
// time loop keeps only what is sequential (the recurrent product and the
// gates, one fused loop per step); the weight and input gradients are one
// large matrix product each over all time steps.
//
// Same parameters, gate order (i, f, g, o) and zero initial state as
// torch::nn::LSTM with one layer; outputs agree with it to float rounding
// (tests/models/lstm_recurrence_test.cc). Other devices and dtypes go to
// LibTorch's LSTM (cuDNN on CUDA). Under CPU bfloat16 autocast every matrix
// product (input projection, recurrent step, and their gradients) multiplies
// bfloat16 operands, as autocast's linear layers do; gates, cell states,
// outputs and gradients stay float32 (the input must be float32, as an
// embedding's output is).
#ifndef KDBENCH_LIB_MODELS_LSTM_RECURRENCE_H_
#define KDBENCH_LIB_MODELS_LSTM_RECURRENCE_H_

#include <ATen/core/Tensor.h>

namespace kdbench {

// input [batch, time, in] (batch first); weight_ih [4h, in], weight_hh
// [4h, h], biases [4h]. Returns h_t for every step: [batch, time, h].
//
// recurrent_mask [batch, h], optional: multiplies h_{t-1} before the
// recurrent product at every step, one mask for the whole sequence
// (variational recurrent dropout, as Keras's recurrent_dropout in the
// paper's code: 0 or 1 / (1 - p) per unit, see RecurrentDropoutMask). It is
// not differentiated. Without one the computation is exactly the unmasked
// LSTM's. With one, devices other than the CPU run a per-step loop under
// autograd (cuDNN's LSTM has no such mask).
at::Tensor LstmThroughTime(const at::Tensor& input, const at::Tensor& weight_ih,
                           const at::Tensor& weight_hh, const at::Tensor& bias_ih,
                           const at::Tensor& bias_hh,
                           const at::Tensor& recurrent_mask = at::Tensor());

// A recurrent dropout mask for `batch` rows of `hidden` units: each entry 0
// with probability p, else 1 / (1 - p), from the default generator.
at::Tensor RecurrentDropoutMask(int64_t batch, int64_t hidden, double p,
                                const at::TensorOptions& options);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_LSTM_RECURRENCE_H_
