// Fixed small workloads whose instruction counts the nightly tracking reads
// under valgrind (benchmarks/instruction_counts.py runs this binary under
// callgrind). An instruction count repeats exactly for the same binary and
// input whatever else the machine runs, so unlike a wall time it moves only
// when the code does.
//
// Each workload runs once uncounted (lazy initialisation: allocator pools,
// kernels chosen at first use) and then once inside callgrind's collection
// toggles, followed by a dump named "workload:NAME". Outside valgrind the
// toggles do nothing and the binary prints each workload's wall time: the
// tests run it that way.
//
//   bazel-bin/benchmarks/instruction_workloads --scratch_dir=/tmp/w --warm_only
//   valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no
//     bazel-bin/benchmarks/instruction_workloads --scratch_dir=/tmp/w
// (benchmarks/instruction_counts.py adds the environment that fixes the
// kernels and the libhwy work-around.)
#include <valgrind/callgrind.h>

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "benchmarks/model_cases.h"
#include "lib/data/dataset_registry.h"
#include "lib/distill/fresh_gradients.h"
#include "lib/experiment/grid_profile.h"
#include "lib/experiment/grid_runner.h"
#include "lib/experiment/grid_spec.h"
#include "lib/text/bert_tokenizer.h"
#include "lib/util/runfiles.h"
#include "lib/util/runtime_environment.h"

ABSL_FLAG(std::string, workloads, "",
          "comma-separated workloads to run (default: all; --list names them)");
ABSL_FLAG(bool, list, false, "print the workloads' names and exit");
ABSL_FLAG(std::string, scratch_dir, "",
          "directory for the smoke cell's teacher store and records (required for smoke-cell)");
ABSL_FLAG(bool, warm_only, false,
          "only make what the smoke cell reads (its teacher and teacher outputs), natively: "
          "then a counted run computes the cell alone");

namespace kdbench {
namespace {

using Clock = std::chrono::steady_clock;

// Runs `body` inside callgrind's collection and dumps the counts under the
// workload's name.
void Counted(const std::string& name, const std::function<void()>& body) {
  const auto start = Clock::now();
  // Instrumented only here (valgrind runs with --instr-atstart=no): loading
  // LibTorch and registering its operators then costs seconds, not minutes.
  CALLGRIND_START_INSTRUMENTATION;
  CALLGRIND_ZERO_STATS;
  CALLGRIND_TOGGLE_COLLECT;
  body();
  CALLGRIND_TOGGLE_COLLECT;
  // Named, not a temporary: the macro reads the pointer statements later.
  const std::string dump_name = absl::StrCat("workload:", name);
  CALLGRIND_DUMP_STATS_AT(dump_name.c_str());
  CALLGRIND_STOP_INSTRUMENTATION;
  std::printf("workload %s: %.1f ms%s\n", name.c_str(),
              std::chrono::duration<double, std::milli>(Clock::now() - start).count(),
              RUNNING_ON_VALGRIND ? " (under valgrind)" : "");
  std::fflush(stdout);
}

// The BERT WordPiece tokenizer over the first 200 SpamAssassin training
// e-mails (the embedded data, about 0.6 MB of text).
absl::Status Tokenize(const std::string& name) {
  absl::StatusOr<BertTokenizer> tokenizer =
      BertTokenizer::FromVocabFile(FindRunfile("datasets/vocab/bert-base-uncased-vocab.txt"));
  if (!tokenizer.ok()) return tokenizer.status();
  absl::StatusOr<Corpus> corpus = ReadDataset("spamassassin", {});
  if (!corpus.ok()) return corpus.status();
  std::vector<std::string> texts;
  for (size_t i = 0; i < corpus->train.size() && i < 200; ++i) texts.push_back(corpus->train[i].text);
  int64_t tokens = 0;
  auto pass = [&]() {
    tokens = 0;
    for (const std::string& text : texts) tokens += static_cast<int64_t>(tokenizer->Encode(text).size());
  };
  pass();
  Counted(name, pass);
  return tokens > 0 ? absl::OkStatus() : absl::InternalError("the tokenizer produced no tokens");
}

// A model's forward pass (inference) or training step (SGD, as the speed
// benchmark of the same name).
absl::Status ModelStep(const std::string& name, const ModelCase& model, bool training,
                       int64_t batch) {
  absl::StatusOr<BuiltModel> built = BuildModel(model, batch, c10::Device(c10::kCPU));
  if (!built.ok()) return built.status();
  std::function<void()> step;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  const torch::Tensor labels = torch::randint(0, 2, {batch}, torch::kLong);
  if (training) {
    built->module->train();
    optimizer = std::make_unique<torch::optim::SGD>(built->module->parameters(),
                                                    torch::optim::SGDOptions(1e-3));
    step = [&]() {
      FreshGradients gradients(*optimizer);
      gradients.Backward(torch::nn::functional::cross_entropy(built->forward(), labels));
      optimizer->step();
    };
  } else {
    built->module->eval();
    step = [&]() {
      c10::InferenceMode inference;
      (void)built->forward();
    };
  }
  step();
  Counted(name, step);
  return absl::OkStatus();
}

// One cell of the smoke grid, its teacher and teacher outputs already in the
// store (--warm_only made them): student training, the dev selection and
// the test evaluation, and the record written.
const GridCell& SmokeCell() {
  static const GridCell cell{.dataset = "spamassassin", .teacher = "base", .student = "bilstm",
                             .method = "soft", .schedule = "joint", .labels_per_class = 100,
                             .seed = 1};
  return cell;
}

absl::Status SmokeCellWorkload(const std::string& name, bool warm_only) {
  const std::string scratch = absl::GetFlag(FLAGS_scratch_dir);
  if (scratch.empty()) return absl::InvalidArgumentError("--scratch_dir is required for smoke-cell");
  absl::StatusOr<GridProfile> profile =
      LoadGridProfile(FindRunfile("benchmarks/grids/profiles.toml"), "smoke", "");
  if (!profile.ok()) return profile.status();
  // The counted run writes into a fresh directory of a fixed name, so its
  // paths (and the instructions spent copying them) are the same each time.
  const std::string results = scratch + (warm_only ? "/warm-results" : "/counted-results");
  std::error_code error;
  std::filesystem::remove_all(results, error);
  GridRunner runner(&*profile,
                    {.store_dir = scratch + "/store", .results_dir = results, .progress = false},
                    c10::Device(c10::kCPU));
  if (warm_only) return runner.RunCell(SmokeCell()).status();
  if (!runner.TeacherReady(SmokeCell())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the smoke cell's teacher is not in ", scratch,
        "/store: run this binary with --warm_only first (natively, not under valgrind)"));
  }
  absl::Status status;
  Counted(name, [&]() { status = runner.RunCell(SmokeCell()).status(); });
  return status;
}

struct Workload {
  std::string name;
  std::function<absl::Status(const std::string&)> run;
};

// The names match the speed benchmarks' where both measure the same thing,
// so the dashboard plots instructions beside time.
std::vector<Workload> Workloads() {
  return {
      {"tokenizer:bert/spamassassin-200", Tokenize},
      {"teacher:bert-base/size:mini/infer/batch:16",
       [](const std::string& name) {
         return ModelStep(name, {"teacher", "bert-base", "mini"}, false, 16);
       }},
      {"student:bilstm/size:mini/train/batch:16",
       [](const std::string& name) {
         return ModelStep(name, {"student", "bilstm", "mini"}, true, 16);
       }},
      {absl::StrCat("cell:smoke/", SmokeCell().Name()),
       [](const std::string& name) { return SmokeCellWorkload(name, false); }},
  };
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Fixed workloads for instruction counts under callgrind");
  absl::ParseCommandLine(argc, argv);
  const std::vector<Workload> workloads = Workloads();
  if (absl::GetFlag(FLAGS_list)) {
    for (const Workload& workload : workloads) std::printf("%s\n", workload.name.c_str());
    return 0;
  }
  // One thread: a thread pool's spinning would make the counts depend on
  // timing.
  if (absl::Status status = ConfigureThreads(1); !status.ok()) {
    std::fprintf(stderr, "instruction_workloads: %s\n", std::string(status.message()).c_str());
    return 2;
  }
  if (absl::GetFlag(FLAGS_warm_only)) {
    absl::Status status = SmokeCellWorkload("", true);
    if (!status.ok()) {
      std::fprintf(stderr, "instruction_workloads: warming the smoke cell: %s\n",
                   std::string(status.message()).c_str());
      return 1;
    }
    return 0;
  }
  std::vector<std::string> wanted =
      absl::StrSplit(absl::GetFlag(FLAGS_workloads), ',', absl::SkipEmpty());
  std::vector<std::string> known;
  for (const Workload& workload : workloads) known.push_back(workload.name);
  for (const std::string& name : wanted) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::fprintf(stderr, "instruction_workloads: --workloads: unknown workload '%s'; known: %s\n",
                   name.c_str(), absl::StrJoin(known, ", ").c_str());
      return 2;
    }
  }
  for (const Workload& workload : workloads) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), workload.name) == wanted.end()) {
      continue;
    }
    if (absl::Status status = workload.run(workload.name); !status.ok()) {
      std::fprintf(stderr, "instruction_workloads: %s: %s\n", workload.name.c_str(),
                   std::string(status.message()).c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace kdbench

int main(int argc, char** argv) {
  // OpenBLAS's kernels by instruction set, not CPU model (restarts the
  // program unless OPENBLAS_CORETYPE is set; the driver sets it, as valgrind
  // would not follow the restart).
  kdbench::PinOpenBlasCoreType(argv);
  return kdbench::Main(argc, argv);
}
