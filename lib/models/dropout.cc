#include "lib/models/dropout.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <mutex>

namespace kdbench {
namespace {

// at::mt19937's draws, a block at a time: the same words in the same order
// as its operator(), which steps its counters one call at a time and keeps
// them in memory. `state` is the engine's own (data() / set_data()).
class MersenneTwisterWords {
 public:
  explicit MersenneTwisterWords(at::mt19937_data_pod& state) : state_(state) {}

  // Writes the next `count` words to `out`.
  void Next(uint32_t* out, int64_t count) {
    uint32_t* words = state_.state_.data();
    while (count > 0) {
      // operator() decrements left_ and regenerates the block when it hits
      // zero, then returns word next_: left_ - 1 words remain before that.
      if (state_.left_ == 1) {
        Regenerate(words);
        state_.left_ = at::MERSENNE_STATE_N;
        state_.next_ = 1;
        *out++ = Temper(words[0]);
        --count;
        continue;
      }
      const int64_t take = std::min<int64_t>(count, state_.left_ - 1);
      const uint32_t* from = words + state_.next_;
      for (int64_t i = 0; i < take; ++i) out[i] = Temper(from[i]);
      out += take;
      count -= take;
      state_.next_ += static_cast<uint32_t>(take);
      state_.left_ -= static_cast<int>(take);
    }
  }

 private:
  static uint32_t Temper(uint32_t y) {
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    return y ^ (y >> 18);
  }
  static uint32_t Twist(uint32_t u, uint32_t v) {
    return (((u & at::UMASK) | (v & at::LMASK)) >> 1) ^ ((v & 1) ? at::MATRIX_A : 0);
  }
  static void Regenerate(uint32_t* p) {
    constexpr int kN = at::MERSENNE_STATE_N, kM = at::MERSENNE_STATE_M;
    for (int j = 0; j < kN - kM; ++j) p[j] = p[j + kM] ^ Twist(p[j], p[j + 1]);
    for (int j = kN - kM; j < kN - 1; ++j) p[j] = p[j + kM - kN] ^ Twist(p[j], p[j + 1]);
    p[kN - 1] = p[kM - 1] ^ Twist(p[kN - 1], p[0]);
  }

  at::mt19937_data_pod& state_;
};

// LibTorch's bernoulli_(keep) on a contiguous float CPU tensor, element by
// element, times `scale`: a double uniform u = m / 2^53 from the low 53 bits
// m of random64() (two 32-bit draws, the first high), then u < keep. Same
// draws, same order. The comparison is done on m: m / 2^53 < keep exactly
// when m < ceil(keep * 2^53) (scaling by 2^53 is exact).
void FillBernoulliLikeLibTorch(float* out, int64_t count, double keep, float scale) {
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  auto* impl = at::check_generator<at::CPUGeneratorImpl>(generator);
  at::mt19937 engine = impl->engine();
  at::mt19937_data_pod state = engine.data();
  MersenneTwisterWords words(state);
  const auto threshold =
      static_cast<int64_t>(std::ceil(keep * static_cast<double>(uint64_t{1} << 53)));
  uint32_t scale_bits;
  std::memcpy(&scale_bits, &scale, sizeof scale_bits);
  constexpr int64_t kChunk = 512;
  uint32_t drawn[2 * kChunk];
  for (int64_t start = 0; start < count; start += kChunk) {
    const int64_t n = std::min(kChunk, count - start);
    words.Next(drawn, 2 * n);
    for (int64_t i = 0; i < n; ++i) {
      const auto m = static_cast<int64_t>((uint64_t{drawn[2 * i] & 0x1fffffu} << 32) |
                                          drawn[2 * i + 1]);
      // All ones when m < threshold (both below 2^54), by arithmetic, not
      // a comparison: compilers turn that into a branch mispredicted on
      // nearly every element.
      const auto keep_mask = static_cast<uint32_t>((m - threshold) >> 63);
      const uint32_t bits = keep_mask & scale_bits;  // scale or 0.0f
      std::memcpy(out + start + i, &bits, sizeof bits);
    }
  }
  engine.set_data(state);
  impl->set_engine(engine);
}

}  // namespace

at::Tensor ApplyDropout(const at::Tensor& input, double p, bool train) {
  TORCH_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
  if (!train || p == 0 || input.numel() == 0) return input;
  // Non-contiguous input too: LibTorch 1.13 draws its mask in logical order
  // and 2.x in the input's memory order (its noise keeps the input's
  // strides), and our models' dropout inputs are all contiguous anyway.
  if (p == 1 || !input.device().is_cpu() || input.scalar_type() != at::kFloat ||
      !input.is_contiguous()) {
    return torch::dropout(input, p, train);
  }
  // As LibTorch's _dropout_impl: noise = bernoulli(1 - p) / (1 - p); input * noise.
  // The noise is 0 / (1 - p) = 0 or 1 / (1 - p), the latter computed by the
  // same division on a one-element tensor, and written in the same pass as
  // the mask instead of dividing the whole noise afterwards.
  const float scale = at::ones({1}, input.options()).div_(1 - p).item<float>();
  at::Tensor noise = at::empty_like(input, at::MemoryFormat::Contiguous);
  FillBernoulliLikeLibTorch(noise.data_ptr<float>(), noise.numel(), 1 - p, scale);
  return input * noise;
}

DropoutImpl::DropoutImpl(DropoutOptions options_in) : options(options_in) { reset(); }

void DropoutImpl::reset() {
  TORCH_CHECK(options.p() >= 0 && options.p() <= 1,
              "dropout probability has to be between 0 and 1, but got ", options.p());
}

at::Tensor DropoutImpl::forward(const at::Tensor& input) {
  return ApplyDropout(input, options.p(), is_training());
}

}  // namespace kdbench
