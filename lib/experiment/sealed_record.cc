#include "lib/experiment/sealed_record.h"

#include "absl/strings/str_cat.h"
#include "lib/util/content_hash.h"
#include "nlohmann/json.hpp"

namespace kdbench {

std::string SealRecord(const std::string& record_json) {
  const nlohmann::json record = nlohmann::json::parse(record_json);
  const std::string canonical = record.dump();
  return nlohmann::json{{"record", record}, {"sha256", Sha256Hex(canonical)}}.dump(1) + "\n";
}

absl::StatusOr<std::string> UnsealRecord(const std::string& sealed, const std::string& path) {
  const nlohmann::json json = nlohmann::json::parse(sealed, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object() || !json.contains("record") ||
      !json.contains("sha256") || !json["sha256"].is_string()) {
    return absl::DataLossError(absl::StrCat(path, ": not a sealed record (truncated or corrupt)"));
  }
  const std::string canonical = json["record"].dump();
  if (Sha256Hex(canonical) != json["sha256"].get<std::string>()) {
    return absl::DataLossError(absl::StrCat(path, ": checksum mismatch (corrupt record)"));
  }
  return canonical;
}

}  // namespace kdbench
