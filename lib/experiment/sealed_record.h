// Checksummed JSON records, as cells and teachers are stored:
// {"record": <json>, "sha256": <of record.dump()>}. A truncated or edited
// record is detected when read, and recomputed or left out.
#ifndef KDBENCH_LIB_EXPERIMENT_SEALED_RECORD_H_
#define KDBENCH_LIB_EXPERIMENT_SEALED_RECORD_H_

#include <string>

#include "absl/status/statusor.h"

namespace kdbench {

std::string SealRecord(const std::string& record_json);

// The record, or DataLossError naming `path` when the checksum or the JSON
// is broken.
absl::StatusOr<std::string> UnsealRecord(const std::string& sealed, const std::string& path);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_SEALED_RECORD_H_
