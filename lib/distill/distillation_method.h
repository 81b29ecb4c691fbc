// Distillation methods: a name (with optional parameters, "kl(T=4)") for
// the transfer losses a student trains on beside the labels' cross-entropy,
// each with its weight from eq. 8 (alpha, beta or gamma). The training
// schedules (training_schedule.h) arrange a method's losses into phases.
//
// "none" (labels alone) is always known. The paper's methods and the KL are
// registered in paper_losses.cc; the survey's in their own files. One
// registration line adds a loss and a method of the same name:
//   KDBENCH_REGISTER_DISTILLATION_LOSS("my-loss", MyLossImpl);
//   KDBENCH_REGISTER_DISTILLATION_LOSS("my-kl", MyKlImpl, "T");  // takes my-kl(T=...)
#ifndef KDBENCH_LIB_DISTILL_DISTILLATION_METHOD_H_
#define KDBENCH_LIB_DISTILL_DISTILLATION_METHOD_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/distill/transfer_loss.h"
#include "lib/util/name_registry.h"

namespace kdbench {

inline constexpr char kNoDistillation[] = "none";

// Eq. 8's weights: alpha (L_CE, and the losses on its scale: the hard loss
// and the temperature KL), beta (L_RL), gamma (L_LL and the other soft
// losses).
enum class LossWeight { kAlpha, kBeta, kGamma };

struct MethodLoss {
  std::string loss;  // a registered transfer loss
  LossWeight weight = LossWeight::kGamma;
  // Trained alone in stage 1 of the "stagewise" schedule (L_RL) rather than
  // beside L_CE in stage 2.
  bool representation_stage = false;
};

struct DistillationMethod {
  std::string name;  // as written: "kl(T=4)"
  std::string base;  // "kl"
  std::map<std::string, double> parameters;
  std::vector<MethodLoss> losses;  // empty for "none"
};

// Registers a method. `paper` methods are listed first, in registration
// order; the rest by name. Aborts at start-up on a second registration of a
// name. Returns true, for static initialisers.
bool RegisterDistillationMethod(const std::string& name, std::vector<MethodLoss> losses,
                                bool paper = false);

// Registers a transfer loss and a method of the same name that trains it
// with weight gamma.
bool RegisterLossAndMethod(const std::string& name, TransferLossFactory factory,
                           std::vector<std::string> parameters);

// Parses "base" or "base(key=value,...)" (values are numbers). An unknown
// base lists the known methods; an unknown parameter lists the ones its
// losses take.
absl::StatusOr<DistillationMethod> ParseDistillationMethod(const std::string& name);

// "none" first, then the paper's methods, then the rest by name.
std::vector<std::string> KnownMethods();

}  // namespace kdbench

// KDBENCH_REGISTER_DISTILLATION_LOSS(name, Class[, "parameter", ...]): Class
// is a TransferLossImpl constructed from a TransferLossSettings.
#define KDBENCH_REGISTER_DISTILLATION_LOSS(name, Class, ...)                          \
  static const bool KDBENCH_REGISTRATION_CONCAT(kdbench_registered_loss_, __LINE__) = \
      ::kdbench::RegisterLossAndMethod(name, ::kdbench::MakeFactory<Class>(), {__VA_ARGS__})

#endif  // KDBENCH_LIB_DISTILL_DISTILLATION_METHOD_H_
