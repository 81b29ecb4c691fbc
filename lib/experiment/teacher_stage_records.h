// The teacher stages' results as stored: a teacher artifact's record.json
// (before the grid runner adds its files' checksums and CPU time) and
// `kdbench teacher`'s output. The storage edge of teacher_stage_results.h.
#ifndef KDBENCH_LIB_EXPERIMENT_TEACHER_STAGE_RECORDS_H_
#define KDBENCH_LIB_EXPERIMENT_TEACHER_STAGE_RECORDS_H_

#include "lib/experiment/teacher_stage_results.h"
#include "nlohmann/json.hpp"

namespace kdbench {

nlohmann::json PretrainResultJson(const PretrainResult& result);
nlohmann::json FinetuneResultJson(const FinetuneResult& result);
nlohmann::json TeacherOutputsResultJson(const TeacherOutputsResult& result);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_TEACHER_STAGE_RECORDS_H_
