// The teacher stages' results as stored: a teacher artifact's record.json
// (before the grid runner adds its files' checksums and CPU time) and
// `kdbench teacher`'s output. The storage edge of teacher_stage_results.h.
#ifndef KDBENCH_LIB_EXPERIMENT_TEACHER_STAGE_RECORDS_H_
#define KDBENCH_LIB_EXPERIMENT_TEACHER_STAGE_RECORDS_H_

#include "absl/status/statusor.h"
#include "lib/experiment/teacher_stage_results.h"
#include "nlohmann/json.hpp"

namespace kdbench {

nlohmann::json PretrainResultJson(const PretrainResult& result);
nlohmann::json FinetuneResultJson(const FinetuneResult& result);
nlohmann::json TeacherOutputsResultJson(const TeacherOutputsResult& result);

// A stage's result as its record's JSON, or the stage's error.
template <typename Result>
absl::StatusOr<nlohmann::json> StageRecordJson(absl::StatusOr<Result> result,
                                               nlohmann::json (*to_json)(const Result&)) {
  if (!result.ok()) return result.status();
  return to_json(*result);
}

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_TEACHER_STAGE_RECORDS_H_
