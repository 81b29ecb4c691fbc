#include "lib/distill/closed_form_fit.h"

#include <utility>

namespace kdbench {
namespace {

NameRegistry<ClosedFormFit>& Registry() {
  static auto* registry = new NameRegistry<ClosedFormFit>("closed-form fit");
  return *registry;
}

}  // namespace

bool RegisterClosedFormFit(const std::string& architecture, ClosedFormFit fit) {
  return Registry().Add(architecture, std::move(fit));
}

const ClosedFormFit* FindClosedFormFit(const std::string& architecture) {
  return Registry().Find(architecture);
}

}  // namespace kdbench
