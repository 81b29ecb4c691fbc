// Early stopping and model selection on the dev split: the best epoch is
// the one with the highest dev accuracy, ties broken by lower dev loss
// (small dev splits tie often); its parameters are kept and restored.
#ifndef KDBENCH_LIB_DISTILL_EARLY_STOPPING_H_
#define KDBENCH_LIB_DISTILL_EARLY_STOPPING_H_

#include <torch/nn/module.h>

#include <cstdint>
#include <vector>

namespace kdbench {

class EarlyStopping {
 public:
  // Stop after `patience` epochs in a row without a new best.
  explicit EarlyStopping(int64_t patience) : patience_(patience) {}

  // Records epoch `epoch` (1-based); snapshots `module` if it is the best so
  // far. Returns true when training should stop.
  bool Update(int64_t epoch, double dev_accuracy, double dev_loss, torch::nn::Module& module);

  // Copies the best snapshot back into `module` (no-op before any Update).
  void RestoreBest(torch::nn::Module& module) const;

  int64_t best_epoch() const { return best_epoch_; }
  double best_accuracy() const { return best_accuracy_; }

 private:
  int64_t patience_;
  int64_t best_epoch_ = 0;
  double best_accuracy_ = 0;
  double best_loss_ = 0;
  int64_t since_best_ = 0;
  std::vector<torch::Tensor> best_parameters_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_EARLY_STOPPING_H_
