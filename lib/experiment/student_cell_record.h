// A student cell's result as stored: the JSON of a record's "result" block
// (and `kdbench distill`'s output). The storage edge: the cell computes the
// typed StudentCellResult; only here does it become JSON.
#ifndef KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_RECORD_H_
#define KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_RECORD_H_

#include <string>

#include "lib/experiment/student_cell_options.h"
#include "lib/experiment/student_cell_result.h"
#include "nlohmann/json.hpp"

namespace kdbench {

// Everything that determines the cell's result except the seed: the
// record's "config", whose hash is its provenance's config_hash.
nlohmann::json StudentCellConfigJson(const StudentCellOptions& options);
std::string StudentCellConfigHash(const StudentCellOptions& options);

nlohmann::json StudentCellResultJson(const StudentCellResult& result);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_RECORD_H_
