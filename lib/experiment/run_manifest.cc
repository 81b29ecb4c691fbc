#include "lib/experiment/run_manifest.h"

#include "absl/strings/str_cat.h"
#include "lib/util/atomic_file.h"
#include "lib/util/directory_listing.h"
#include "lib/util/file_lock.h"
#include "lib/util/library_versions.h"
#include "lib/util/runtime_environment.h"
#include "lib/util/utc_time.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

// The summaries the shards left in <results>/shards/, for the manifest.
nlohmann::json ShardSummaries(const std::string& results_dir) {
  nlohmann::json shards = nlohmann::json::array();
  for (const std::string& path : SortedFilesEndingWith(results_dir + "/shards", ".json")) {
    absl::StatusOr<std::string> text = ReadFileToString(path);
    if (!text.ok()) continue;
    nlohmann::json summary = nlohmann::json::parse(*text, nullptr, false);
    if (!summary.is_object()) continue;
    summary.erase("keys");
    shards.push_back(summary);
  }
  return shards;
}

}  // namespace

absl::Status WriteRunManifest(const std::string& results_dir, const GridProfile& profile,
                              const RunFacts& run, const std::vector<Grid>& grids,
                              const GridRunner& runner) {
  nlohmann::json manifest = {
      {"format", "kdbench-manifest/1"},
      {"profile", run.profile_name},
      {"profile_sources", profile.sources()},
      {"seeds", run.seeds},
      {"git_revision", run.git_revision},
      {"libraries", LibraryVersions()},
      {"environment", FormatRuntimeEnvironment(DetectRuntimeEnvironment())},
      {"device", run.device},
      {"jobs", run.jobs},
      {"cells_computed_by_this_run", run.cells_computed},
      {"seconds", run.seconds},
      {"finished_at", UtcNow()},
  };
  // Earlier runs into this directory, latest last.
  nlohmann::json runs = nlohmann::json::array();
  if (absl::StatusOr<std::string> previous = ReadFileToString(results_dir + "/manifest.json");
      previous.ok()) {
    const nlohmann::json old = nlohmann::json::parse(*previous, nullptr, false);
    if (old.is_object() && old.value("profile", "") == run.profile_name &&
        old.contains("runs") && old["runs"].is_array()) {
      runs = old["runs"];
    }
  }
  std::vector<std::string> grid_ids;
  for (const Grid& grid : grids) grid_ids.push_back(grid.spec.id);
  runs.push_back({{"finished_at", manifest["finished_at"]},
                  {"git_revision", run.git_revision},
                  {"grids", grid_ids},
                  {"seeds", run.seeds},
                  {"jobs", run.jobs},
                  {"cells_computed", run.cells_computed},
                  {"merge", run.merge},
                  {"seconds", manifest["seconds"]}});
  while (runs.size() > 50) runs.erase(runs.begin());
  manifest["runs"] = runs;
  if (nlohmann::json shards = ShardSummaries(results_dir); !shards.empty()) {
    manifest["shards"] = shards;
  }
  for (const Grid& grid : grids) {
    nlohmann::json entries = nlohmann::json::array();
    for (const GridCell& cell : grid.cells) {
      entries.push_back({{"name", cell.Name()}, {"key", runner.CellKey(cell)}});
    }
    manifest["grids"][grid.spec.id] = {{"table", grid.spec.table},
                                       {"title", grid.spec.title},
                                       {"description", grid.spec.description},
                                       {"source", grid.spec.source},
                                       {"benchmark_json", grid.spec.id + ".benchmark.json"},
                                       {"cells", entries}};
  }
  return WriteFileAtomically(results_dir + "/manifest.json", manifest.dump(1) + "\n");
}

absl::Status WriteShardSummary(const std::string& results_dir, const Shard& shard,
                               const KeyedCells& cells, const RunFacts& run) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& [key, cell] : cells) keys.push_back(key);
  const nlohmann::json summary = {{"shard", absl::StrCat(shard.index, "/", shard.count)},
                                  {"cells", cells.size()},
                                  {"cells_computed", run.cells_computed},
                                  {"seconds", run.seconds},
                                  {"finished_at", UtcNow()},
                                  {"git_revision", run.git_revision},
                                  {"process", ThisProcessDescription()},
                                  {"keys", keys}};
  return WriteFileAtomically(
      absl::StrCat(results_dir, "/shards/", shard.index, "-of-", shard.count, ".json"),
      summary.dump(1) + "\n");
}

}  // namespace kdbench
