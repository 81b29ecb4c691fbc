// The numbers a grid cell's benchmark reports beside its time, read from its
// record: test accuracy, macro F1 and dev accuracy; parameter counts and the
// compression against the teacher; a teacher row's Table 9 variances; a
// student's training examples per second and epochs.
#ifndef KDBENCH_LIB_EXPERIMENT_CELL_COUNTERS_H_
#define KDBENCH_LIB_EXPERIMENT_CELL_COUNTERS_H_

#include <string>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace kdbench {

// Name and value, in a fixed order; a record with status "ok".
std::vector<std::pair<std::string, double>> CellCounters(const nlohmann::json& record);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_CELL_COUNTERS_H_
