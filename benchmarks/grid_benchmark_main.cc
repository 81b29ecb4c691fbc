// The experiment grids as Google Benchmark targets: each cell of each grid
// (benchmarks/grids/*.toml) is one benchmark, Iterations(1), timed by the
// seconds the cell took to compute, with accuracy, macro F1, parameter
// counts, compression and examples/s as counters. The benchmark JSON of
// grid G lands in <results_dir>/G.benchmark.json, next to the cell records
// and a run manifest. The run itself (phases, workers, shards, locks,
// merge, manifest) is lib/experiment/grid_run.h's.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "benchmark/benchmark.h"
#include "lib/experiment/cell_counters.h"
#include "lib/experiment/grid_run.h"
#include "lib/util/runtime_environment.h"
#include "nlohmann/json.hpp"

// Defaults from GridRunOptions: one place for them.
ABSL_FLAG(std::string, grids, "",
          "comma-separated grid files (benchmarks/grids/*.toml); relative paths are looked up "
          "in the working directory, the workspace and the runfiles");
ABSL_FLAG(std::string, profile, kdbench::GridRunOptions().profile, "profile: paper, mini or smoke (profiles.toml)");
ABSL_FLAG(std::string, profile_file, kdbench::GridRunOptions().profile_file, "the profiles");
ABSL_FLAG(std::string, config, "",
          "a TOML file of settings over the profile (the paper profile's dataset paths and "
          "checkpoints)");
ABSL_FLAG(int, seeds, kdbench::GridRunOptions().seeds, "seeds 1..N for grids without a seed axis; 0: the profile's");
ABSL_FLAG(std::string, results_dir, "", "cell records and benchmark JSON; default results/PROFILE");
ABSL_FLAG(std::string, store_dir, "",
          "teacher checkpoints, teacher outputs and locks; default ~/.cache/kdbench/store/PROFILE");
ABSL_FLAG(std::string, phase, kdbench::GridRunOptions().phase,
          "benchmark | teachers | cells | work (teachers, then cells, no barrier) | merge | list");
ABSL_FLAG(std::string, import, "",
          "--phase=merge: comma-separated results directories of shards run elsewhere, whose "
          "cell records are checked and copied into --results_dir first");
ABSL_FLAG(std::string, shard, "", "i/n: only the cells of shard i (0-based) of n");
ABSL_FLAG(int, jobs, kdbench::GridRunOptions().jobs, "worker processes for the teachers and cells phases");
ABSL_FLAG(int, threads, kdbench::GridRunOptions().threads, "LibTorch threads (per worker); 0 = cores / jobs");
ABSL_FLAG(std::string, device, kdbench::GridRunOptions().device, "auto, cpu or cuda[:N]");
ABSL_FLAG(bool, worker, false,
          "set by --jobs for its worker processes: exit when the parent exits");
ABSL_FLAG(int, parent_pid, 0, "set by --jobs for its workers: the parent's process id");

namespace kdbench {
namespace {

// Forwards to the console and writes JSON to a file: Google Benchmark ties
// its file reporter to --benchmark_out, one file per process, and each grid
// gets its own file here.
class TeeReporter : public benchmark::BenchmarkReporter {
 public:
  TeeReporter(benchmark::BenchmarkReporter* console, std::ostream* json_stream)
      : console_(console) {
    json_.SetOutputStream(json_stream);
    json_.SetErrorStream(json_stream);
  }
  bool ReportContext(const Context& context) override {
    json_.ReportContext(context);
    return console_->ReportContext(context);
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    json_.ReportRuns(runs);
    console_->ReportRuns(runs);
  }
  void Finalize() override {
    json_.Finalize();
    console_->Finalize();
  }

 private:
  benchmark::BenchmarkReporter* console_;
  benchmark::JSONReporter json_;
};

// Each cell of each grid as one benchmark, timed by the seconds the cell
// took to compute; grid G's JSON lands in <results_dir>/G.benchmark.json.
int RunBenchmarks(const std::vector<Grid>& grids, GridRunner& runner,
                  const std::string& results_dir) {
  int failures = 0;
  for (const Grid& grid : grids) {
    benchmark::ClearRegisteredBenchmarks();
    for (const GridCell& cell : grid.cells) {
      benchmark::RegisterBenchmark(
          absl::StrCat(grid.spec.id, "/", cell.Name()).c_str(),
          [&runner, cell, &failures](benchmark::State& state) {
            for (auto _ : state) {
              absl::StatusOr<std::string> record = runner.RunCell(cell);
              if (!record.ok()) {
                ++failures;
                state.SkipWithError(std::string(record.status().message()).c_str());
                break;
              }
              const nlohmann::json json = nlohmann::json::parse(*record);
              if (json["status"] != "ok") {
                state.SkipWithError(
                    absl::StrCat("not available: ", json.value("reason", "")).c_str());
                break;
              }
              state.SetIterationTime(json.value("seconds", 0.0));
              for (const auto& [name, value] : CellCounters(json)) {
                state.counters[name] = benchmark::Counter(value);
              }
            }
          })
          ->Iterations(1)
          ->UseManualTime()
          ->Unit(benchmark::kSecond);
    }
    const std::string path = absl::StrCat(results_dir, "/", grid.spec.id, ".benchmark.json");
    std::ofstream json(path + ".partial");
    // The default display reporter is a process-wide singleton: not ours to delete.
    TeeReporter tee(benchmark::CreateDefaultDisplayReporter(), &json);
    benchmark::RunSpecifiedBenchmarks(&tee);
    json.close();
    std::filesystem::rename(path + ".partial", path);
  }
  return failures;
}

}  // namespace
}  // namespace kdbench

int main(int argc, char** argv) {
  kdbench::PinOpenBlasCoreType(argv);
  benchmark::Initialize(&argc, argv);
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_worker)) {
    // A worker outliving an interrupted run would keep writing into the
    // store behind the next run's back.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    // The parent died before the line above: this process was handed to
    // init or to a subreaper (a container's, a test runner's).
    if (getppid() != absl::GetFlag(FLAGS_parent_pid)) return 1;
  }
  const kdbench::GridRunOptions options{
      .grid_files = absl::StrSplit(absl::GetFlag(FLAGS_grids), ',', absl::SkipEmpty()),
      .profile = absl::GetFlag(FLAGS_profile),
      .profile_file = absl::GetFlag(FLAGS_profile_file),
      .config = absl::GetFlag(FLAGS_config),
      .seeds = absl::GetFlag(FLAGS_seeds),
      .results_dir = absl::GetFlag(FLAGS_results_dir),
      .store_dir = absl::GetFlag(FLAGS_store_dir),
      .phase = absl::GetFlag(FLAGS_phase),
      .imports = absl::StrSplit(absl::GetFlag(FLAGS_import), ',', absl::SkipEmpty()),
      .shard = absl::GetFlag(FLAGS_shard),
      .jobs = absl::GetFlag(FLAGS_jobs),
      .threads = absl::GetFlag(FLAGS_threads),
      .device = absl::GetFlag(FLAGS_device),
      .worker = absl::GetFlag(FLAGS_worker)};
  if (absl::Status status = kdbench::ConfigureThreads(options.ThreadsPerWorker()); !status.ok()) {
    std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
    return 2;
  }
  return kdbench::RunGrids(options, kdbench::RunBenchmarks);
}
