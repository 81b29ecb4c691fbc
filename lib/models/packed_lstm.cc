#include "lib/models/packed_lstm.h"

#include <ATen/ATen.h>
#include <c10/util/BFloat16.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace kdbench {
namespace {

using dnnl::memory;
using DataType = memory::data_type;
using Tag = memory::format_tag;

std::string IsaName(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41:
      return "sse41";
    case dnnl::cpu_isa::avx:
      return "avx";
    case dnnl::cpu_isa::avx2:
      return "avx2";
    case dnnl::cpu_isa::avx2_vnni:
      return "avx2_vnni";
    case dnnl::cpu_isa::avx512_core:
      return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx:
      return "avx512_core_amx";
    default:
      return "other";
  }
}

// Whether u8 x s8 products accumulate without 16-bit saturation (VNNI);
// without it the data keep 7 bits, as oneDNN's int8 RNN examples do.
// Only the AVX-512 VNNI levels: on avx2_vnni oneDNN 2.6 runs int8 RNNs
// through a gemm not known to use VNNI, so the safe 7 bits there.
bool HasVnni(dnnl::cpu_isa isa) {
  return isa == dnnl::cpu_isa::avx512_core_vnni || isa == dnnl::cpu_isa::avx512_core_bf16 ||
         isa == dnnl::cpu_isa::avx512_core_amx;
}

DataType DataTypeOf(InferencePrecision precision) {
  switch (precision) {
    case InferencePrecision::kBFloat16:
      return DataType::bf16;
    case InferencePrecision::kInt8:
      return DataType::u8;
    case InferencePrecision::kFloat32:
      break;
  }
  return DataType::f32;
}

DataType WeightTypeOf(InferencePrecision precision) {
  switch (precision) {
    case InferencePrecision::kBFloat16:
      return DataType::bf16;
    case InferencePrecision::kInt8:
      return DataType::s8;
    case InferencePrecision::kFloat32:
      break;
  }
  return DataType::f32;
}

// int8 kernels write float32 outputs (no requantization); bfloat16 ones
// only bfloat16.
DataType OutputTypeOf(InferencePrecision precision) {
  return precision == InferencePrecision::kBFloat16 ? DataType::bf16
                                                    : DataType::f32;
}

}  // namespace

struct PackedLstm::State {
  PackedLstmOptions::Direction direction;
  InferencePrecision precision;
  int64_t input_size = 0, hidden = 0;
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  dnnl::primitive_attr attr;  // the primitive's: quantization, user scratchpad
  dnnl::primitive_attr reorder_attr;  // the weights' reorder: quantization only
  // int8: inputs are scaled by data_scale / input_range, shifted by data_shift.
  float data_scale = 1, data_shift = 0, input_range = 1;
  // One matrix (input or recurrent): torch's weights as oneDNN's ldigo
  // (float32), kept to pack for a layout not seen yet, and the packed copies
  // by layout. Apart per matrix: with input size = hidden size their layouts
  // are equal descriptors.
  struct Weights {
    at::Tensor user;
    std::vector<std::pair<memory::desc, memory>> packed;
  };
  Weights weights_layer, weights_iter;
  memory bias;
  // One primitive per sequence length (oneDNN's shapes are fixed at creation).
  struct ForLength {
    dnnl::lstm_forward primitive;
    memory weights_layer, weights_iter, scratchpad, input, output;
    std::string implementation;
  };
  std::unordered_map<int64_t, ForLength> by_length;

  memory Packed(const memory::desc& desc, Weights& weights) {
    for (const auto& [known, packed_memory] : weights.packed) {
      if (known == desc) return packed_memory;
    }
    const int64_t rows = weights.user.size(0);
    memory user_memory({{1, 1, rows, 4, hidden}, DataType::f32, Tag::ldigo},
                       engine, weights.user.data_ptr<float>());
    memory packed_memory(desc, engine);
    dnnl::reorder(user_memory, packed_memory, reorder_attr)
        .execute(stream, user_memory, packed_memory);
    stream.wait();
    weights.packed.emplace_back(desc, packed_memory);
    return packed_memory;
  }

  ForLength& For(int64_t time) {
    auto found = by_length.find(time);
    if (found != by_length.end()) return found->second;
    const memory::dim t = time;
    const memory::desc input_desc({t, 1, input_size}, DataTypeOf(precision),
                                  Tag::tnc);
    const memory::desc output_desc({t, 1, hidden}, OutputTypeOf(precision),
                                   Tag::tnc);
    const memory::desc weights_layer_any({1, 1, input_size, 4, hidden},
                                         WeightTypeOf(precision), Tag::any);
    const memory::desc weights_iter_any({1, 1, hidden, 4, hidden},
                                        WeightTypeOf(precision), Tag::any);
    const auto rnn_direction =
        direction == PackedLstmOptions::Direction::kLeftToRight
            ? dnnl::rnn_direction::unidirectional_left2right
            : dnnl::rnn_direction::unidirectional_right2left;
    dnnl::lstm_forward::primitive_desc descriptor(
        dnnl::lstm_forward::desc(
            dnnl::prop_kind::forward_inference, rnn_direction, input_desc,
            memory::desc(), memory::desc(), weights_layer_any, weights_iter_any,
            bias.get_desc(), output_desc, memory::desc(), memory::desc()),
        attr, engine);
    ForLength entry;
    entry.primitive = dnnl::lstm_forward(descriptor);
    entry.weights_layer =
        Packed(descriptor.weights_layer_desc(), weights_layer);
    entry.weights_iter = Packed(descriptor.weights_iter_desc(), weights_iter);
    entry.scratchpad = memory(descriptor.scratchpad_desc(), engine);
    entry.input = memory(descriptor.src_layer_desc(), engine);
    entry.output = memory(descriptor.dst_layer_desc(), engine);
    entry.implementation = descriptor.impl_info_str();
    return by_length.emplace(time, std::move(entry)).first->second;
  }
};

PackedLstm::PackedLstm(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
PackedLstm::~PackedLstm() = default;

absl::StatusOr<std::unique_ptr<PackedLstm>> PackedLstm::Create(
    const PackedLstmOptions& options) {
  const at::Tensor weight_ih =
      options.weight_ih.detach().to(at::kCPU, at::kFloat).contiguous();
  const at::Tensor weight_hh =
      options.weight_hh.detach().to(at::kCPU, at::kFloat).contiguous();
  const int64_t hidden = weight_hh.size(1);
  if (weight_ih.dim() != 2 || weight_hh.dim() != 2 ||
      weight_ih.size(0) != 4 * hidden || weight_hh.size(0) != 4 * hidden) {
    return absl::InvalidArgumentError(
        absl::StrCat("PackedLstm: weights must be [4h, in] and [4h, h]; got [",
                     weight_ih.size(0), ", ", weight_ih.size(1), "] and [",
                     weight_hh.size(0), ", ", weight_hh.size(1), "]"));
  }
  if (options.input_range <= 0 || !std::isfinite(options.input_range)) {
    return absl::InvalidArgumentError(
        "PackedLstm: input_range must be positive and finite");
  }
  auto state = std::make_unique<State>();
  state->direction = options.direction;
  state->precision = options.precision;
  state->input_size = weight_ih.size(1);
  state->hidden = hidden;
  const dnnl::cpu_isa isa = dnnl::get_effective_cpu_isa();
  at::Tensor scaled_ih = weight_ih;
  if (options.precision == InferencePrecision::kInt8) {
    // Inputs share the hidden state's [-1, 1]: x / range, so the input
    // weights take the range. One scale per gate row over both matrices
    // (oneDNN quantizes the two with the same scales).
    state->input_range = options.input_range;
    scaled_ih = weight_ih * options.input_range;
    const bool vnni = HasVnni(isa);
    state->data_scale = vnni ? 127.f : 63.f;
    state->data_shift = vnni ? 128.f : 64.f;
    const at::Tensor row_max =
        at::maximum(scaled_ih.abs().amax(1), weight_hh.abs().amax(1))
            .clamp_min(1e-12f)
            .contiguous();
    std::vector<float> scales(4 * hidden);
    for (int64_t row = 0; row < 4 * hidden; ++row) {
      scales[row] = 127.f / row_max.data_ptr<float>()[row];
    }
    for (dnnl::primitive_attr* attr : {&state->attr, &state->reorder_attr}) {
      attr->set_rnn_data_qparams(state->data_scale, state->data_shift);
      // Dimensions (l, d, i, g, o): one scale per (gate, output).
      attr->set_rnn_weights_qparams((1 << 3) | (1 << 4), scales);
    }
  }
  state->attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  // oneDNN's ldigo is [in, gate, out]: torch's [4h, in] transposed.
  state->weights_layer.user = scaled_ih.t().contiguous();
  state->weights_iter.user = weight_hh.t().contiguous();
  try {
    state->bias =
        memory({{1, 1, 4, hidden}, DataType::f32, Tag::ldgo}, state->engine);
    const at::Tensor bias =
        (options.bias_ih.detach() + options.bias_hh.detach())
            .to(at::kCPU, at::kFloat)
            .contiguous();
    if (bias.numel() != 4 * hidden) {
      return absl::InvalidArgumentError(
          absl::StrCat("PackedLstm: biases must have 4h = ", 4 * hidden, " values"));
    }
    std::copy_n(bias.data_ptr<float>(), 4 * hidden,
                static_cast<float*>(state->bias.get_data_handle()));
    // A one-step primitive now: packs the weights here, not on the first
    // example.
    state->For(1);
  } catch (const dnnl::error& error) {
    // Only "no implementation" means the CPU lacks the kernel.
    const std::string what =
        absl::StrCat(PrecisionName(options.precision), " LSTM (oneDNN's instruction set: ",
                     IsaName(isa), "): ", error.what());
    if (error.status == dnnl_unimplemented) {
      return absl::UnimplementedError(
          absl::StrCat("PackedLstm: oneDNN has no kernel on this CPU for the ", what));
    }
    return absl::InternalError(absl::StrCat("PackedLstm: oneDNN failed to create the ", what));
  }
  return std::unique_ptr<PackedLstm>(new PackedLstm(std::move(state)));
}

absl::Status PackedLstm::Run(const float* input, int64_t time, float* output) {
  if (time < 1)
    return absl::InvalidArgumentError(
        "PackedLstm::Run: time must be at least 1");
  State& state = *state_;
  try {
    State::ForLength& entry = state.For(time);
    const int64_t in_count = time * state.input_size;
    const int64_t out_count = time * state.hidden;
    switch (state.precision) {
      case InferencePrecision::kFloat32:
        std::copy_n(input, in_count,
                    static_cast<float*>(entry.input.get_data_handle()));
        break;
      case InferencePrecision::kBFloat16: {
        auto* data = static_cast<c10::BFloat16*>(entry.input.get_data_handle());
        for (int64_t i = 0; i < in_count; ++i)
          data[i] = c10::BFloat16(input[i]);
        break;
      }
      case InferencePrecision::kInt8: {
        auto* data = static_cast<uint8_t*>(entry.input.get_data_handle());
        const float scale = state.data_scale / state.input_range;
        const float top = 2 * state.data_shift - 1;
        for (int64_t i = 0; i < in_count; ++i) {
          data[i] = static_cast<uint8_t>(std::clamp(
              std::nearbyint(input[i] * scale + state.data_shift), 0.f, top));
        }
        break;
      }
    }
    entry.primitive.execute(state.stream,
                            {{DNNL_ARG_SRC_LAYER, entry.input},
                             {DNNL_ARG_WEIGHTS_LAYER, entry.weights_layer},
                             {DNNL_ARG_WEIGHTS_ITER, entry.weights_iter},
                             {DNNL_ARG_BIAS, state.bias},
                             {DNNL_ARG_DST_LAYER, entry.output},
                             {DNNL_ARG_SCRATCHPAD, entry.scratchpad}});
    state.stream.wait();
    if (state.precision == InferencePrecision::kBFloat16) {
      const auto* data =
          static_cast<const c10::BFloat16*>(entry.output.get_data_handle());
      for (int64_t i = 0; i < out_count; ++i)
        output[i] = static_cast<float>(data[i]);
    } else {
      std::copy_n(static_cast<const float*>(entry.output.get_data_handle()),
                  out_count, output);
    }
  } catch (const dnnl::error& error) {
    return absl::InternalError(
        absl::StrCat("PackedLstm::Run: oneDNN: ", error.what()));
  }
  return absl::OkStatus();
}

int64_t PackedLstm::input_size() const { return state_->input_size; }
int64_t PackedLstm::hidden_size() const { return state_->hidden; }

int64_t PackedLstm::RecurrentWeightBytes() const {
  const auto& entry = state_->by_length.begin()->second;
  return static_cast<int64_t>(entry.weights_iter.get_desc().get_size());
}

std::string PackedLstm::KernelDescription() const {
  return absl::StrCat(state_->by_length.begin()->second.implementation, " (",
                      IsaName(dnnl::get_effective_cpu_isa()), ")");
}

}  // namespace kdbench
