// The experiment grids as Google Benchmark targets: each cell of each grid
// (benchmarks/grids/*.toml) is one benchmark, Iterations(1), timed by the
// seconds the cell took to compute, with accuracy, macro F1, parameter
// counts, compression and examples/s as counters. The benchmark JSON of
// grid G lands in <results_dir>/G.benchmark.json, next to the cell records
// and a run manifest.
//
// Phases: `teachers` and `cells` compute (workers may share them: each
// artifact is claimed by a file lock), `benchmark` (the default) reports,
// computing what is still missing, `list` prints the cells. --jobs=N runs
// the first two phases in N worker processes with overall progress and ETA,
// then reports. With --shard=i/n a run only computes its share of the cells
// and leaves the reporting to `--phase=merge`, which checks that every cell
// is there (importing the records of shards run elsewhere) and then reports.
//
// One run reports into a results directory at a time: reporting runs hold
// <results_dir>/.lock exclusively, computing runs (shards, phases) share it.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "benchmark/benchmark.h"
#include "lib/experiment/grid_profile.h"
#include "lib/experiment/grid_runner.h"
#include "lib/experiment/run_log.h"
#include "lib/experiment/sealed_record.h"
#include "lib/experiment/grid_spec.h"
#include "lib/util/atomic_file.h"
#include "lib/util/device.h"
#include "lib/util/directory_listing.h"
#include "lib/util/file_lock.h"
#include "lib/util/build_revision.h"
#include "lib/util/library_versions.h"
#include "lib/util/progress.h"
#include "lib/util/runfiles.h"
#include "lib/util/runtime_environment.h"
#include "lib/util/status_macros.h"
#include "lib/util/utc_time.h"
#include "nlohmann/json.hpp"

ABSL_FLAG(std::string, grids, "",
          "comma-separated grid files (benchmarks/grids/*.toml); relative paths are looked up "
          "in the working directory, the workspace and the runfiles");
ABSL_FLAG(std::string, profile, "mini", "profile: paper, mini or smoke (profiles.toml)");
ABSL_FLAG(std::string, profile_file, "benchmarks/grids/profiles.toml", "the profiles");
ABSL_FLAG(std::string, config, "",
          "a TOML file of settings over the profile (the paper profile's dataset paths and "
          "checkpoints)");
ABSL_FLAG(int, seeds, 0, "seeds 1..N for grids without a seed axis; 0: the profile's");
ABSL_FLAG(std::string, results_dir, "", "cell records and benchmark JSON; default results/PROFILE");
ABSL_FLAG(std::string, store_dir, "",
          "teacher checkpoints, teacher outputs and locks; default ~/.cache/kdbench/store/PROFILE");
ABSL_FLAG(std::string, phase, "benchmark",
          "benchmark | teachers | cells | work (teachers, then cells, no barrier) | merge | list");
ABSL_FLAG(std::string, import, "",
          "--phase=merge: comma-separated results directories of shards run elsewhere, whose "
          "cell records are checked and copied into --results_dir first");
ABSL_FLAG(std::string, shard, "", "i/n: only the cells of shard i (0-based) of n");
ABSL_FLAG(int, jobs, 1, "worker processes for the teachers and cells phases");
ABSL_FLAG(int, threads, 0, "LibTorch threads (per worker); 0 = cores / jobs");
ABSL_FLAG(std::string, device, "auto", "auto, cpu or cuda[:N]");
ABSL_FLAG(bool, worker, false,
          "set by --jobs for its worker processes: exit when the parent exits");
ABSL_FLAG(int, parent_pid, 0, "set by --jobs for its workers: the parent's process id");

extern char** environ;

namespace kdbench {
namespace {

using Clock = std::chrono::steady_clock;

std::string WorkspaceDirectory() {
  if (const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY")) return workspace;
  return ".";
}

// A relative path: as given when it exists, else under the workspace (bazel
// run), else in the runfiles.
std::string LocateInput(const std::string& path) {
  if (path.empty() || path[0] == '/' || std::filesystem::exists(path)) return path;
  const std::string in_workspace = WorkspaceDirectory() + "/" + path;
  if (std::filesystem::exists(in_workspace)) return in_workspace;
  const std::string runfile = FindRunfile(path);
  return runfile.empty() ? path : runfile;
}

std::string DefaultStoreDirectory(const std::string& profile) {
  const char* home = std::getenv("HOME");
  return absl::StrCat(home ? home : "/tmp", "/.cache/kdbench/store/", profile);
}

struct Grid {
  GridSpec spec;
  std::vector<GridCell> cells;
};

struct Shard {
  int64_t index = 0, count = 1;
};

// --shard, else Slurm's array variables, else Bazel's test sharding.
absl::StatusOr<Shard> ResolveShard(const std::string& flag) {
  std::string index_text, count_text;
  if (!flag.empty()) {
    std::vector<std::string> parts = absl::StrSplit(flag, '/');
    if (parts.size() != 2) return absl::InvalidArgumentError("--shard must be i/n, e.g. 0/4");
    index_text = parts[0], count_text = parts[1];
  } else if (std::getenv("SLURM_ARRAY_TASK_ID") && std::getenv("SLURM_ARRAY_TASK_COUNT")) {
    index_text = std::getenv("SLURM_ARRAY_TASK_ID");
    count_text = std::getenv("SLURM_ARRAY_TASK_COUNT");
  } else if (std::getenv("TEST_SHARD_INDEX") && std::getenv("TEST_TOTAL_SHARDS")) {
    index_text = std::getenv("TEST_SHARD_INDEX");
    count_text = std::getenv("TEST_TOTAL_SHARDS");
  } else {
    return Shard{};
  }
  Shard shard;
  if (!absl::SimpleAtoi(index_text, &shard.index) || !absl::SimpleAtoi(count_text, &shard.count) ||
      shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
    return absl::InvalidArgumentError(
        absl::StrCat("shard ", index_text, "/", count_text, ": need 0 <= i < n"));
  }
  return shard;
}

// Every distinct cell of the grids in first-appearance order, keyed.
std::vector<std::pair<std::string, GridCell>> DistinctCells(const std::vector<Grid>& grids,
                                                            const GridRunner& runner) {
  std::vector<std::pair<std::string, GridCell>> cells;
  std::set<std::string> seen;
  for (const Grid& grid : grids) {
    for (const GridCell& cell : grid.cells) {
      std::string key = runner.CellKey(cell);
      if (seen.insert(key).second) cells.emplace_back(std::move(key), cell);
    }
  }
  return cells;
}

// One job per distinct teacher that unfinished cells need: pre-training
// first (as a "none" cell, which needs nothing else), then fine-tuning.
std::vector<std::pair<std::string, GridCell>> TeacherJobs(
    const std::vector<std::pair<std::string, GridCell>>& cells, const GridRunner& runner,
    bool teacher_per_seed) {
  std::vector<std::pair<std::string, GridCell>> jobs;
  std::set<std::string> seen;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& [key, cell] : cells) {
      if (runner.FinishedCell(cell).ok()) continue;
      if (pass == 1 && cell.method == "none") continue;
      GridCell job = cell;
      if (pass == 0) job.method = "none";
      else job.method = kTeacherMethod;
      job.student.clear();
      job.schedule.clear();
      if (pass == 0) job.labels_per_class = 0;
      if (pass == 0 || !teacher_per_seed) job.seed = 1;
      const std::string id =
          pass == 0 ? absl::StrCat(job.dataset, "/", job.teacher, "/pre-train")
                    : absl::StrCat(job.dataset, "/", job.teacher, "/fine-tune/labels:",
                                   LabelsName(job.labels_per_class), "/seed:", job.seed);
      if (seen.insert(id).second) jobs.emplace_back(id, job);
    }
  }
  return jobs;
}

// Prints a line both to the console and, for the parent, as an event.
void Event(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

// Claims work by file locks: sweeps take what nobody else holds, again and
// again while that finds work; only when everything left is held by other
// workers does it wait, for the first of it (or, with wait_at_end false,
// return and leave the rest to its holders). Waiting while other work is
// free left a core idle: a worker blocked on a teacher fine-tuning that the
// other held, with two more fine-tunings unclaimed. A job returns "" for
// work that was already done. Returns the number of failures.
template <typename Job>
int RunClaimed(const std::vector<std::pair<std::string, GridCell>>& jobs, const char* what,
               bool label_is_id, Job job, bool wait_at_end = true) {
  std::vector<bool> done(jobs.size(), false);
  int failures = 0;
  size_t remaining = jobs.size();
  bool wait = false;
  while (remaining > 0) {
    bool progress = false;
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (done[i]) continue;
      const auto start = Clock::now();
      absl::StatusOr<std::string> outcome = job(jobs[i].second, wait);
      if (absl::IsUnavailable(outcome.status()) && !wait) continue;
      done[i] = true;
      --remaining;
      progress = true;
      wait = false;
      if (outcome.ok() && outcome->empty()) continue;  // finished by another worker
      const std::string& label = label_is_id ? jobs[i].first : jobs[i].second.Name();
      if (!outcome.ok()) {
        ++failures;
        Event(absl::StrCat("FAILED ", what, " ", label, ": ", outcome.status().message()));
      } else {
        Event(absl::StrCat("DONE ", what, " ", SecondsSince(start), " ", label, " ", *outcome));
      }
    }
    if (!progress) {
      if (!wait_at_end) break;
      wait = true;  // the next sweep blocks on the first job left
    }
  }
  return failures;
}

// Where a finished record's test and dev metrics are: a teacher cell reports
// its fine-tuned teacher's.
const nlohmann::json& TestMetrics(const nlohmann::json& record) {
  return record.value("kind", "") == "teacher" ? record["teacher"]["finetune"] : record["result"];
}

// "ok test_accuracy 0.93", or "not_available: REASON", for progress lines.
std::string CellSummary(const nlohmann::json& record) {
  if (record.value("status", "") != "ok") {
    return absl::StrCat("not_available: ", record.value("reason", ""));
  }
  return absl::StrCat("ok test_accuracy ", TestMetrics(record).value("test_accuracy", -1.0));
}

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

void SetCounters(const nlohmann::json& record, benchmark::State& state) {
  const nlohmann::json& result = record["result"];
  auto set = [&](const char* name, double value) {
    state.counters[name] = benchmark::Counter(value);
  };
  const nlohmann::json& metrics = TestMetrics(record);
  set("test_accuracy", metrics.value("test_accuracy", 0.0));
  set("test_macro_f1", metrics.value("test_macro_f1", 0.0));
  set("dev_accuracy", metrics.value("dev_accuracy", 0.0));
  if (record["kind"] == "teacher") {
    set("parameters", result.value("parameters", 0.0));
    set("embedding_parameters", result.value("embedding_parameters", 0.0));
    set("non_embedding_parameters", result.value("non_embedding_parameters", 0.0));
    set("compression", 1);
    set("prediction_variance", result.value("mean_probability_variance", 0.0));
    set("one_hot_variance", result.value("one_hot_variance", 0.0));
    return;
  }
  const double embedding = result.value("embedding_parameters", 0.0);
  const double non_embedding = result.value("non_embedding_parameters", 0.0);
  set("parameters", embedding + non_embedding);
  set("embedding_parameters", embedding);
  set("non_embedding_parameters", non_embedding);
  const double teacher = result["teacher"].value("parameters", 0.0);
  if (teacher > 0 && embedding + non_embedding > 0) {
    set("compression", teacher / (embedding + non_embedding));
  }
  set("examples_per_second", result.value("train_examples_per_second", 0.0));
  set("epochs", result.value("epochs", 0.0));
}

int RunBenchmarks(const std::vector<Grid>& grids, GridRunner* runner,
                  const std::string& results_dir) {
  int failures = 0;
  for (const Grid& grid : grids) {
    benchmark::ClearRegisteredBenchmarks();
    for (const GridCell& cell : grid.cells) {
      benchmark::RegisterBenchmark(
          absl::StrCat(grid.spec.id, "/", cell.Name()).c_str(),
          [runner, cell, &failures](benchmark::State& state) {
            for (auto _ : state) {
              absl::StatusOr<std::string> record = runner->RunCell(cell);
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
              SetCounters(json, state);
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

// Runs a phase in `jobs` copies of this binary and shows progress per kind
// of work ("teacher", "cell": the events' second word) with an overall ETA;
// worker logs go to <results_dir>/logs/.
int RunWorkers(int jobs, const std::string& phase, const std::vector<std::string>& pass_flags,
               const std::string& results_dir, const std::map<std::string, int64_t>& totals,
               Clock::time_point start) {
  std::vector<pid_t> pids;
  std::vector<FILE*> outputs;
  const std::string logs = results_dir + "/logs";
  if (!CreateDirectories(logs).ok()) return 1;
  std::error_code error;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe", error).string();
  if (error) {
    std::fprintf(stderr, "kdbench: cannot find this binary (/proc/self/exe): %s\n",
                 error.message().c_str());
    return 1;
  }
  for (int worker = 0; worker < jobs; ++worker) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return 1;
    const std::string log = absl::StrCat(logs, "/", phase, "-worker-", worker, ".log");
    // argv[0] is the binary's real path, so that ps and pkill name workers
    // like their parent.
    std::vector<std::string> arguments = {self, absl::StrCat("--phase=", phase), "--worker",
                                          absl::StrCat("--parent_pid=", getpid())};
    arguments.insert(arguments.end(), pass_flags.begin(), pass_flags.end());
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (spawned != 0) {
      std::fprintf(stderr, "kdbench: cannot start a worker\n");
      return 1;
    }
    pids.push_back(pid);
    outputs.push_back(fdopen(pipe_fds[0], "r"));
  }
  // One reader thread per worker; the main thread prints.
  std::mutex mutex;
  int64_t failed = 0;
  // Per kind: items finished and their summed seconds (the events' own).
  std::map<std::string, std::pair<int64_t, double>> finished;
  std::vector<std::thread> readers;
  for (FILE* output : outputs) {
    readers.emplace_back([&, output] {
      char* line = nullptr;
      size_t capacity = 0;
      while (getline(&line, &capacity, output) > 0) {
        std::string text(line);
        if (!text.empty() && text.back() == '\n') text.pop_back();
        std::lock_guard<std::mutex> lock(mutex);
        const bool is_done = text.rfind("DONE ", 0) == 0;
        const bool is_failed = text.rfind("FAILED ", 0) == 0;
        if (!is_done && !is_failed) continue;
        if (is_failed) ++failed;
        // "DONE what seconds name record" / "FAILED what name: why".
        std::vector<std::string> fields = absl::StrSplit(text, absl::MaxSplits(' ', 4));
        const std::string kind = fields.size() > 1 ? fields[1] : "";
        double seconds = 0;
        if (is_done && fields.size() > 2 && !absl::SimpleAtod(fields[2], &seconds)) seconds = 0;
        auto& [count, summed] = finished[kind];
        ++count;
        summed += seconds;
        // What is left, at each kind's mean so far, shared by the workers.
        // A kind with nothing finished yet (cells while teachers train) has
        // no mean: the ETA then says it leaves them out.
        double left = 0;
        std::string untimed;
        for (const auto& [name, total] : totals) {
          const auto seen = finished.find(name);
          const int64_t made = seen == finished.end() ? 0 : seen->second.first;
          if (made == 0) {
            if (total > 0) absl::StrAppend(&untimed, " + ", name, "s");
            continue;
          }
          left += seen->second.second / static_cast<double>(made) *
                  static_cast<double>(std::max<int64_t>(0, total - made));
        }
        std::string shown = is_failed ? text.substr(0, 300)
                                      : absl::StrCat(fields.size() > 3 ? fields[3] : "", " (",
                                                     fields.size() > 2 ? fields[2].substr(0, 5)
                                                                       : "",
                                                     " s)");
        const auto total = totals.find(kind);
        const std::string counted = total != totals.end() && total->second > 0
                                        ? absl::StrCat(count, "/", total->second)
                                        : absl::StrCat(count);
        std::fprintf(stderr, "[%ss %s] %s | elapsed %s, ETA %s%s\n", kind.c_str(),
                     counted.c_str(), shown.c_str(), FormatDuration(SecondsSince(start)).c_str(),
                     FormatDuration(left / jobs).c_str(), untimed.c_str());
      }
      free(line);
      fclose(output);
    });
  }
  for (std::thread& reader : readers) reader.join();
  int status = 0;
  for (size_t worker = 0; worker < pids.size(); ++worker) {
    int wait_status = 0;
    waitpid(pids[worker], &wait_status, 0);
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) continue;
    status = 1;
    std::fprintf(stderr, "kdbench: %s worker %zu %s; its log: %s/%s-worker-%zu.log\n",
                 phase.c_str(), worker,
                 WIFSIGNALED(wait_status)
                     ? absl::StrCat("was killed by signal ", WTERMSIG(wait_status)).c_str()
                     : absl::StrCat("exited with status ", WEXITSTATUS(wait_status)).c_str(),
                 logs.c_str(), phase.c_str(), worker);
  }
  if (failed > 0 || status != 0) {
    std::fprintf(stderr, "kdbench: %lld teacher(s) or cell(s) failed; see %s\n",
                 static_cast<long long>(failed), logs.c_str());
    return 1;
  }
  return 0;
}

// Makes the teachers that the unfinished cells need (with wait_at_end false,
// those nobody else is making). Returns the failures.
int RunTeacherPhase(const std::vector<std::pair<std::string, GridCell>>& cells,
                    GridRunner& runner, bool teacher_per_seed, bool wait_at_end = true) {
  return RunClaimed(TeacherJobs(cells, runner, teacher_per_seed), "teacher", true,
                    [&](const GridCell& cell, bool wait) -> absl::StatusOr<std::string> {
                      if (runner.TeacherReady(cell)) return std::string();
                      const int64_t made = runner.made_teachers();
                      absl::Status status = runner.PrepareTeacher(cell, wait);
                      if (!status.ok()) return status;
                      // Made by another worker while this one waited.
                      if (runner.made_teachers() == made) return std::string();
                      return std::string("ready");
                    },
                    wait_at_end);
}

// Computes the unfinished cells. Returns the failures.
int RunCellPhase(const std::vector<std::pair<std::string, GridCell>>& cells, GridRunner& runner) {
  return RunClaimed(cells, "cell", false,
                    [&](const GridCell& cell, bool wait) -> absl::StatusOr<std::string> {
                      if (runner.FinishedCell(cell).ok()) return std::string();
                      const int64_t computed = runner.computed_cells();
                      absl::StatusOr<std::string> record = runner.RunCell(cell, wait);
                      if (!record.ok()) return record.status();
                      // Finished by another worker while this one waited.
                      if (runner.computed_cells() == computed) return std::string();
                      return CellSummary(nlohmann::json::parse(*record));
                    });
}

// A worker's whole share: the teachers nobody else is making, then the cells
// (a cell whose teacher another worker is still making waits its turn, and
// one whose teacher nobody made makes it). No barrier between the two: a
// worker with no teacher left to take goes on to cells whose teachers are
// ready instead of idling until the last teacher is done. Returns the
// failures; a failed teacher stops this worker before its cells.
int RunTeachersThenCells(const std::vector<std::pair<std::string, GridCell>>& cells,
                         GridRunner& runner, bool teacher_per_seed) {
  const int failures = RunTeacherPhase(cells, runner, teacher_per_seed, /*wait_at_end=*/false);
  if (failures > 0) return failures;
  return RunCellPhase(cells, runner);
}

// The results directory's locks for this run: a run that reports (writes the
// benchmark JSON and the manifest) holds <results>/.lock alone; runs that
// only add cell records (shards, phases) share it, and a shard also holds its
// own lock so that it runs once at a time. Exit status 3 when taken.
constexpr int kResultsBusy = 3;
absl::StatusOr<std::vector<std::unique_ptr<FileLock>>> LockResults(const std::string& results_dir,
                                                                   bool reporting,
                                                                   const Shard& shard) {
  std::vector<std::unique_ptr<FileLock>> locks;
  const std::string path = results_dir + "/.lock";
  absl::StatusOr<std::unique_ptr<FileLock>> lock = FileLock::Acquire(
      path, reporting ? LockMode::kExclusive : LockMode::kShared, /*wait=*/false);
  if (absl::IsUnavailable(lock.status())) {
    std::string holder = FileLock::ReadHolder(path);
    if (holder.empty()) holder = "shards or phase runs that are adding cell records";
    return absl::UnavailableError(absl::StrCat(
        "results directory ", results_dir, " is in use by another run (", holder, "). ",
        reporting ? "Two runs reporting into one directory would overwrite each other's tables "
                    "and manifest."
                  : "It is writing the tables and manifest from the records this run would add.",
        " Wait for it to finish, or pass another --results_dir."));
  }
  if (!lock.ok()) return lock.status();
  if (reporting) {
    RETURN_IF_ERROR((*lock)->DescribeHolder(
        absl::StrCat(ThisProcessDescription(), ", reporting")));
  }
  locks.push_back(*std::move(lock));
  if (shard.count > 1) {
    const std::string shard_path =
        absl::StrCat(results_dir, "/shards/", shard.index, "-of-", shard.count, ".lock");
    absl::StatusOr<std::unique_ptr<FileLock>> shard_lock =
        FileLock::Acquire(shard_path, LockMode::kExclusive, /*wait=*/false);
    if (absl::IsUnavailable(shard_lock.status())) {
      return absl::UnavailableError(absl::StrCat("shard ", shard.index, "/", shard.count, " of ",
                                                 results_dir, " is already running (",
                                                 FileLock::ReadHolder(shard_path), ")"));
    }
    if (!shard_lock.ok()) return shard_lock.status();
    RETURN_IF_ERROR((*shard_lock)->DescribeHolder(ThisProcessDescription()));
    locks.push_back(*std::move(shard_lock));
  }
  return locks;
}

// Copies the intact cell records (and shard summaries) of results
// directories written elsewhere into `results_dir`. A corrupt record is
// reported and left out: its cell then counts as missing.
absl::Status ImportResults(const std::vector<std::string>& sources, const std::string& results_dir) {
  for (const std::string& source : sources) {
    if (!std::filesystem::is_directory(source + "/cells")) {
      return absl::NotFoundError(
          absl::StrCat("--import: ", source, " has no cells/ directory (not a results directory)"));
    }
    int copied = 0, present = 0, corrupt = 0;
    for (const std::string& path : SortedFilesEndingWith(source + "/cells", ".json")) {
      const std::string name = std::filesystem::path(path).filename().string();
      const std::string target = results_dir + "/cells/" + name;
      absl::StatusOr<std::string> sealed = ReadFileToString(path);
      if (sealed.ok() && !UnsealRecord(*sealed, path).ok()) sealed = absl::DataLossError("");
      if (!sealed.ok()) {
        ++corrupt;
        std::fprintf(stderr, "kdbench: merge: %s is corrupt or unreadable; left out\n",
                     path.c_str());
        continue;
      }
      if (absl::StatusOr<std::string> mine = ReadFileToString(target);
          mine.ok() && UnsealRecord(*mine, target).ok()) {
        ++present;
        continue;
      }
      RETURN_IF_ERROR(WriteFileAtomically(target, *sealed));
      ++copied;
    }
    for (const std::string& path : SortedFilesEndingWith(source + "/shards", ".json")) {
      const std::string target =
          results_dir + "/shards/" + std::filesystem::path(path).filename().string();
      if (std::filesystem::exists(target)) continue;
      ASSIGN_OR_RETURN(std::string summary, ReadFileToString(path));
      RETURN_IF_ERROR(WriteFileAtomically(target, summary));
    }
    std::fprintf(stderr, "kdbench: merge: %s: %d record(s) copied, %d already here, %d corrupt\n",
                 source.c_str(), copied, present, corrupt);
  }
  return absl::OkStatus();
}

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

int Main(int argc, char** argv) {
  const auto start = Clock::now();
  const std::string profile_name = absl::GetFlag(FLAGS_profile);
  absl::StatusOr<GridProfile> profile = LoadGridProfile(
      LocateInput(absl::GetFlag(FLAGS_profile_file)), profile_name,
      LocateInput(absl::GetFlag(FLAGS_config)));
  if (!profile.ok()) {
    std::fprintf(stderr, "kdbench: %s\n", std::string(profile.status().message()).c_str());
    return 2;
  }
  std::vector<uint64_t> seeds;
  const int seed_count = absl::GetFlag(FLAGS_seeds) > 0 ? absl::GetFlag(FLAGS_seeds)
                                                         : static_cast<int>(profile->seeds());
  for (int seed = 1; seed <= seed_count; ++seed) seeds.push_back(seed);

  const std::vector<std::string> grid_files =
      absl::StrSplit(absl::GetFlag(FLAGS_grids), ',', absl::SkipEmpty());
  if (grid_files.empty()) {
    std::fprintf(stderr, "kdbench: --grids=FILE[,FILE...] is required (benchmarks/grids/)\n");
    return 2;
  }
  std::vector<Grid> grids;
  std::set<std::string> datasets, roles;
  for (const std::string& file : grid_files) {
    absl::StatusOr<GridSpec> spec = ReadGridSpec(LocateInput(file));
    if (!spec.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(spec.status().message()).c_str());
      return 2;
    }
    absl::StatusOr<std::vector<GridCell>> cells = ExpandGrid(*spec, profile->datasets(), seeds);
    if (!cells.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(cells.status().message()).c_str());
      return 2;
    }
    for (const GridCell& cell : *cells) datasets.insert(cell.dataset), roles.insert(cell.teacher);
    grids.push_back({*std::move(spec), *std::move(cells)});
  }
  const std::vector<std::string> missing = profile->Missing(
      std::vector<std::string>(datasets.begin(), datasets.end()),
      std::vector<std::string>(roles.begin(), roles.end()));
  if (!missing.empty()) {
    std::fprintf(stderr,
                 "kdbench: the %s profile needs files this machine has not been given:\n",
                 profile_name.c_str());
    for (const std::string& item : missing) std::fprintf(stderr, "  - %s\n", item.c_str());
    std::fprintf(stderr,
                 "Write these settings into a TOML file and pass it with --config=FILE "
                 "(see benchmarks/grids/README.md).\n");
    return 2;
  }
  absl::StatusOr<Shard> shard = ResolveShard(absl::GetFlag(FLAGS_shard));
  if (!shard.ok()) {
    std::fprintf(stderr, "kdbench: %s\n", std::string(shard.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<c10::Device> device = ResolveDevice(absl::GetFlag(FLAGS_device));
  if (!device.ok()) {
    std::fprintf(stderr, "kdbench: %s\n", std::string(device.status().message()).c_str());
    return 2;
  }
  std::string results_dir = absl::GetFlag(FLAGS_results_dir);
  if (results_dir.empty()) results_dir = WorkspaceDirectory() + "/results/" + profile_name;
  std::string store_dir = absl::GetFlag(FLAGS_store_dir);
  if (store_dir.empty()) store_dir = DefaultStoreDirectory(profile_name);
  const std::string phase = absl::GetFlag(FLAGS_phase);
  const int jobs = std::max(1, absl::GetFlag(FLAGS_jobs));
  // The binary's own: workers run the same binary, whatever edits happen.
  const std::string git_revision = BuildRevision();
  GridRunner runner(&*profile,
                    {.store_dir = store_dir,
                     .results_dir = results_dir,
                     .git_revision = git_revision,
                     // A worker's stderr is its own log file: per-epoch lines
                     // there show how far a long cell is.
                     .progress = phase == "work" || (phase == "benchmark" && jobs == 1)},
                    *device);

  // A merge reports every cell, whatever shard variables its environment has.
  if (phase == "merge") *shard = Shard{};
  std::vector<std::pair<std::string, GridCell>> cells = DistinctCells(grids, runner);
  if (shard->count > 1) {
    std::vector<std::pair<std::string, GridCell>> mine;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (static_cast<int64_t>(i) % shard->count == shard->index) mine.push_back(cells[i]);
    }
    cells = std::move(mine);
  }

  if (phase == "list") {
    for (const Grid& grid : grids) {
      std::printf("# %s (table %s): %s, %zu cells\n", grid.spec.id.c_str(),
                  grid.spec.table.c_str(), grid.spec.title.c_str(), grid.cells.size());
      for (const GridCell& cell : grid.cells) {
        std::printf("%s %s %s\n", runner.CellKey(cell).substr(0, 16).c_str(),
                    runner.FinishedCell(cell).ok() ? "done   " : "pending", cell.Name().c_str());
      }
    }
    return 0;
  }
  if (phase != "benchmark" && phase != "teachers" && phase != "cells" && phase != "work" &&
      phase != "merge") {
    std::fprintf(stderr,
                 "kdbench: --phase=%s: unknown; known: benchmark, teachers, cells, work, merge, "
                 "list\n",
                 phase.c_str());
    return 2;
  }
  // Workers run under their parent's locks.
  const bool reporting = phase == "merge" || (phase == "benchmark" && shard->count == 1);
  absl::StatusOr<std::vector<std::unique_ptr<FileLock>>> locks;
  if (!absl::GetFlag(FLAGS_worker)) {
    locks = LockResults(results_dir, reporting, *shard);
    if (!locks.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(locks.status().message()).c_str());
      return absl::IsUnavailable(locks.status()) ? kResultsBusy : 1;
    }
  }
  if (phase == "teachers") {
    return RunTeacherPhase(cells, runner, profile->teacher_per_seed()) == 0 ? 0 : 1;
  }
  if (phase == "cells") return RunCellPhase(cells, runner) == 0 ? 0 : 1;
  if (phase == "work") {
    return RunTeachersThenCells(cells, runner, profile->teacher_per_seed()) == 0 ? 0 : 1;
  }
  if (phase == "merge") {
    if (absl::Status status = ImportResults(
            absl::StrSplit(absl::GetFlag(FLAGS_import), ',', absl::SkipEmpty()), results_dir);
        !status.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
      return 1;
    }
    std::vector<std::string> missing;
    for (const auto& [key, cell] : cells) {
      if (!runner.FinishedCell(cell).ok()) missing.push_back(cell.Name());
    }
    if (!missing.empty()) {
      std::fprintf(stderr,
                   "kdbench: merge: %zu of %zu cells have no intact record in %s (a shard failed "
                   "or has not run yet):\n",
                   missing.size(), cells.size(), results_dir.c_str());
      for (size_t i = 0; i < missing.size() && i < 10; ++i) {
        std::fprintf(stderr, "  - %s\n", missing[i].c_str());
      }
      if (missing.size() > 10) std::fprintf(stderr, "  ... and %zu more\n", missing.size() - 10);
      std::fprintf(stderr,
                   "Rerun the failed shards (they resume), or run without --shard to compute "
                   "the missing cells here; then merge again.\n");
      return 1;
    }
  }
  int64_t pending = 0;
  for (const auto& [key, cell] : cells) pending += runner.FinishedCell(cell).ok() ? 0 : 1;
  std::fprintf(stderr, "kdbench: %zu grid(s), %zu distinct cells, %lld to compute; results in %s\n",
               grids.size(), cells.size(), static_cast<long long>(pending), results_dir.c_str());
  // The run that reports logs its segments when it computes, so that a run
  // stopped and resumed is timed by all of them (report/run_time.py).
  int segment = 0;
  if (phase == "benchmark" && shard->count == 1 && pending > 0) {
    absl::StatusOr<int> started = StartRunSegment(
        results_dir, absl::StrCat("git ", git_revision.substr(0, 12), ", ", jobs, " jobs, ",
                                  pending, " cells to compute"));
    if (!started.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(started.status().message()).c_str());
      return 1;
    }
    segment = *started;
  }
  if (shard->count > 1) {
    std::fprintf(stderr, "kdbench: shard %lld/%lld: %zu of the grids' cells\n",
                 static_cast<long long>(shard->index), static_cast<long long>(shard->count),
                 cells.size());
  }
  if (jobs > 1 && pending > 0) {
    // Worker flags: the same run, one phase each.
    std::vector<std::string> pass_flags = {
        absl::StrCat("--grids=", absl::GetFlag(FLAGS_grids)),
        absl::StrCat("--profile=", profile_name),
        absl::StrCat("--profile_file=", LocateInput(absl::GetFlag(FLAGS_profile_file))),
        absl::StrCat("--config=", LocateInput(absl::GetFlag(FLAGS_config))),
        absl::StrCat("--seeds=", seed_count),
        absl::StrCat("--results_dir=", results_dir),
        absl::StrCat("--store_dir=", store_dir),
        absl::StrCat("--threads=", absl::GetFlag(FLAGS_threads) > 0
                                       ? absl::GetFlag(FLAGS_threads)
                                       : std::max(1, HardwareThreads() / jobs)),
        absl::StrCat("--device=", absl::GetFlag(FLAGS_device)),
        absl::StrCat("--shard=", shard->index, "/", shard->count)};
    int64_t teachers = 0;
    for (const auto& [id, job] : TeacherJobs(cells, runner, profile->teacher_per_seed())) {
      teachers += runner.TeacherReady(job) ? 0 : 1;
    }
    if (int status = RunWorkers(jobs, "work", pass_flags, results_dir,
                                {{"teacher", teachers}, {"cell", pending}}, start);
        status != 0) {
      return status;
    }
  } else if (shard->count > 1 && pending > 0) {
    if (RunTeachersThenCells(cells, runner, profile->teacher_per_seed()) != 0) {
      std::fprintf(stderr, "kdbench: shard %lld/%lld: some cells failed (see above)\n",
                   static_cast<long long>(shard->index), static_cast<long long>(shard->count));
      return 1;
    }
  }
  if (shard->count > 1) {
    // A shard leaves the reporting to the merge; its summary says what it did.
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& [key, cell] : cells) keys.push_back(key);
    const nlohmann::json summary = {{"shard", absl::StrCat(shard->index, "/", shard->count)},
                                    {"cells", cells.size()},
                                    {"cells_computed", pending},
                                    {"seconds", SecondsSince(start)},
                                    {"finished_at", UtcNow()},
                                    {"git_revision", git_revision},
                                    {"process", ThisProcessDescription()},
                                    {"keys", keys}};
    if (absl::Status status = WriteFileAtomically(
            absl::StrCat(results_dir, "/shards/", shard->index, "-of-", shard->count, ".json"),
            summary.dump(1) + "\n");
        !status.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
      return 1;
    }
    std::fprintf(stderr,
                 "kdbench: shard %lld/%lld done in %s: %zu cells, %lld computed; merge the "
                 "shards with ./kdbench merge\n",
                 static_cast<long long>(shard->index), static_cast<long long>(shard->count),
                 FormatDuration(SecondsSince(start)).c_str(), cells.size(),
                 static_cast<long long>(pending));
    return 0;
  }
  const int failures = RunBenchmarks(grids, &runner, results_dir);

  // The manifest ties the run together: which cells make each grid.
  nlohmann::json manifest = {
      {"format", "kdbench-manifest/1"},
      {"profile", profile_name},
      {"profile_sources", profile->sources()},
      {"seeds", seeds},
      {"git_revision", git_revision},
      {"libraries", LibraryVersions()},
      {"environment", FormatRuntimeEnvironment(DetectRuntimeEnvironment())},
      {"device", device->str()},
      {"jobs", jobs},
      {"cells_computed_by_this_run", pending},
      {"seconds", SecondsSince(start)},
      {"finished_at", UtcNow()},
  };
  // Earlier runs into this directory, latest last: a warm rerun must not
  // hide what the run that computed the cells cost.
  nlohmann::json runs = nlohmann::json::array();
  if (absl::StatusOr<std::string> previous = ReadFileToString(results_dir + "/manifest.json");
      previous.ok()) {
    const nlohmann::json old = nlohmann::json::parse(*previous, nullptr, false);
    if (old.is_object() && old.value("profile", "") == profile_name &&
        old.contains("runs") && old["runs"].is_array()) {
      runs = old["runs"];
    }
  }
  std::vector<std::string> grid_ids;
  for (const Grid& grid : grids) grid_ids.push_back(grid.spec.id);
  runs.push_back({{"finished_at", manifest["finished_at"]},
                  {"git_revision", git_revision},
                  {"grids", grid_ids},
                  {"seeds", seeds},
                  {"jobs", jobs},
                  {"cells_computed", pending},
                  {"merge", phase == "merge"},
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
  if (absl::Status status =
          WriteFileAtomically(results_dir + "/manifest.json", manifest.dump(1) + "\n");
      !status.ok()) {
    std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  if (segment > 0) {
    if (absl::Status status = EndRunSegment(
            results_dir, segment, absl::StrCat(pending, " cells to compute, ", failures, " failed"));
        !status.ok()) {
      std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
      return 1;
    }
  }
  std::fprintf(stderr, "kdbench: %zu grid(s) done in %s; %d cell(s) failed; manifest %s\n",
               grids.size(), FormatDuration(SecondsSince(start)).c_str(), failures,
               (results_dir + "/manifest.json").c_str());
  return failures == 0 ? 0 : 1;
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
  int threads = absl::GetFlag(FLAGS_threads);
  if (threads == 0) threads = std::max(1, kdbench::HardwareThreads() / std::max(1, absl::GetFlag(FLAGS_jobs)));
  if (absl::Status status = kdbench::ConfigureThreads(threads); !status.ok()) {
    std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
    return 2;
  }
  return kdbench::Main(argc, argv);
}
