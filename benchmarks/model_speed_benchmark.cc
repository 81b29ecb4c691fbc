// What distillation buys: the speed of the teachers and of every student, at
// the mini profile's sizes and at the paper's (BERT Base 12x768 and Large
// 24x1024 against the 300-d, 600-per-direction BiLSTM), for inference at
// batch 1 (latency, one thread) and batch 64 (throughput, all threads) and
// for a training step at batch 64. Counters: examples/s, tokens/s, FLOP/s
// (lib/models/model_flops), share_of_peak against the float matmul rate
// measured first in the same run with the same threads, parameters, and
// the peak resident memory while the model ran (peak_rss_mb). With
// --device=cuda everything runs on the GPU (timings end with a device
// synchronisation) and --teacher_autocast=bf16|fp16 runs the teachers under
// autocast (on the CPU bf16 only).
//
//   bazel run -c opt //benchmarks:model_speed_benchmark -- --benchmark_filter=size:mini
#include <malloc.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <torch/cuda.h>

#ifdef KDBENCH_LIBTORCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "benchmark/benchmark.h"
#include "benchmarks/benchmark_options.h"
#include "benchmarks/model_cases.h"
#include "lib/distill/fresh_gradients.h"
#include "lib/models/bilstm_student.h"
#include "lib/models/deployed_bilstm.h"
#include "lib/models/dropout.h"
#include "lib/models/inference_precision.h"
#include "lib/models/lstm_recurrence.h"
#include "lib/models/mixed_precision.h"
#include "lib/models/model_flops.h"
#include "lib/util/runtime_environment.h"

namespace kdbench {
namespace {

using Clock = std::chrono::steady_clock;

// Matmul FLOP/s by thread count and operand type, from the peak benchmarks
// of this run.
using PeakKey = std::pair<int, c10::ScalarType>;
std::map<PeakKey, double>& Peaks() {
  static std::map<PeakKey, double> peaks;
  return peaks;
}

#ifdef KDBENCH_LIBTORCH_CUDA
// The benchmark GPU's index for the caching allocator's statistics, which
// refuse a device before the allocator's first allocation (a filter without
// the matmul peak reached them first) and "cuda" without an index.
c10::DeviceIndex GpuIndex() {
  const c10::Device device = GetBenchmarkOptions().device;
  (void)torch::empty({1}, torch::TensorOptions().device(device));
  return device.has_index() ? device.index() : c10::cuda::current_device();
}
#endif

// Resets the kernel's resident-memory high-water mark (Linux >= 4.0), so
// each benchmark reports its own peak; freed heap goes back to the system
// first, or the last model's memory would count for this one.
void ResetPeakRss() {
  malloc_trim(0);
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
#ifdef KDBENCH_LIBTORCH_CUDA
  if (GetBenchmarkOptions().device.is_cuda()) {
    c10::cuda::CUDACachingAllocator::resetPeakStats(GpuIndex());
  }
#endif
}

// Peak GPU memory allocated since ResetPeakRss, MB; 0 off the GPU.
double PeakGpuMegabytes() {
#ifdef KDBENCH_LIBTORCH_CUDA
  if (GetBenchmarkOptions().device.is_cuda()) {
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(GpuIndex());
    // Entry 0 is StatType::AGGREGATE (all pools); the enum's namespace moved
    // between LibTorch versions, its value did not.
    return static_cast<double>(stats.allocated_bytes[0].peak) / (1024.0 * 1024.0);
  }
#endif
  return 0;
}

double PeakRssMegabytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

c10::Device Device() { return GetBenchmarkOptions().device; }

// Host threads matter on the CPU only; on a GPU every case has one peak.
int ThreadsFor(int64_t batch) {
  if (Device().is_cuda()) return 1;
  return batch == 1 ? 1 : HardwareThreads();
}

// The operand type of a case's matrix products: the autocast type for
// cases under autocast, else float.
c10::ScalarType MatmulType(bool teacher) {
  const auto& autocast = GetBenchmarkOptions().teacher_autocast;
  const bool under_autocast = teacher || GetBenchmarkOptions().student_autocast;
  return under_autocast && autocast ? *autocast : c10::kFloat;
}

// Work on a GPU is asynchronous: a timing ends when the device is done.
void WaitForDevice() {
  if (Device().is_cuda()) torch::cuda::synchronize();
}

// The arithmetic of a case: the autocast type for teachers under autocast
// (and students with --student_autocast), else float32.
TrainingPrecision CaseArithmetic(bool teacher) {
  const auto& autocast = GetBenchmarkOptions().teacher_autocast;
  const bool under_autocast = teacher || GetBenchmarkOptions().student_autocast;
  if (!under_autocast || !autocast) return TrainingPrecision::kFloat32;
  return *autocast == c10::kHalf ? TrainingPrecision::kFloat16
                                 : TrainingPrecision::kBFloat16;
}

// Square operands of the peak product: 1024 saturates a CPU's BLAS; a GPU
// needs far larger products to be busy.
int64_t PeakMatmulSize() { return Device().is_cuda() ? 8192 : 1024; }

// Square `dtype` operands on the benchmark device; `Rate()` times one product
// (FLOP/s).
class PeakMatmul {
 public:
  explicit PeakMatmul(c10::ScalarType dtype) : n_(PeakMatmulSize()) {
    torch::manual_seed(0);
    const auto on = torch::TensorOptions().device(Device()).dtype(dtype);
    a_ = torch::randn({n_, n_}, on), b_ = torch::randn({n_, n_}, on), c_ = torch::empty({n_, n_}, on);
    Rate();  // warm-up
  }
  double Rate() {
    torch::NoGradGuard no_grad;
    const auto start = Clock::now();
    torch::matmul_out(c_, a_, b_);
    WaitForDevice();
    benchmark::DoNotOptimize(c_.data_ptr());
    return 2.0 * n_ * n_ * n_ / std::chrono::duration<double>(Clock::now() - start).count();
  }

 private:
  int64_t n_;
  torch::Tensor a_, b_, c_;
};

void BM_MatmulPeak(benchmark::State& state, int threads, c10::ScalarType dtype) {
  ThreadScope scope(threads);
  PeakMatmul matmul(dtype);
  double best = 0;
  for (auto _ : state) best = std::max(best, matmul.Rate());
  // The best iteration: the rate the hardware and BLAS reach, not an average
  // that includes interruptions.
  double& peak = Peaks()[{threads, dtype}];
  peak = std::max(peak, best);
  state.counters["FLOP/s"] = best;
  state.counters["threads"] = threads;
}

// The best of a few products, FLOP/s.
double MeasurePeak(int threads, c10::ScalarType dtype) {
  ThreadScope scope(threads);
  PeakMatmul matmul(dtype);
  double best = 0;
  for (int i = 0; i < 10; ++i) best = std::max(best, matmul.Rate());
  return best;
}

// The peak of this run: from the peak benchmark when it ran (a filter may
// have left it out), else measured now.
double PeakFlops(int threads, c10::ScalarType dtype) {
  auto found = Peaks().find({threads, dtype});
  if (found == Peaks().end()) {
    found = Peaks().emplace(PeakKey{threads, dtype}, MeasurePeak(threads, dtype)).first;
  }
  return found->second;
}

// One benchmark: builds the model, then times forward passes (inference) or
// forward + backward + optimizer steps (training) on random full-length
// token ids.
void BM_Model(benchmark::State& state, ModelCase model, bool training, int64_t batch,
              int threads) {
  ThreadScope scope(threads);
  ResetPeakRss();
  absl::StatusOr<BuiltModel> built = BuildModel(model, batch, Device());
  if (!built.ok()) {
    state.SkipWithError(std::string(built.status().message()).c_str());
    return;
  }
  const int64_t length = LengthFor(model);
  const bool teacher_role = model.teacher();
  const std::function<torch::Tensor()> forward = built->forward;
  const std::shared_ptr<torch::nn::Module> module = built->module;
  const double forward_flops = built->forward_flops;
  const int64_t parameters = built->parameters;
  const torch::Tensor labels =
      torch::randint(0, 2, {batch}, torch::TensorOptions().device(Device()).dtype(torch::kLong));
  double flops_per_iteration = forward_flops;
  std::function<void()> step;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  if (training) {
    module->train();
    flops_per_iteration = TrainingStepFlops(forward_flops);
    optimizer = std::make_unique<torch::optim::SGD>(module->parameters(),
                                                    torch::optim::SGDOptions(1e-3));
    step = [&]() {
      // As the suite's training does (lib/distill/fresh_gradients.h).
      FreshGradients gradients(*optimizer);
      torch::Tensor loss;
      {
        AutocastScope autocast(Device().type(), CaseArithmetic(teacher_role));
        loss = torch::nn::functional::cross_entropy(forward().to(torch::kFloat),
                                                    labels);
      }
      gradients.Backward(loss);
      optimizer->step();
      WaitForDevice();
    };
  } else {
    // Dropout off, no autograd bookkeeping: what serving the model costs.
    module->eval();
    step = [&]() {
      c10::InferenceMode inference;
      AutocastScope autocast(Device().type(), CaseArithmetic(teacher_role));
      benchmark::DoNotOptimize(forward().data_ptr());
      WaitForDevice();
    };
  }
  step();  // warm-up (allocator, lazy initialisation)
  double seconds = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    step();
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
  }
  const double iterations = static_cast<double>(state.iterations());
  const double rate = seconds > 0 ? flops_per_iteration * iterations / seconds : 0;
  state.counters["examples/s"] = benchmark::Counter(static_cast<double>(batch),
                                                    benchmark::Counter::kIsIterationInvariantRate);
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(batch * length),
                                                  benchmark::Counter::kIsIterationInvariantRate);
  state.counters["FLOP/s"] = rate;
  if (const double peak = PeakFlops(threads, MatmulType(teacher_role)); peak > 0) {
    state.counters["share_of_peak"] = rate / peak;
  }
  state.counters["parameters"] = static_cast<double>(parameters);
  state.counters["threads"] = threads;
  // Host memory: on a GPU this is the host side only; the GPU's is apart.
  state.counters["peak_rss_mb"] = PeakRssMegabytes();
  if (Device().is_cuda()) state.counters["peak_gpu_mb"] = PeakGpuMegabytes();
}

// One LSTM direction written out: the input projection of every time step
// hoisted into one [batch*time, in] x [in, 4h] product, then per step only
// the recurrent product and the gates. LibTorch's CPU LSTM is compared with
// it below.
torch::Tensor HoistedLstm(const torch::Tensor& x, const torch::Tensor& w_ih,
                          const torch::Tensor& w_hh, const torch::Tensor& bias) {
  const int64_t batch = x.size(0), time = x.size(1), hidden = w_hh.size(1);
  const torch::Tensor projected =
      torch::addmm(bias, x.reshape({batch * time, x.size(2)}), w_ih.t()).view({batch, time, 4 * hidden});
  torch::Tensor h = torch::zeros({batch, hidden}, x.options());
  torch::Tensor c = torch::zeros({batch, hidden}, x.options());
  const torch::Tensor w_hh_t = w_hh.t();
  std::vector<torch::Tensor> outputs;
  outputs.reserve(time);
  for (int64_t t = 0; t < time; ++t) {
    const std::vector<torch::Tensor> gates = torch::addmm(projected.select(1, t), h, w_hh_t).chunk(4, 1);
    c = torch::sigmoid(gates[1]) * c + torch::sigmoid(gates[0]) * torch::tanh(gates[2]);
    h = torch::sigmoid(gates[3]) * torch::tanh(c);
    outputs.push_back(h);
  }
  return torch::stack(outputs, 1);
}

// A BiLSTM layer (both directions) at a profile's student size: LibTorch's
// torch::nn::LSTM against HoistedLstm, inference or a training step (sum of
// outputs as the loss), same shapes and threads.
// kernel: "libtorch" (torch::nn::LSTM), "hoisted" (HoistedLstm above, with
// LibTorch's autograd) or "bptt" (LstmThroughTime, the students' CPU LSTM
// with its hand-written backward pass).
void BM_LstmLayer(benchmark::State& state, std::string size, std::string kernel, bool training,
                  int64_t batch) {
  ThreadScope scope(ThreadsFor(batch));
  torch::manual_seed(0);
  const int64_t in = size == "paper" ? 300 : 128, hidden = size == "paper" ? 600 : 128;
  const int64_t time = size == "paper" ? 128 : 64;
  torch::nn::LSTM forward_lstm(torch::nn::LSTMOptions(in, hidden).batch_first(true));
  torch::nn::LSTM backward_lstm(torch::nn::LSTMOptions(in, hidden).batch_first(true));
  forward_lstm->to(Device());
  backward_lstm->to(Device());
  const torch::Tensor x = torch::randn({batch, time, in}, torch::TensorOptions().device(Device()));
  // One direction of the layer with the chosen kernel.
  auto direction = [&](torch::nn::LSTM& lstm, const torch::Tensor& input) -> torch::Tensor {
    if (kernel == "libtorch") return std::get<0>(lstm(input));
    const std::vector<torch::Tensor> w = lstm->all_weights();  // w_ih, w_hh, b_ih, b_hh
    return kernel == "hoisted" ? HoistedLstm(input, w[0], w[1], w[2] + w[3])
                               : LstmThroughTime(input, w[0], w[1], w[2], w[3]);
  };
  auto run = [&]() -> torch::Tensor {
    return direction(forward_lstm, x).sum() + direction(backward_lstm, x.flip(1)).sum();
  };
  if (kernel != "libtorch") {
    // Same numbers as LibTorch's LSTM, or the comparison means nothing.
    torch::NoGradGuard no_grad;
    const torch::Tensor ours = direction(forward_lstm, x);
    const double difference = (ours - std::get<0>(forward_lstm(x))).abs().max().item<double>();
    // cuDNN's LSTM runs its float products in TF32 by default (LibTorch's
    // allow_tf32 for cuDNN), about 1e-3 relative; the CPU's are exact floats.
    if (difference > (Device().is_cuda() ? 2e-3 : 1e-4)) {
      state.SkipWithError(
          absl::StrCat(kernel, " LSTM differs from LibTorch's by ", difference).c_str());
      return;
    }
  }
  auto step = [&]() {
    if (training) {
      forward_lstm->zero_grad();
      backward_lstm->zero_grad();
      run().backward();
      WaitForDevice();
    } else {
      c10::InferenceMode inference;
      benchmark::DoNotOptimize(run().item<float>());
    }
  };
  step();
  double seconds = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    step();
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
  }
  const double flops = 2.0 * batch * time * 2 * 4 * hidden * (in + hidden) * (training ? 3 : 1);
  const double rate = seconds > 0 ? flops * static_cast<double>(state.iterations()) / seconds : 0;
  state.counters["FLOP/s"] = rate;
  if (const double peak = PeakFlops(ThreadsFor(batch), c10::kFloat); peak > 0) {
    state.counters["share_of_peak"] = rate / peak;
  }
  state.counters["examples/s"] = benchmark::Counter(static_cast<double>(batch),
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

// Dropout on training-step shapes: LibTorch's (its mask drawn one element at
// a time through an out-of-line generator call) against ApplyDropout (the
// same draws inlined). One thread: the mask is serial in both.
void BM_Dropout(benchmark::State& state, std::string kernel, std::vector<int64_t> shape, double p) {
  ThreadScope scope(1);
  const torch::Tensor x = torch::randn(shape);
  auto apply = [&]() {
    return kernel == "libtorch" ? torch::dropout(x, p, true) : ApplyDropout(x, p, true);
  };
  if (kernel != "libtorch") {
    torch::manual_seed(1);
    const torch::Tensor ours = ApplyDropout(x, p, true);
    torch::manual_seed(1);
    if (!torch::equal(ours, torch::dropout(x, p, true))) {
      state.SkipWithError("ApplyDropout's mask differs from LibTorch's");
      return;
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(apply().data_ptr());
  state.counters["elements/s"] = benchmark::Counter(static_cast<double>(x.numel()),
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

// A BiLSTM or RNN student served as deployed (lib/models/deployed_bilstm.h):
// one full-length example at a time, oneDNN's packed LSTM in `precision`,
// the two directions on `threads` threads. Against the teachers' batch-1
// inference at the same threads this is the paper's deployment claim;
// recurrent_weight_mb is what each time step streams.
void BM_DeployedStudent(benchmark::State& state, ModelCase model, InferencePrecision precision,
                        int threads) {
  ThreadScope scope(threads);
  absl::StatusOr<BuiltModel> built = BuildModel(model, 1, c10::Device(c10::kCPU));
  if (!built.ok()) {
    state.SkipWithError(std::string(built.status().message()).c_str());
    return;
  }
  auto* student = dynamic_cast<BiLstmStudentImpl*>(built->module.get());
  if (student == nullptr) {
    state.SkipWithError("deployment is for the BiLSTM and RNN students");
    return;
  }
  student->eval();
  absl::StatusOr<std::unique_ptr<DeployedBiLstm>> deployed =
      DeployedBiLstm::Create(*student, precision);
  if (!deployed.ok()) {
    // No kernel for this precision on this CPU: said, not failed.
    state.SkipWithError(std::string(deployed.status().message()).c_str());
    return;
  }
  const int64_t length = LengthFor(model);
  const torch::Tensor ids = torch::randint(1000, VocabFor(model), {length}, torch::kInt);
  const absl::Span<const int32_t> input(ids.data_ptr<int32_t>(), length);
  if (absl::StatusOr<std::vector<float>> warm = (*deployed)->Logits(input); !warm.ok()) {
    state.SkipWithError(std::string(warm.status().message()).c_str());
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<std::vector<float>> logits = (*deployed)->Logits(input);
    if (!logits.ok()) {
      state.SkipWithError(std::string(logits.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(logits->data());
  }
  state.counters["examples/s"] =
      benchmark::Counter(1, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(length),
                                                  benchmark::Counter::kIsIterationInvariantRate);
  state.counters["parameters"] = static_cast<double>(built->parameters);
  state.counters["recurrent_weight_mb"] =
      static_cast<double>((*deployed)->RecurrentWeightBytes()) / (1 << 20);
  state.counters["threads"] = threads;
  state.SetLabel((*deployed)->KernelDescription());
}

// Paper-size BERT Large trains at batch 16 here: batch 64 would need more
// than this machine's 24 GB for activations.
int64_t TrainingBatch(const ModelCase& model) {
  return model.size == "paper" && model.name == "bert-large" ? 16 : 64;
}

void RegisterAll() {
  // The peaks first: Google Benchmark runs benchmarks in registration order.
  std::vector<std::pair<int, c10::ScalarType>> peaks = {{ThreadsFor(1), c10::kFloat}};
  if (ThreadsFor(64) != ThreadsFor(1)) peaks.push_back({ThreadsFor(64), c10::kFloat});
  if (const auto& autocast = GetBenchmarkOptions().teacher_autocast) {
    // Teachers under autocast: their share of this type's peak, at batch 1
    // and batch 64 alike.
    peaks.push_back({ThreadsFor(1), *autocast});
    if (ThreadsFor(64) != ThreadsFor(1)) peaks.push_back({ThreadsFor(64), *autocast});
  }
  for (const auto& [threads, dtype] : peaks) {
    std::string name = absl::StrCat("peak/matmul:", PeakMatmulSize());
    if (dtype != c10::kFloat) absl::StrAppend(&name, "/dtype:", c10::toString(dtype));
    absl::StrAppend(&name, Device().is_cuda() ? "/device:cuda" : absl::StrCat("/threads:", threads));
    benchmark::RegisterBenchmark(name.c_str(), BM_MatmulPeak, threads, dtype)
        ->UseRealTime()->Unit(benchmark::kMillisecond);
  }
  std::vector<ModelCase> models;
  for (const char* size : {"mini", "paper"}) {
    for (const char* teacher : {"bert-base", "bert-large"}) models.push_back({"teacher", teacher, size});
    for (const char* student : {"bilstm", "rnn", "cnn"}) models.push_back({"student", student, size});
  }
  for (const ModelCase& model : models) {
    const std::string prefix = model.Prefix();
    for (int64_t batch : {int64_t{1}, int64_t{64}}) {
      benchmark::RegisterBenchmark(absl::StrCat(prefix, "/infer/batch:", batch).c_str(), BM_Model,
                                   model, false, batch, ThreadsFor(batch))
          ->UseRealTime()->Unit(benchmark::kMillisecond);
    }
    // Batch 1 on every core too: the deployed students' two directions use
    // two threads, so their latency ratio compares like with like.
    if (model.teacher() && !Device().is_cuda() && HardwareThreads() > 1) {
      const int threads = std::min(HardwareThreads(), 2);
      benchmark::RegisterBenchmark(
          absl::StrCat(prefix, "/infer/batch:1/threads:", threads).c_str(), BM_Model, model,
          false, int64_t{1}, threads)
          ->UseRealTime()->Unit(benchmark::kMillisecond);
    }
    const int64_t batch = TrainingBatch(model);
    benchmark::RegisterBenchmark(absl::StrCat(prefix, "/train/batch:", batch).c_str(), BM_Model,
                                 model, true, batch, ThreadsFor(batch))
        ->UseRealTime()->Unit(benchmark::kMillisecond);
    if (Device().is_cuda() || (model.name != "bilstm" && model.name != "rnn")) continue;
    for (InferencePrecision precision : AllPrecisions()) {
      for (int threads : {1, 2}) {
        if (threads > HardwareThreads()) continue;
        benchmark::RegisterBenchmark(
            absl::StrCat(prefix, "/deploy:", PrecisionName(precision),
                         "/batch:1/threads:", threads)
                .c_str(),
            BM_DeployedStudent, model, precision, threads)
            ->UseRealTime()->Unit(benchmark::kMillisecond);
      }
    }
  }
  for (const char* size : {"mini", "paper"}) {
    for (const char* kernel : {"libtorch", "hoisted", "bptt"}) {
      for (const bool training : {false, true}) {
        const int64_t batch = 64;
        benchmark::RegisterBenchmark(
            absl::StrCat("lstm-layer:", kernel, "/size:", size, "/",
                         training ? "train" : "infer", "/batch:", batch)
                .c_str(),
            BM_LstmLayer, std::string(size), std::string(kernel), training, batch)
            ->UseRealTime()->Unit(benchmark::kMillisecond);
      }
    }
  }
  // The paper student's embedding dropout (batch 64, 128 tokens, 300-d) and
  // the mini BERT Large's attention dropout (batch 32, 4 heads, 64 tokens).
  // CPU kernels: on CUDA ApplyDropout is torch::dropout.
  if (Device().is_cuda()) return;
  struct DropoutCase {
    std::string name;
    std::vector<int64_t> shape;
    double p;
  };
  const std::vector<DropoutCase> dropout_cases = {
      {"student-embedding/size:paper", {64, 128, 300}, 0.4},
      {"teacher-attention/size:mini", {32, 4, 64, 64}, 0.1}};
  for (const DropoutCase& dropout_case : dropout_cases) {
    for (const char* kernel : {"libtorch", "inline-mask"}) {
      benchmark::RegisterBenchmark(absl::StrCat("dropout:", kernel, "/", dropout_case.name).c_str(),
                                   BM_Dropout, std::string(kernel), dropout_case.shape,
                                   dropout_case.p)
          ->Unit(benchmark::kMillisecond);
    }
  }
}

const bool registered = RegisterAfterFlags(RegisterAll);

}  // namespace
}  // namespace kdbench
