// Students fitted in closed form instead of by gradient phases, by
// architecture name: naive Bayes's label counts (naive_bayes_fit.cc). A cell
// looks its student up here and otherwise trains it with TrainStudent; a new
// closed-form student is its fit plus one registration at namespace scope:
//   KDBENCH_REGISTER_CLOSED_FORM_FIT("my-student", {.check_method = ..., .fit = ...});
// A library of registrations needs `alwayslink = True` in its Bazel target.
#ifndef KDBENCH_LIB_DISTILL_CLOSED_FORM_FIT_H_
#define KDBENCH_LIB_DISTILL_CLOSED_FORM_FIT_H_

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/distill/student_training.h"
#include "lib/models/student.h"
#include "lib/util/name_registry.h"

namespace kdbench {

struct ClosedFormFitOptions {
  std::string method = "none";  // a distillation method (distillation_method.h)
  double temperature = 2;       // a soft method's, unless the method gives its own
  int32_t pad_id = 0;
  int64_t batch_size = 64;
};

struct ClosedFormFit {
  // Refuses a method the fit has no form for, before any data or teacher work.
  std::function<absl::Status(const std::string& method)> check_method;
  // Fits the student (one its architecture's factory made) on the cell's data.
  std::function<absl::StatusOr<StudentTrainingReport>(
      StudentImpl& student, const StudentTrainingData& data, const ClosedFormFitOptions& options,
      const c10::Device& device)>
      fit;
};

// A second registration of an architecture aborts at start-up. Returns true,
// for static initialisers.
bool RegisterClosedFormFit(const std::string& architecture, ClosedFormFit fit);

// nullptr: the student learns by gradient phases (TrainStudent).
const ClosedFormFit* FindClosedFormFit(const std::string& architecture);

}  // namespace kdbench

#define KDBENCH_REGISTER_CLOSED_FORM_FIT(architecture, ...)                                 \
  static const bool KDBENCH_REGISTRATION_CONCAT(kdbench_registered_fit_, __LINE__) =      \
      ::kdbench::RegisterClosedFormFit(architecture, __VA_ARGS__)

#endif  // KDBENCH_LIB_DISTILL_CLOSED_FORM_FIT_H_
