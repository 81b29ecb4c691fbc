// Before/after of the optimisations the grids rely on, each as a pair of
// benchmarks on the mini profile's real data (an embedded corpus's transfer
// set as the mini profile selects it, at most 1,000 examples, encoded with
// the genuine BERT uncased WordPiece vocabulary, 64 tokens at most;
// SpamAssassin unless named):
//
//   bucketing:{off,on}    one epoch of mini BiLSTM student training steps
//                         (batch 64) over the fortunes transfer set (short
//                         texts of varied length; SpamAssassin's emails
//                         nearly all fill the 64 tokens), batches drawn at
//                         random vs length-bucketed; counter padding_share
//   teacher-infer/{autograd,no_grad,inference_mode}
//                         the mini Large teacher's forward passes over the
//                         transfer set, batch 64
//   threads:{1,N}         the student epoch and the teacher pass with one
//                         thread vs every core
//   cache:{cold,warm}     teacher outputs through the teacher-output cache:
//                         the first request computes every row, the second
//                         reads them back (counters forward_passes, reused)
//
// Each benchmark reports examples/s; ./kdbench bench runs it beside the
// model speed benchmark.
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "benchmarks/benchmark_options.h"
#include "lib/data/dataset_registry.h"
#include "lib/data/encoded_examples.h"
#include "lib/data/length_batching.h"
#include "lib/data/splits.h"
#include "lib/distill/adadelta.h"
#include "lib/experiment/teacher_stages.h"
#include "lib/models/bert.h"
#include "lib/models/bert_checkpoint.h"
#include "lib/models/bert_config.h"
#include "lib/models/student_registry.h"
#include "lib/text/bert_tokenizer.h"
#include "lib/util/runtime_environment.h"

namespace kdbench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kVocab[] = "datasets/vocab/bert-base-uncased-vocab.txt";
constexpr int64_t kTransferExamples = 1000;
constexpr int64_t kMaxLength = 64;
constexpr int64_t kBatch = 64;

struct TransferData {
  std::optional<BertTokenizer> tokenizer;
  std::vector<std::string> texts;
  EncodedExamples examples;  // [CLS] ... [SEP], at most kMaxLength
  std::string error;
};

// A dataset's transfer set as the mini profile selects it, loaded once.
const TransferData& Data(const std::string& dataset = "spamassassin") {
  static auto* loaded = new std::map<std::string, TransferData*>();
  if (auto found = loaded->find(dataset); found != loaded->end()) return *found->second;
  TransferData* data = [&] {
    auto* result = new TransferData;
    absl::StatusOr<BertTokenizer> tokenizer = BertTokenizer::FromVocabFile(kVocab);
    absl::StatusOr<Corpus> corpus = ReadDataset(dataset, {});
    if (!tokenizer.ok() || !corpus.ok()) {
      result->error = "vocabulary or the " + dataset + " corpus missing (run ./kdbench bootstrap; "
                      "run from the repository root or with bazel run)";
      return result;
    }
    absl::StatusOr<DataSplit> split = MakeSplit(*corpus, {.labels_per_class = 100, .seed = 1});
    if (!split.ok()) {
      result->error = std::string(split.status().message());
      return result;
    }
    result->tokenizer = *std::move(tokenizer);
    std::vector<int64_t> rows = SelectTransferExamples(split->unlabeled, 1, kTransferExamples);
    for (int64_t row : rows) result->texts.push_back(CorpusExample(*corpus, row).text);
    result->examples = EncodeExamples(*corpus, rows, *result->tokenizer, kMaxLength);
    return result;
  }();
  (*loaded)[dataset] = data;
  return *data;
}

// The mini profile's Large teacher (4 x 256) over the real vocabulary.
BertTeacher MiniLargeTeacher() {
  BertConfig config = *TeacherSizeConfig("large", Data().tokenizer->vocabulary().size(), kMaxLength);
  config.labels = {"ham", "spam"};
  torch::manual_seed(1);
  return BertTeacher(config);
}

// One epoch of student training steps (cross-entropy on fixed random
// labels: the cost, not the accuracy, is measured).
void BM_StudentEpoch(benchmark::State& state, bool bucketed, int threads) {
  const TransferData& data = Data("fortunes");
  if (!data.error.empty()) return state.SkipWithError(data.error.c_str());
  ThreadScope scope(threads);
  torch::manual_seed(1);
  StudentPtr student = *MakeStudent({.architecture = "bilstm", .size = "mini",
                                     .vocab_size = data.tokenizer->vocabulary().size(),
                                     .num_classes = 2});
  Adadelta optimizer(student->parameters());
  const torch::Tensor labels = torch::randint(0, 2, {data.examples.size()});
  const int32_t pad = data.tokenizer->vocabulary().pad_id();
  // "off": pools of one batch, i.e. batches of random examples.
  const auto batches = LengthBucketedBatches(
      data.examples.Lengths(), {.batch_size = kBatch, .pool_batches = bucketed ? 50 : 1});
  for (auto _ : state) {
    for (const auto& batch : batches) {
      const PaddedBatch padded = data.examples.Pad(batch, pad);
      const torch::Tensor loss = torch::nn::functional::cross_entropy(
          student->forward(padded.ids, padded.lengths).logits,
          labels.index_select(0, torch::tensor(batch, torch::kLong)));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
  }
  state.counters["padding_share"] = PaddingShare(data.examples.Lengths(), batches);
  state.counters["examples/s"] = benchmark::Counter(
      static_cast<double>(data.examples.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = threads;
}

enum class GradMode { kAutograd, kNoGrad, kInferenceMode };

void BM_TeacherInference(benchmark::State& state, GradMode mode, int threads) {
  const TransferData& data = Data();
  if (!data.error.empty()) return state.SkipWithError(data.error.c_str());
  ThreadScope scope(threads);
  BertTeacher teacher = MiniLargeTeacher();
  teacher->eval();
  const auto batches = LengthBucketedBatches(data.examples.Lengths(),
                                             {.batch_size = kBatch, .shuffle = false});
  const int32_t pad = data.tokenizer->vocabulary().pad_id();
  auto pass = [&]() {
    for (const auto& batch : batches) {
      const PaddedBatch padded = data.examples.Pad(batch, pad);
      benchmark::DoNotOptimize(teacher->forward(padded.ids, padded.mask).logits.data_ptr());
    }
  };
  for (auto _ : state) {
    if (mode == GradMode::kInferenceMode) {
      c10::InferenceMode inference;
      pass();
    } else if (mode == GradMode::kNoGrad) {
      torch::NoGradGuard no_grad;
      pass();
    } else {
      pass();
    }
  }
  state.counters["examples/s"] = benchmark::Counter(
      static_cast<double>(data.examples.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = threads;
}

// The same request to the teacher-output cache twice: cold (an empty cache,
// every row computed) and warm (every row read back).
void BM_TeacherOutputCache(benchmark::State& state, bool warm) {
  const TransferData& data = Data();
  if (!data.error.empty()) return state.SkipWithError(data.error.c_str());
  const std::string root =
      (std::filesystem::temp_directory_path() / absl::StrCat("kdbench-cache-bench-", getpid()))
          .string();
  BertTeacher teacher = MiniLargeTeacher();
  if (absl::Status saved = SaveBertTeacher(teacher, data.tokenizer->vocabulary(), root + "/teacher");
      !saved.ok()) {
    return state.SkipWithError(std::string(saved.message()).c_str());
  }
  absl::StatusOr<LoadedTeacher> loaded = LoadBertTeacher(root + "/teacher", {});
  if (!loaded.ok()) return state.SkipWithError(std::string(loaded.status().message()).c_str());
  int64_t computed = 0, reused = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(root + "/cache");
    if (warm) {
      (void)TeacherOutputsThroughCache(
          *loaded, data.texts, data.texts, kMaxLength, root + "/cache", kBatch,
          TrainingPrecision::kFloat32, torch::kCPU);
    }
    state.ResumeTiming();
    absl::StatusOr<CachedTeacherRun> run = TeacherOutputsThroughCache(
        *loaded, data.texts, data.texts, kMaxLength, root + "/cache", kBatch,
        TrainingPrecision::kFloat32, torch::kCPU);
    if (!run.ok())
      return state.SkipWithError(std::string(run.status().message()).c_str());
    computed = run->counters.computed;
    reused = run->counters.reused;
  }
  std::filesystem::remove_all(root);
  state.counters["forward_passes"] = static_cast<double>(computed);
  state.counters["reused"] = static_cast<double>(reused);
  state.counters["examples/s"] = benchmark::Counter(
      static_cast<double>(data.texts.size()), benchmark::Counter::kIsIterationInvariantRate);
}

void RegisterAll() {
  const int all = HardwareThreads();
  auto add = [](const std::string& name, auto&&... args) {
    benchmark::RegisterBenchmark(name.c_str(), args...)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3);
  };
  add("student-epoch/bucketing:off/threads:1", BM_StudentEpoch, false, 1);
  add("student-epoch/bucketing:on/threads:1", BM_StudentEpoch, true, 1);
  add(absl::StrCat("student-epoch/bucketing:on/threads:", all), BM_StudentEpoch, true, all);
  add("teacher-infer/autograd/threads:1", BM_TeacherInference, GradMode::kAutograd, 1);
  add("teacher-infer/no_grad/threads:1", BM_TeacherInference, GradMode::kNoGrad, 1);
  add("teacher-infer/inference_mode/threads:1", BM_TeacherInference, GradMode::kInferenceMode, 1);
  add(absl::StrCat("teacher-infer/inference_mode/threads:", all), BM_TeacherInference,
      GradMode::kInferenceMode, all);
  add("teacher-outputs/cache:cold", BM_TeacherOutputCache, false);
  add("teacher-outputs/cache:warm", BM_TeacherOutputCache, true);
}

const bool registered = (RegisterAll(), true);

}  // namespace
}  // namespace kdbench
