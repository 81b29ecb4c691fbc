// Dropout that draws LibTorch's mask, bit for bit, several times faster on
// CPU. LibTorch 1.13 built without MKL (Debian's) fills dropout's Bernoulli
// mask one element at a time through an out-of-line generator call: a
// quarter of a CNN student's training step at paper size, and a visible
// share of every BERT teacher's. Here the same Mersenne Twister draws, in the
// same order, feed the same comparison in an inlined loop, and the default
// generator is left in the state LibTorch would leave it in. So every model,
// seed and stored result is unchanged (tests/models/dropout_test.cc compares
// masks, outputs, gradients and the generator's next draws with LibTorch's).
// CUDA, non-float and non-contiguous tensors go to torch::dropout. Checked
// against LibTorch 1.13 here and PyTorch 2.11's LibTorch on a GPU machine
// (tools/gpu/tests_on_gpu.sh).
#ifndef KDBENCH_LIB_MODELS_DROPOUT_H_
#define KDBENCH_LIB_MODELS_DROPOUT_H_

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

namespace kdbench {

// torch::dropout(input, p, train): zeroes each element with probability p
// and scales the rest by 1 / (1 - p) when training; the input otherwise.
at::Tensor ApplyDropout(const at::Tensor& input, double p, bool train);

struct DropoutOptions {
  /* implicit */ DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT: as torch::nn's
  TORCH_ARG(double, p);
};

// A drop-in for torch::nn::Dropout (no parameters, so checkpoints are
// unchanged); training or evaluation follows the module's mode.
class DropoutImpl : public torch::nn::Cloneable<DropoutImpl> {
 public:
  explicit DropoutImpl(DropoutOptions options = {});
  void reset() override;
  at::Tensor forward(const at::Tensor& input);

  DropoutOptions options;
};
TORCH_MODULE(Dropout);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_DROPOUT_H_
