// Status propagation macros. The installed abseil (20220623) ships none.
#ifndef KDBENCH_LIB_UTIL_STATUS_MACROS_H_
#define KDBENCH_LIB_UTIL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define KDBENCH_STATUS_CONCAT_INNER_(a, b) a##b
#define KDBENCH_STATUS_CONCAT_(a, b) KDBENCH_STATUS_CONCAT_INNER_(a, b)

// Returns the status of `expr` from the enclosing function if it is not OK.
// `expr` is an absl::Status or an absl::StatusOr<T>.
#define RETURN_IF_ERROR(expr)                                            \
  do {                                                                   \
    const auto& kdbench_status_or_ = (expr);                             \
    if (!::kdbench::internal::StatusOf(kdbench_status_or_).ok()) {       \
      return ::kdbench::internal::StatusOf(kdbench_status_or_);          \
    }                                                                    \
  } while (false)

// ASSIGN_OR_RETURN(lhs, rexpr): evaluates `rexpr` (an absl::StatusOr<T>);
// on error returns its status, else moves the value into `lhs`, which may
// be a declaration (`auto x`, `std::string y`) or an existing variable.
#define ASSIGN_OR_RETURN(lhs, rexpr)                                    \
  KDBENCH_ASSIGN_OR_RETURN_IMPL_(                                       \
      KDBENCH_STATUS_CONCAT_(kdbench_statusor_, __LINE__), lhs, rexpr)

#define KDBENCH_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()

namespace kdbench::internal {

inline const absl::Status& StatusOf(const absl::Status& status) {
  return status;
}

template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace kdbench::internal

#endif  // KDBENCH_LIB_UTIL_STATUS_MACROS_H_
