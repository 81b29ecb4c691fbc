#include "cli/self_check.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "lib/util/progress.h"

namespace kdbench {
namespace {

void Synchronize(const c10::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

}  // namespace

MatmulMeasurement MeasureMatmul(int64_t size, const c10::Device& device) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(0);
  auto options = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  torch::Tensor a = torch::randn({size, size}, options);
  torch::Tensor b = torch::randn({size, size}, options);
  torch::Tensor c = torch::matmul(a, b);  // warm-up: thread pools, caches
  Synchronize(device);
  double best = 1e30;
  for (int repetition = 0; repetition < 5; ++repetition) {
    auto start = std::chrono::steady_clock::now();
    c = torch::matmul(a, b);
    Synchronize(device);
    best = std::min(best, SecondsSince(start));
  }
  MatmulMeasurement measurement;
  measurement.size = size;
  measurement.gflops = 2.0 * size * size * size / best / 1e9;
  return measurement;
}

TrainingCheck RunTrainingCheck(int64_t steps, const c10::Device& device) {
  torch::manual_seed(1234);
  const int64_t per_class = 256;
  // Two interleaved spirals: radius grows with angle, class 1 is rotated by pi.
  torch::Tensor t = torch::linspace(0.25, 3.0 * M_PI, per_class);
  torch::Tensor points = torch::cat(
      {torch::stack({t * torch::cos(t), t * torch::sin(t)}, 1),
       torch::stack({-t * torch::cos(t), -t * torch::sin(t)}, 1)});
  points = (points / (3.0 * M_PI) + 0.02 * torch::randn_like(points)).to(device);
  torch::Tensor labels =
      torch::cat({torch::zeros({per_class}, torch::kLong),
                  torch::ones({per_class}, torch::kLong)})
          .to(device);

  torch::nn::Sequential model(torch::nn::Linear(2, 64), torch::nn::Tanh(),
                              torch::nn::Linear(64, 64), torch::nn::Tanh(),
                              torch::nn::Linear(64, 2));
  model->to(device);
  torch::optim::Adam optimizer(model->parameters(),
                               torch::optim::AdamOptions(1e-2));

  TrainingCheck check;
  check.steps = steps;
  auto start = std::chrono::steady_clock::now();
  for (int64_t step = 0; step < steps; ++step) {
    optimizer.zero_grad();
    torch::Tensor loss =
        torch::nn::functional::cross_entropy(model->forward(points), labels);
    if (step == 0) check.initial_loss = loss.item<double>();
    loss.backward();
    optimizer.step();
  }
  {
    torch::NoGradGuard no_grad;
    torch::Tensor logits = model->forward(points);
    check.final_loss =
        torch::nn::functional::cross_entropy(logits, labels).item<double>();
    check.train_accuracy =
        logits.argmax(1).eq(labels).to(torch::kFloat64).mean().item<double>();
  }
  check.seconds = SecondsSince(start);
  return check;
}

}  // namespace kdbench
