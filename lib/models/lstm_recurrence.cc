#include "lib/models/lstm_recurrence.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <vector>

#include "lib/models/dropout.h"
#include "lib/models/mixed_precision.h"

namespace kdbench {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// Rows per task for the per-step loops: enough work per thread (~16k
// elements) that splitting a small batch does not cost more than it saves.
int64_t RowGrain(int64_t hidden) {
  return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, hidden));
}

// One row of c_t = f * c_{t-1} + i * g, as LibTorch's cell computes it
// (c_{-1} = 0 included), so the forward values round the same way. Rows are
// functions of their own with restrict parameters so the loops vectorise.
void CellRow(const float* __restrict__ in, const float* __restrict__ forget,
             const float* __restrict__ candidate, const float* __restrict__ before,
             float* __restrict__ cell, int64_t hidden) {
  for (int64_t j = 0; j < hidden; ++j) cell[j] = forget[j] * before[j] + in[j] * candidate[j];
}

// Over activated gates [batch, 4h] (i, f, g, o).
void UpdateCell(const float* gates, const float* previous_cell, float* cell, int64_t batch,
                int64_t hidden) {
  at::parallel_for(0, batch, RowGrain(hidden), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const float* in = gates + row * 4 * hidden;
      CellRow(in, in + hidden, in + 2 * hidden, previous_cell + row * hidden,
              cell + row * hidden, hidden);
    }
  });
}

// One row of one step back: from dL/dh_t and dL/dc_t (in `dc`), the gates'
// pre-activation gradients; `dc` becomes dL/dc_{t-1}.
void GateGradientRow(const float* __restrict__ in, const float* __restrict__ forget,
                     const float* __restrict__ candidate, const float* __restrict__ out,
                     const float* __restrict__ tanh_c, const float* __restrict__ before,
                     const float* __restrict__ dh, float* __restrict__ dc,
                     float* __restrict__ d_in, float* __restrict__ d_forget,
                     float* __restrict__ d_candidate, float* __restrict__ d_out, int64_t hidden) {
  for (int64_t j = 0; j < hidden; ++j) {
    const float dc_t = dc[j] + dh[j] * out[j] * (1.0f - tanh_c[j] * tanh_c[j]);
    d_in[j] = dc_t * candidate[j] * in[j] * (1.0f - in[j]);
    d_forget[j] = dc_t * before[j] * forget[j] * (1.0f - forget[j]);
    d_candidate[j] = dc_t * in[j] * (1.0f - candidate[j] * candidate[j]);
    d_out[j] = dh[j] * tanh_c[j] * out[j] * (1.0f - out[j]);
    dc[j] = dc_t * forget[j];
  }
}

// One step back over the batch: dL/dh_t is this step's output gradient plus
// the next step's recurrent one; gate gradients [batch, 4h].
void GateGradients(const float* gates, const float* tanh_cell, const float* previous_cell,
                   const float* hidden_gradient, float* cell_gradient, float* gate_gradients,
                   int64_t batch, int64_t hidden) {
  at::parallel_for(0, batch, RowGrain(hidden), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const float* in = gates + row * 4 * hidden;
      float* d_in = gate_gradients + row * 4 * hidden;
      const int64_t offset = row * hidden;
      GateGradientRow(in, in + hidden, in + 2 * hidden, in + 3 * hidden, tanh_cell + offset,
                      previous_cell + offset, hidden_gradient + offset, cell_gradient + offset,
                      d_in, d_in + hidden, d_in + 2 * hidden, d_in + 3 * hidden, hidden);
    }
  });
}

// a · b in float32, or with bfloat16 operands (oneDNN accumulates in
// float32; the product is rounded to bfloat16 once) returned as float32.
at::Tensor Product(const at::Tensor& a, const at::Tensor& b, bool bfloat16) {
  if (!bfloat16) return at::mm(a, b);
  return at::mm(a.to(at::kBFloat16), b.to(at::kBFloat16)).to(at::kFloat);
}

class LstmRecurrence : public torch::autograd::Function<LstmRecurrence> {
 public:
  // input [time, batch, in] contiguous; bias = bias_ih + bias_hh; mask
  // [batch, h] or none (see LstmThroughTime). The mask is not a Tensor
  // argument: autograd records every Tensor argument as an input, and an
  // undefined one cannot be. bfloat16_products: every matrix product, here
  // and going back, multiplies bfloat16 operands; gates, cell states,
  // outputs and gradients stay float32.
  static at::Tensor forward(AutogradContext* context, const at::Tensor& input,
                            const at::Tensor& weight_ih, const at::Tensor& weight_hh,
                            const at::Tensor& bias, const c10::optional<at::Tensor>& mask_in,
                            bool bfloat16_products) {
    const at::Tensor mask = mask_in.has_value() ? *mask_in : at::Tensor();
    const int64_t time = input.size(0), batch = input.size(1), hidden = weight_hh.size(1);
    // Pre-activations from the input for every step at once; each step then
    // adds its recurrent product and activates in place.
    const at::Tensor flat_input = input.view({time * batch, input.size(2)});
    at::Tensor gates = bfloat16_products
                           ? Product(flat_input, weight_ih.t(), true).add_(bias)
                           : at::addmm(bias, flat_input, weight_ih.t());
    gates = gates.view({time, batch, 4 * hidden});
    at::Tensor cells = at::empty({time, batch, hidden}, input.options());
    at::Tensor tanh_cells = at::empty_like(cells);
    at::Tensor outputs = at::empty_like(cells);
    // Converted once for all steps.
    const at::Tensor weight_hh_t =
        bfloat16_products ? weight_hh.t().to(at::kBFloat16) : weight_hh.t();
    const at::Tensor initial_cell = at::zeros({batch, hidden}, input.options());
    const bool masked = mask.defined();
    at::Tensor masked_previous = masked ? at::empty({batch, hidden}, input.options()) : mask;
    for (int64_t t = 0; t < time; ++t) {
      at::Tensor step_gates = gates[t];
      if (t > 0) {
        const at::Tensor previous =
            masked ? at::mul_out(masked_previous, outputs[t - 1], mask) : outputs[t - 1];
        if (bfloat16_products) {
          step_gates.add_(Product(previous, weight_hh_t, true));
        } else {
          step_gates.addmm_(previous, weight_hh_t);
        }
      }
      step_gates.narrow(1, 0, 2 * hidden).sigmoid_();
      step_gates.narrow(1, 2 * hidden, hidden).tanh_();
      step_gates.narrow(1, 3 * hidden, hidden).sigmoid_();
      at::Tensor cell = cells[t];
      UpdateCell(step_gates.data_ptr<float>(),
                 (t > 0 ? cells[t - 1] : initial_cell).data_ptr<float>(), cell.data_ptr<float>(),
                 batch, hidden);
      at::Tensor tanh_cell = tanh_cells[t];
      at::tanh_out(tanh_cell, cell);
      at::Tensor output = outputs[t];
      at::mul_out(output, step_gates.narrow(1, 3 * hidden, hidden), tanh_cell);
    }
    context->save_for_backward({input, weight_ih, weight_hh, gates, cells, tanh_cells, outputs});
    if (masked) context->saved_data["mask"] = mask;
    context->saved_data["bfloat16_products"] = bfloat16_products;
    return outputs;
  }

  static tensor_list backward(AutogradContext* context, tensor_list output_gradients) {
    const auto saved = context->get_saved_variables();
    const at::Tensor& input = saved[0];
    const at::Tensor& weight_ih = saved[1];
    const at::Tensor& weight_hh = saved[2];
    const at::Tensor& gates = saved[3];
    const at::Tensor& cells = saved[4];
    const at::Tensor& tanh_cells = saved[5];
    const at::Tensor& outputs = saved[6];
    const at::Tensor mask =
        context->saved_data.count("mask") ? context->saved_data["mask"].toTensor() : at::Tensor();
    const bool bfloat16_products = context->saved_data["bfloat16_products"].toBool();
    const int64_t time = input.size(0), batch = input.size(1), hidden = weight_hh.size(1);
    const at::Tensor recurrent_weight =
        bfloat16_products ? weight_hh.to(at::kBFloat16) : weight_hh;
    at::Tensor output_gradient = output_gradients[0].defined()
                                     ? output_gradients[0].contiguous()
                                     : at::zeros_like(outputs);
    at::Tensor gate_gradients = at::empty_like(gates);
    at::Tensor hidden_gradient = at::empty({batch, hidden}, input.options());
    at::Tensor cell_gradient = at::zeros({batch, hidden}, input.options());
    const at::Tensor initial_cell = at::zeros({batch, hidden}, input.options());
    for (int64_t t = time - 1; t >= 0; --t) {
      if (t == time - 1) {
        hidden_gradient.copy_(output_gradient[t]);
      } else if (bfloat16_products) {
        hidden_gradient.copy_(Product(gate_gradients[t + 1], recurrent_weight, true));
        if (mask.defined()) hidden_gradient.mul_(mask);
        hidden_gradient.add_(output_gradient[t]);
      } else if (mask.defined()) {
        // h_t reached step t + 1 through the mask.
        at::mm_out(hidden_gradient, gate_gradients[t + 1], weight_hh);
        hidden_gradient.mul_(mask).add_(output_gradient[t]);
      } else {
        at::addmm_out(hidden_gradient, output_gradient[t], gate_gradients[t + 1], weight_hh);
      }
      GateGradients(gates[t].data_ptr<float>(), tanh_cells[t].data_ptr<float>(),
                    (t > 0 ? cells[t - 1] : initial_cell).data_ptr<float>(),
                    hidden_gradient.data_ptr<float>(), cell_gradient.data_ptr<float>(),
                    gate_gradients[t].data_ptr<float>(), batch, hidden);
    }
    // Everything not sequential, as one product over all steps; only the
    // gradients asked for (a frozen embedding needs no input gradient).
    const at::Tensor flat_gate_gradients = gate_gradients.view({time * batch, 4 * hidden});
    at::Tensor input_gradient, weight_ih_gradient, weight_hh_gradient, bias_gradient;
    if (context->needs_input_grad(0)) {
      input_gradient = Product(flat_gate_gradients, weight_ih, bfloat16_products)
                           .view({time, batch, input.size(2)});
    }
    if (context->needs_input_grad(1)) {
      weight_ih_gradient = Product(flat_gate_gradients.t(),
                                   input.view({time * batch, input.size(2)}), bfloat16_products);
    }
    if (context->needs_input_grad(2)) {
      // h_{-1} = 0: step 0 adds nothing to the recurrent weights' gradient.
      at::Tensor previous = outputs.slice(0, 0, std::max<int64_t>(time - 1, 0));
      if (mask.defined()) previous = previous * mask;
      weight_hh_gradient =
          time > 1
              ? Product(gate_gradients.slice(0, 1).reshape({(time - 1) * batch, 4 * hidden}).t(),
                        previous.reshape({(time - 1) * batch, hidden}), bfloat16_products)
              : at::zeros_like(weight_hh);
    }
    if (context->needs_input_grad(3)) bias_gradient = flat_gate_gradients.sum(0);
    return {input_gradient, weight_ih_gradient, weight_hh_gradient, bias_gradient, at::Tensor(),
            at::Tensor()};
  }
};

// The masked LSTM where the hand-written pass does not run: one step at a
// time under autograd, gates (i, f, g, o) as torch::nn::LSTM orders them.
at::Tensor MaskedLstmSteps(const at::Tensor& input, const at::Tensor& weight_ih,
                           const at::Tensor& weight_hh, const at::Tensor& bias_ih,
                           const at::Tensor& bias_hh, const at::Tensor& mask) {
  const int64_t batch = input.size(0), time = input.size(1), hidden = weight_hh.size(1);
  const at::Tensor projected = at::linear(input, weight_ih, bias_ih + bias_hh);
  at::Tensor h = at::zeros({batch, hidden}, input.options());
  at::Tensor c = at::zeros({batch, hidden}, input.options());
  std::vector<at::Tensor> steps;
  for (int64_t t = 0; t < time; ++t) {
    at::Tensor gates = projected.select(1, t);
    if (t > 0) gates = gates + at::mm(h * mask, weight_hh.t());
    const std::vector<at::Tensor> g = gates.chunk(4, 1);
    c = at::sigmoid(g[1]) * c + at::sigmoid(g[0]) * at::tanh(g[2]);
    h = at::sigmoid(g[3]) * at::tanh(c);
    steps.push_back(h);
  }
  return at::stack(steps, 1);
}

}  // namespace

at::Tensor RecurrentDropoutMask(int64_t batch, int64_t hidden, double p,
                                const at::TensorOptions& options) {
  return ApplyDropout(at::ones({batch, hidden}, options), p, /*train=*/true);
}

at::Tensor LstmThroughTime(const at::Tensor& input, const at::Tensor& weight_ih,
                           const at::Tensor& weight_hh, const at::Tensor& bias_ih,
                           const at::Tensor& bias_hh, const at::Tensor& recurrent_mask) {
  TORCH_CHECK(input.dim() == 3, "LstmThroughTime: input must be [batch, time, in], got ",
              input.sizes());
  TORCH_CHECK(weight_ih.size(0) == 4 * weight_hh.size(1) && weight_hh.size(0) == weight_ih.size(0),
              "LstmThroughTime: weights [4h, in] and [4h, h] expected, got ", weight_ih.sizes(),
              " and ", weight_hh.sizes());
  const bool hand_written = input.device().is_cpu() && input.scalar_type() == at::kFloat &&
                            weight_ih.scalar_type() == at::kFloat && input.size(1) > 0 &&
                            input.size(0) > 0;
  if (recurrent_mask.defined()) {
    TORCH_CHECK(recurrent_mask.dim() == 2 && recurrent_mask.size(0) == input.size(0) &&
                    recurrent_mask.size(1) == weight_hh.size(1),
                "LstmThroughTime: recurrent mask [batch, h] expected, got ",
                recurrent_mask.sizes());
    if (!hand_written) {
      return MaskedLstmSteps(input, weight_ih, weight_hh, bias_ih, bias_hh, recurrent_mask);
    }
  }
  if (!hand_written) {
    const int64_t hidden = weight_hh.size(1);
    const at::Tensor zeros = at::zeros({1, input.size(0), hidden}, input.options());
    // cuDNN keeps what its backward pass needs only when told it trains
    // (with no dropout between layers, that is all `train` changes).
    const bool train = at::GradMode::is_enabled();
    return std::get<0>(at::lstm(input, {zeros, zeros}, {weight_ih, weight_hh, bias_ih, bias_hh},
                                /*has_biases=*/true, /*num_layers=*/1, /*dropout=*/0, train,
                                /*bidirectional=*/false, /*batch_first=*/true));
  }
  // Under bfloat16 autocast the recurrence multiplies in bfloat16 as autocast
  // would, but keeps its gates, states and gradients in float32: its own
  // kernels read float32, and autocast itself must not reach them.
  const bool bfloat16_products = CpuAutocastType() == at::kBFloat16;
  c10::impl::ExcludeDispatchKeyGuard no_autocast(c10::autocast_dispatch_keyset);
  const at::Tensor time_major = input.transpose(0, 1).contiguous();
  at::Tensor outputs =
      LstmRecurrence::apply(time_major, weight_ih.contiguous(), weight_hh.contiguous(),
                            bias_ih + bias_hh,
                            recurrent_mask.defined()
                                ? c10::optional<at::Tensor>(recurrent_mask.contiguous())
                                : c10::nullopt,
                            bfloat16_products);
  return outputs.transpose(0, 1);
}

}  // namespace kdbench
