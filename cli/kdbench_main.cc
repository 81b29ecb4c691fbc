// kdbench: the suite's one binary. `./kdbench <subcommand>` (the root script)
// bootstraps the machine, builds this target and runs it.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_join.h"
#include "cli/self_check.h"
#include "lib/data/dataset_manifest.h"
#include "lib/data/dataset_registry.h"
#include "lib/data/dataset_stats.h"
#include "lib/data/splits.h"
#include "lib/experiment/grid_profile.h"
#include "lib/experiment/student_cell.h"
#include "lib/experiment/student_cell_record.h"
#include "lib/models/inference_precision.h"
#include "lib/models/mixed_precision.h"
#include "lib/util/build_revision.h"
#include "lib/experiment/teacher_stage_records.h"
#include "lib/experiment/teacher_stages.h"
#include "lib/text/bert_tokenizer.h"
#include "lib/text/wordpiece_trainer.h"
#include "lib/util/atomic_file.h"
#include "lib/util/runfiles.h"
#include "nlohmann/json.hpp"
#include "lib/text/jsonl_tokenize.h"
#include "lib/util/device.h"
#include "lib/util/runtime_environment.h"
#include "lib/util/status_macros.h"

ABSL_FLAG(int, threads, 0,
          "LibTorch/OpenMP threads; 0 = the number of cores of this machine");
ABSL_FLAG(std::string, device, "auto",
          "where models run: auto (CUDA if available), cpu, cuda, cuda:N");
ABSL_FLAG(int, self_check_steps, 300,
          "training steps of the LibTorch self-check (0 skips it)");
ABSL_FLAG(std::string, vocab, "",
          "WordPiece vocabulary file (BERT vocab.txt format); `data` defaults "
          "to the genuine uncased BERT vocabulary");
ABSL_FLAG(bool, cased, false,
          "keep case and accents (cased BERT models); default: uncased");
ABSL_FLAG(std::string, dataset, "",
          "dataset name: imdb, elec, dbpedia, agnews, spamassassin, fortunes, "
          "jsonl, tsv");
ABSL_FLAG(std::string, path, "",
          "dataset location (file or directory); the embedded datasets "
          "default to their installed place");
ABSL_FLAG(int, max_length, 128,
          "maximum sequence length in WordPieces, [CLS] and [SEP] included");
ABSL_FLAG(int64_t, labels_per_class, 0,
          "labeled examples per class: 0 = all (the paper's full setting), "
          "or a budget such as 100 or 500");
ABSL_FLAG(int64_t, dev_per_class, 0,
          "dev examples per class held out beside the label budget; 0 = 10% of "
          "the budget (the paper)");
ABSL_FLAG(uint64_t, seed, 1, "random seed of the split (and of training)");
ABSL_FLAG(std::string, out, "", "output file");
ABSL_FLAG(int, vocab_size, 4000, "entries of a learned WordPiece vocabulary");
ABSL_FLAG(std::string, size, "base", "teacher size: tiny (smoke), base, large (mini)");
ABSL_FLAG(std::string, checkpoint, "",
          "teacher checkpoint directory (config.json, vocab.txt, model.safetensors)");
ABSL_FLAG(int64_t, epochs, 10, "training epochs (teacher pretrain)");
ABSL_FLAG(int64_t, max_epochs, 0,
          "epoch cap with early stopping; 0 = the command's default (teacher finetune 15, "
          "distill: the profile's)");
ABSL_FLAG(int64_t, patience, 0,
          "epochs without dev improvement before stopping; 0 = the command's default "
          "(teacher finetune 4, distill: the profile's)");
ABSL_FLAG(int64_t, batch_size, 0,
          "examples per batch; 0 = the command's default (teacher 32; teacher outputs 64; "
          "distill: the profile's)");
ABSL_FLAG(double, learning_rate, 0.0,
          "peak learning rate; 0 = the command's default (teacher pretrain 1e-3, finetune "
          "3e-4; distill: the profile's, 0 there being the optimiser's: adadelta 1.0, adam "
          "1e-3)");
ABSL_FLAG(std::string, teacher, "", "teacher checkpoint directory (for `distill`)");
ABSL_FLAG(std::vector<std::string>, ensemble_members, {},
          "other fine-tuned teachers (directories, comma-separated) that form an ensemble with "
          "--teacher, whose vocabulary the student uses; their probabilities are averaged");
ABSL_FLAG(std::string, ensemble_weighting, "",
          "how --ensemble_members are averaged with --teacher: empty (equal weights), confidence "
          "(per example, by each teacher's largest probability) or weights=a:b... (in order)");
ABSL_FLAG(std::string, method, "none",
          "distillation method: none (labels only), hard (teacher argmax on the transfer set), "
          "soft (L_CE + L_LL), soft+repr (L_CE + L_RL + L_LL), kl (L_CE + temperature KL), "
          "adaptive-kl (the KL weighted per batch by 1 - cos), tinybert and minilm (feature "
          "distillation; --student=transformer), or any registered method; parameters as "
          "kl(T=4)");
ABSL_FLAG(std::string, schedule, "joint",
          "training schedule: joint (eq. 8), stagewise (L_RL | L_CE + L_LL with gradual "
          "unfreezing), distil-once (L_RL + L_LL | L_CE with gradual unfreezing)");
ABSL_FLAG(std::string, profile, "mini",
          "distill: the profile (--profile_file) whose student settings are the defaults, as a "
          "grid cell of that profile gets them: mini (CPU default), smoke (tests), paper; a "
          "flag given on the command line overrides its setting");
ABSL_FLAG(std::string, profile_file, "benchmarks/grids/profiles.toml",
          "distill: the profiles (the grids' own)");
ABSL_FLAG(std::string, student, "bilstm",
          "student architecture: bilstm, rnn, cnn, ngram-logreg, naive-bayes, transformer");
ABSL_FLAG(std::string, student_size, "",
          "student size: tiny, mini, paper; default: the profile's");
ABSL_FLAG(double, recurrent_dropout, 0,
          "bilstm and rnn students: dropout on h_{t-1} inside the LSTM, one mask per "
          "sequence (the paper: 0.2); 0: none; distill default: the profile's (for LSTM "
          "students)");
ABSL_FLAG(std::string, optimizer, "",
          "student optimiser: adadelta (the paper; lr 1.0) or adam (lr 1e-3; the released code); "
          "default: the profile's");
ABSL_FLAG(bool, cosine_restarts, false,
          "cosine warm restarts per epoch (1e-3 to 1e-8, period 50, doubling), with --optimizer=adam "
          "as the released code");
ABSL_FLAG(std::string, unfreeze_order, "",
          "distill: gradual unfreezing order, top down, comma-separated layer groups; empty = the "
          "student's from the top (bilstm: classifier,bilstm,embedding; cnn: "
          "classifier,convolutions,embedding)");
ABSL_FLAG(int64_t, labels_only_max_epochs, 100,
          "distill: epoch cap of phases on labeled data alone (no distillation, distil-once "
          "stage 2), whose epochs are a few steps over a small labeled split");
ABSL_FLAG(int64_t, labels_only_patience, 10, "distill: patience of those phases");
ABSL_FLAG(int64_t, step_budget, 0,
          "distill: optimiser steps a distillation schedule's phases share, an equal part "
          "each (equal budgets across schedules); 0 = epochs and patience alone");
ABSL_FLAG(double, alpha, 10, "weight of L_CE (and of the hard-label loss), eq. 8");
ABSL_FLAG(double, beta, 10, "weight of L_RL, eq. 8");
ABSL_FLAG(double, gamma, 1, "weight of L_LL (and of the KL loss), eq. 8");
ABSL_FLAG(double, temperature, 2, "softmax temperature of --method=kl");
ABSL_FLAG(std::string, logit_target, "log-odds",
          "L_LL target: log-odds log(p/(1-p)) of the teacher (the paper) or its raw logits");
ABSL_FLAG(std::string, representation_target, "cls",
          "L_RL target: cls (the last-layer [CLS] vector, the paper) or pooled (the pooler "
          "output, the released code)");
ABSL_FLAG(std::string, representation_reduction, "half-sum",
          "L_RL reduction per example: half-sum (1/2 squared norm, the paper) or mean (Keras "
          "mse, the released code)");
ABSL_FLAG(int, teacher_max_length, 128,
          "distill: the teacher's maximum length ([CLS] and [SEP] included) for its outputs on "
          "the transfer set; --max_length is the student's (the released code gives its student "
          "40 tokens)");
ABSL_FLAG(std::string, teacher_precision,
          kdbench::ChoiceName(kdbench::PrecisionSettingNames(),
                              kdbench::ProfileSettings().teacher_precision),
          "teacher pretrain/finetune/outputs and distill: the teacher's "
          "arithmetic: float32, "
          "bfloat16 (autocast: products in bfloat16, weights and sums in "
          "float32) or auto "
          "(bfloat16 where the CPU multiplies it natively, else float32); checkpoints do not "
          "store it: for outputs, predict and distill give the one the teacher was trained in");
ABSL_FLAG(std::string, student_precision,
          kdbench::ChoiceName(kdbench::PrecisionSettingNames(),
                              kdbench::ProfileSettings().student_precision),
          "distill: the student's arithmetic in training and evaluation: float32, bfloat16 "
          "(autocast; the LSTM's products too) or auto (bfloat16 where the CPU multiplies it "
          "natively, else float32)");
ABSL_FLAG(bool, shared_head, false,
          "distill: the released code's student head, Dense(teacher width, gelu) after pooling, "
          "shared by the classifier and L_RL (bilstm only)");
ABSL_FLAG(std::string, deployment_precisions, "",
          "distill (bilstm, rnn): after testing, evaluate the student as deployed (one example "
          "at a time, oneDNN's packed LSTM) in these precisions, comma-separated: float32, "
          "bfloat16, int8; the result's \"deployment\" block");
ABSL_FLAG(std::string, export_cell, "",
          "distill (bilstm, rnn): write the cell's inputs (encoded splits, teacher targets, "
          "student shape, schedule) to this directory for benchmarks/python_peer_cell.py, "
          "then stop without training");
ABSL_FLAG(std::string, word_vectors, "",
          "student embedding init: empty = U(-0.1, 0.1); fasttext = skip-gram vectors trained "
          "on the split's non-test text (libfasttext); or a GloVe / word2vec text file");
ABSL_FLAG(int64_t, transfer_limit, -1,
          "use at most this many transfer examples; 0 = all; default: the profile's");
ABSL_FLAG(std::string, cache_dir, "",
          "teacher-output cache root (default ~/.cache/kdbench/teacher-outputs)");
ABSL_FLAG(int64_t, limit, 5, "how many examples `data show` prints");
ABSL_FLAG(int64_t, offset, 0, "first example (canonical index) `data show` prints");
ABSL_FLAG(int, matmul_size, 1024,
          "matrix size of the float matmul speed check (0 skips it)");

namespace kdbench {
namespace {

// Numeric flags whose 0 means "the command's own default".
int64_t OrDefault(int64_t value, int64_t fallback) { return value > 0 ? value : fallback; }

struct Subcommand {
  const char* name;
  const char* summary;
  std::vector<const char*> flags;
  // Accepted positional actions; empty = none.
  std::vector<std::string> actions;
  // Positional arguments after the flags (e.g. `data ... stats`).
  std::function<int(const std::vector<std::string>& args,
                    const c10::Device& device)>
      run;
};

int RunSelfChecks(const c10::Device& device) {
  if (int size = absl::GetFlag(FLAGS_matmul_size); size > 0) {
    MatmulMeasurement matmul = MeasureMatmul(size, device);
    std::printf("matmul %dx%d float on %s: %.1f GFLOP/s\n", size, size,
                device.str().c_str(), matmul.gflops);
  }
  if (int steps = absl::GetFlag(FLAGS_self_check_steps); steps > 0) {
    TrainingCheck check = RunTrainingCheck(steps, device);
    std::printf(
        "training self-check (MLP on two spirals, %lld Adam steps, %.2f s): "
        "loss %.4f -> %.4f, train accuracy %.1f%%\n",
        static_cast<long long>(check.steps), check.seconds, check.initial_loss,
        check.final_loss, 100.0 * check.train_accuracy);
    if (!(check.final_loss < check.initial_loss)) {
      std::fprintf(stderr, "kdbench: self-check FAILED: the loss did not fall\n");
      return 1;
    }
  }
  return 0;
}

int RunInfo(const std::vector<std::string>&, const c10::Device& device) {
  std::printf("%s\n", FormatRuntimeEnvironment(DetectRuntimeEnvironment()).c_str());
  std::printf("selected device: %s\n", device.str().c_str());
  return RunSelfChecks(device);
}

int RunTokenize(const std::vector<std::string>&, const c10::Device&) {
  const std::string vocab = absl::GetFlag(FLAGS_vocab);
  if (vocab.empty()) {
    std::fprintf(stderr, "kdbench tokenize: --vocab=FILE is required\n");
    return 2;
  }
  absl::StatusOr<BertTokenizer> tokenizer = BertTokenizer::FromVocabFile(
      vocab, BertTokenizerOptions{.lower_case = !absl::GetFlag(FLAGS_cased)});
  if (!tokenizer.ok()) {
    std::fprintf(stderr, "kdbench tokenize: %s\n",
                 std::string(tokenizer.status().message()).c_str());
    return 1;
  }
  std::ios::sync_with_stdio(false);
  absl::StatusOr<TokenizeStreamStats> stats =
      JsonLinesTokenizer(&*tokenizer).Run(std::cin, std::cout, "stdin");
  std::cout.flush();
  if (!stats.ok()) {
    std::fprintf(stderr, "kdbench tokenize: %s\n",
                 std::string(stats.status().message()).c_str());
    return 1;
  }
  return 0;
}

int RunData(const std::vector<std::string>& args, const c10::Device&) {
  const std::string dataset = absl::GetFlag(FLAGS_dataset);
  if (dataset.empty()) {
    std::fprintf(stderr, "kdbench data: --dataset=NAME is required; known: %s\n",
                 absl::StrJoin(DatasetNames(), ", ").c_str());
    return 2;
  }
  auto fail = [](const absl::Status& status) {
    std::fprintf(stderr, "kdbench data: %s\n",
                 std::string(status.message()).c_str());
    return 1;
  };
  std::fprintf(stderr, "kdbench data: reading %s ...\n", dataset.c_str());
  absl::StatusOr<Corpus> corpus =
      ReadDataset(dataset, DatasetReadOptions{.path = absl::GetFlag(FLAGS_path)});
  if (!corpus.ok()) return fail(corpus.status());
  for (const std::string& warning : corpus->warnings) {
    std::fprintf(stderr, "kdbench data: warning: %s\n", warning.c_str());
  }
  if (corpus->skipped > 0) {
    std::fprintf(stderr, "kdbench data: skipped %lld example(s), e.g.:\n",
                 static_cast<long long>(corpus->skipped));
    for (const std::string& reason : corpus->skip_reasons) {
      std::fprintf(stderr, "  %s\n", reason.c_str());
    }
  }
  if (args[0] == "show") {
    const int64_t end = std::min(CorpusSize(*corpus),
                                 absl::GetFlag(FLAGS_offset) + absl::GetFlag(FLAGS_limit));
    for (int64_t i = std::max<int64_t>(0, absl::GetFlag(FLAGS_offset)); i < end; ++i) {
      const Example& example = CorpusExample(*corpus, i);
      nlohmann::json line = {
          {"index", i},
          {"label", example.label >= 0 ? corpus->label_names[example.label] : ""},
          {"origin", example.origin},
          {"text", example.text}};
      std::printf("%s\n", line.dump().c_str());
    }
    return 0;
  }
  SplitOptions split_options;
  split_options.labels_per_class = absl::GetFlag(FLAGS_labels_per_class);
  split_options.dev_per_class = absl::GetFlag(FLAGS_dev_per_class);
  split_options.seed = absl::GetFlag(FLAGS_seed);
  absl::StatusOr<DataSplit> split = MakeSplit(*corpus, split_options);
  if (!split.ok()) return fail(split.status());

  if (args[0] == "split") {
    const std::string out = absl::GetFlag(FLAGS_out);
    if (out.empty()) {
      std::fprintf(stderr, "kdbench data split: --out=FILE is required\n");
      return 2;
    }
    if (absl::Status status = WriteFileAtomically(out, DataSplitToJson(*split));
        !status.ok()) {
      return fail(status);
    }
    std::printf("split %s (corpus %s) -> %s\n", split->split_hash.c_str(),
                split->corpus_hash.c_str(), out.c_str());
    return 0;
  }

  if (args[0] == "vocab") {
    const std::string out = absl::GetFlag(FLAGS_out);
    if (out.empty()) {
      std::fprintf(stderr, "kdbench data vocab: --out=FILE is required\n");
      return 2;
    }
    WordpieceTrainer trainer(WordpieceTrainerOptions{
        .vocab_size = absl::GetFlag(FLAGS_vocab_size),
        .lower_case = !absl::GetFlag(FLAGS_cased)});
    for (const auto* part : {&split->train, &split->dev, &split->unlabeled}) {
      for (int64_t index : *part) trainer.AddText(CorpusExample(*corpus, index).text);
    }
    absl::StatusOr<Vocabulary> learned = trainer.Train();
    if (!learned.ok()) return fail(learned.status());
    if (absl::Status status = WriteFileAtomically(out, learned->ToText()); !status.ok()) {
      return fail(status);
    }
    std::printf("%d WordPiece entries learned from %zu texts (split %s) -> %s\n",
                learned->size(),
                split->train.size() + split->dev.size() + split->unlabeled.size(),
                split->split_hash.substr(0, 12).c_str(), out.c_str());
    return 0;
  }

  std::string vocab = absl::GetFlag(FLAGS_vocab);
  if (vocab.empty()) vocab = FindRunfile("datasets/vocab/bert-base-uncased-vocab.txt");
  absl::StatusOr<BertTokenizer> tokenizer = BertTokenizer::FromVocabFile(
      vocab, BertTokenizerOptions{.lower_case = !absl::GetFlag(FLAGS_cased)});
  if (!tokenizer.ok()) return fail(tokenizer.status());
  DatasetStats stats = ComputeDatasetStats(*corpus, &*split, *tokenizer,
                                           absl::GetFlag(FLAGS_max_length));
  std::printf("%s", FormatDatasetStats(stats).c_str());
  std::printf(
      "\nprotocol split: %lld labels per class, seed %llu%s\n"
      "corpus hash %s\nsplit hash  %s\n(tokenized in %.1f s)\n",
      static_cast<long long>(split->labels_per_class),
      static_cast<unsigned long long>(split_options.seed),
      split->test_is_held_out ? ", test held out from the data (no given test split)" : "",
      split->corpus_hash.c_str(), split->split_hash.c_str(),
      stats.seconds_tokenizing);
  return 0;
}

int RunTeacher(const std::vector<std::string>& args, const c10::Device& device) {
  auto fail = [](const absl::Status& status) {
    std::fprintf(stderr, "kdbench teacher: %s\n", std::string(status.message()).c_str());
    return 1;
  };
  TeacherDataOptions data{.dataset = absl::GetFlag(FLAGS_dataset),
                          .path = absl::GetFlag(FLAGS_path),
                          .labels_per_class = absl::GetFlag(FLAGS_labels_per_class),
                          .dev_per_class = absl::GetFlag(FLAGS_dev_per_class),
                          .seed = absl::GetFlag(FLAGS_seed),
                          .max_length = absl::GetFlag(FLAGS_max_length)};
  const double learning_rate = absl::GetFlag(FLAGS_learning_rate);
  absl::StatusOr<TrainingPrecision> precision =
      ResolveTrainingPrecision(absl::GetFlag(FLAGS_teacher_precision), device);
  if (!precision.ok()) {
    return fail(absl::InvalidArgumentError(
        absl::StrCat("--teacher_precision: ", precision.status().message())));
  }
  absl::StatusOr<nlohmann::json> summary = absl::UnknownError("unset");
  if (args[0] == "predict") {
    if (absl::GetFlag(FLAGS_checkpoint).empty()) {
      return fail(absl::InvalidArgumentError("--checkpoint=DIR is required"));
    }
    std::ios::sync_with_stdio(false);
    absl::Status status = RunPredictStage(absl::GetFlag(FLAGS_checkpoint), data.max_length,
                                          *precision, device, std::cin, std::cout, "stdin");
    std::cout.flush();
    return status.ok() ? 0 : fail(status);
  }
  if (data.dataset.empty()) return fail(absl::InvalidArgumentError("--dataset=NAME is required"));
  if (args[0] == "outputs") {
    summary = StageRecordJson(RunTeacherOutputsStage({.data = data,
                                             .checkpoint = absl::GetFlag(FLAGS_checkpoint),
                                             .cache_dir = absl::GetFlag(FLAGS_cache_dir),
                                             .batch_size =
                                                 OrDefault(absl::GetFlag(FLAGS_batch_size), 64),
                                             .precision = *precision},
                                            device),
                     TeacherOutputsResultJson);
  } else if (args[0] == "pretrain") {
    PretrainStageOptions options{
        .data = data,
        .size = absl::GetFlag(FLAGS_size),
        .vocab = absl::GetFlag(FLAGS_vocab),
        .vocab_size = absl::GetFlag(FLAGS_vocab_size),
        .epochs = absl::GetFlag(FLAGS_epochs),
        .batch_size = OrDefault(absl::GetFlag(FLAGS_batch_size), 32),
        .precision = *precision,
        .out = absl::GetFlag(FLAGS_out)};
    if (learning_rate > 0) options.learning_rate = learning_rate;
    summary = StageRecordJson(RunPretrainStage(options, device), PretrainResultJson);
  } else {
    FinetuneStageOptions options{
        .data = data,
        .checkpoint = absl::GetFlag(FLAGS_checkpoint),
        .batch_size = OrDefault(absl::GetFlag(FLAGS_batch_size), 32),
        .precision = *precision,
        .out = absl::GetFlag(FLAGS_out)};
    if (absl::GetFlag(FLAGS_max_epochs) > 0)
      options.max_epochs = absl::GetFlag(FLAGS_max_epochs);
    if (absl::GetFlag(FLAGS_patience) > 0)
      options.patience = absl::GetFlag(FLAGS_patience);
    if (learning_rate > 0) options.learning_rate = learning_rate;
    summary = StageRecordJson(RunFinetuneStage(options, device), FinetuneResultJson);
  }
  if (!summary.ok()) return fail(summary.status());
  std::printf("%s\n", summary->dump().c_str());
  return 0;
}

// The flags named on the command line ("--name=value", "--name value",
// "--noname"), recorded before parsing: this absl keeps its own record
// private.
std::set<std::string>& FlagsGiven() {
  static auto* given = new std::set<std::string>();
  return *given;
}

void RecordFlagsGiven(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view argument = argv[i];
    if (argument == "--") break;
    if (!absl::ConsumePrefix(&argument, "--") && !absl::ConsumePrefix(&argument, "-")) continue;
    const std::string name(argument.substr(0, argument.find('=')));
    FlagsGiven().insert(name);
    if (absl::StartsWith(name, "no")) FlagsGiven().insert(name.substr(2));
  }
}

// Whether a flag was given on the command line (not left at its default).
bool Given(const std::string& name) { return FlagsGiven().count(name) > 0; }

int RunDistill(const std::vector<std::string>&, const c10::Device& device) {
  const std::string dataset = absl::GetFlag(FLAGS_dataset);
  if (dataset.empty()) {
    std::fprintf(stderr, "kdbench distill: --dataset=NAME is required\n");
    return 2;
  }
  // One source of defaults: the profile's settings, as the grids' cells of
  // that profile get them (the Base teacher's role); flags given override.
  absl::StatusOr<GridProfile> profile = LoadGridProfile(
      LocateInput(absl::GetFlag(FLAGS_profile_file)), absl::GetFlag(FLAGS_profile), "");
  if (!profile.ok()) {
    std::fprintf(stderr, "kdbench distill: %s\n", std::string(profile.status().message()).c_str());
    return 2;
  }
  const ProfileSettings settings = profile->Resolve(dataset, "base");
  StudentCellOptions options =
      StudentCellOptionsFromProfile(settings, absl::GetFlag(FLAGS_student), device);
  for (auto [flag, field] : {std::pair{"teacher_precision", &options.teacher_precision},
                             std::pair{"student_precision", &options.student_precision}}) {
    if (!Given(flag)) continue;
    absl::StatusOr<TrainingPrecision> precision =
        ResolveTrainingPrecision(absl::FindCommandLineFlag(flag)->CurrentValue(), device);
    if (!precision.ok()) {
      std::fprintf(stderr, "kdbench distill: --%s: %s\n", flag,
                   std::string(precision.status().message()).c_str());
      return 2;
    }
    *field = *precision;
  }
  if (Given("path")) options.path = absl::GetFlag(FLAGS_path);
  if (Given("student_size")) options.student_size = absl::GetFlag(FLAGS_student_size);
  if (Given("recurrent_dropout")) options.recurrent_dropout = absl::GetFlag(FLAGS_recurrent_dropout);
  if (Given("dev_per_class")) options.dev_per_class = absl::GetFlag(FLAGS_dev_per_class);
  if (Given("max_length")) options.max_length = absl::GetFlag(FLAGS_max_length);
  if (Given("teacher_max_length")) {
    options.teacher_max_length = absl::GetFlag(FLAGS_teacher_max_length);
  }
  if (Given("max_epochs")) options.max_epochs = absl::GetFlag(FLAGS_max_epochs);
  if (Given("patience")) options.patience = absl::GetFlag(FLAGS_patience);
  if (Given("labels_only_max_epochs")) {
    options.labels_only_max_epochs = absl::GetFlag(FLAGS_labels_only_max_epochs);
  }
  if (Given("labels_only_patience")) {
    options.labels_only_patience = absl::GetFlag(FLAGS_labels_only_patience);
  }
  if (Given("step_budget")) options.step_budget = absl::GetFlag(FLAGS_step_budget);
  if (Given("batch_size")) options.batch_size = absl::GetFlag(FLAGS_batch_size);
  // Named choices, parsed here (the flags are text; the options typed).
  auto parse = [&](const char* flag, auto names, auto* field) -> absl::Status {
    if (!Given(flag)) return absl::OkStatus();
    absl::CommandLineFlag* handle = absl::FindCommandLineFlag(flag);
    ASSIGN_OR_RETURN(*field, ParseChoice(names, flag, handle->CurrentValue()));
    return absl::OkStatus();
  };
  for (absl::Status status :
       {parse("optimizer", StudentOptimizerNames(), &options.optimizer),
        parse("representation_reduction", FeatureReductionNames(),
              &options.representation_reduction),
        parse("logit_target", LogitTargetNames(), &options.logit_target),
        parse("representation_target", RepresentationTargetNames(),
              &options.representation_target)}) {
    if (!status.ok()) {
      std::fprintf(stderr, "kdbench distill: %s\n", std::string(status.message()).c_str());
      return 2;
    }
  }
  if (Given("learning_rate")) options.learning_rate = absl::GetFlag(FLAGS_learning_rate);
  if (Given("word_vectors")) options.word_vectors = absl::GetFlag(FLAGS_word_vectors);
  if (Given("transfer_limit")) options.transfer_limit = absl::GetFlag(FLAGS_transfer_limit);
  // The cell itself, and what no profile sets.
  options.dataset = dataset;
  options.teacher = absl::GetFlag(FLAGS_teacher);
  options.ensemble_members = absl::GetFlag(FLAGS_ensemble_members);
  options.ensemble_weighting = absl::GetFlag(FLAGS_ensemble_weighting);
  options.method = absl::GetFlag(FLAGS_method);
  options.schedule = absl::GetFlag(FLAGS_schedule);
  options.labels_per_class = absl::GetFlag(FLAGS_labels_per_class);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.unfreeze_order = absl::GetFlag(FLAGS_unfreeze_order);
  options.cosine_restarts = absl::GetFlag(FLAGS_cosine_restarts);
  options.alpha = absl::GetFlag(FLAGS_alpha);
  options.beta = absl::GetFlag(FLAGS_beta);
  options.gamma = absl::GetFlag(FLAGS_gamma);
  options.temperature = absl::GetFlag(FLAGS_temperature);
  options.shared_head = absl::GetFlag(FLAGS_shared_head);
  options.cache_dir = absl::GetFlag(FLAGS_cache_dir);
  options.git_revision = BuildRevision();
  if (options.temperature <= 0) {
    std::fprintf(stderr, "kdbench distill: --temperature must be positive\n");
    return 2;
  }
  absl::StatusOr<std::vector<InferencePrecision>> precisions =
      ParsePrecisionList(absl::GetFlag(FLAGS_deployment_precisions));
  if (!precisions.ok()) {
    std::fprintf(stderr, "kdbench distill: --deployment_precisions: %s\n",
                 std::string(precisions.status().message()).c_str());
    return 2;
  }
  options.deployment_precisions = *precisions;
  options.export_dir = absl::GetFlag(FLAGS_export_cell);
  if (!options.export_dir.empty()) {
    if (absl::Status exported = ExportStudentCell(options, device); !exported.ok()) {
      std::fprintf(stderr, "kdbench distill: %s\n", std::string(exported.message()).c_str());
      return 1;
    }
    const nlohmann::json summary = {
        {"exported", options.export_dir},
        {"config_hash", StudentCellConfigHash(options)}};
    std::printf("%s\n", summary.dump().c_str());
    return 0;
  }
  absl::StatusOr<StudentCellResult> result = RunStudentCell(options, device);
  if (!result.ok()) {
    std::fprintf(stderr, "kdbench distill: %s\n", std::string(result.status().message()).c_str());
    return 1;
  }
  std::printf("%s\n", StudentCellResultJson(*result).dump().c_str());
  return 0;
}

const std::vector<Subcommand>& Subcommands() {
  static const auto* subcommands = new std::vector<Subcommand>{
      {"info",
       "print LibTorch version, devices, threads and BLAS; time a matmul and "
       "run a small real training step",
       {"threads", "device", "matmul_size", "self_check_steps"},
       {},
       RunInfo},
      {"tokenize",
       "BERT WordPiece tokenization: JSON lines with a \"text\" field on "
       "stdin -> JSON lines with \"tokens\" and \"ids\" on stdout",
       {"vocab", "cased", "threads"},
       {},
       RunTokenize},
      {"data",
       "dataset tools: `kdbench data --dataset=NAME [--path=...] stats` "
       "prints counts per split and class, length percentiles in words and "
       "WordPieces, and padding waste; `split` writes the protocol split "
       "(indices + hashes) as JSON to --out; `show` prints examples as JSON "
       "lines (text, label, origin), what the models read; `vocab` learns a "
       "WordPiece vocabulary (--vocab_size) from the protocol split's "
       "train, dev and unlabeled text (never the test) and writes it to --out",
       {"dataset", "path", "vocab", "cased", "max_length", "labels_per_class",
        "dev_per_class", "seed", "out", "limit", "offset", "vocab_size"},
       {"stats", "split", "show", "vocab"},
       RunData},
      {"teacher",
       "BERT teachers: `pretrain` (masked-LM on a dataset's unlabeled "
       "transfer set; learns a WordPiece vocabulary unless --vocab), "
       "`finetune` (--checkpoint on the labeled split, early stopping on "
       "dev, test read once), `outputs` (--checkpoint: teacher outputs of the "
       "transfer set through the cache; prints forward/reuse counters), "
       "`predict` (--checkpoint; JSON lines with \"text\" on stdin -> "
       "logits, probs, cls, pooled)",
       {"dataset",       "path",          "labels_per_class",
        "dev_per_class", "seed",          "max_length",
        "size",          "vocab",         "vocab_size",
        "epochs",        "max_epochs",    "patience",
        "batch_size",    "learning_rate", "teacher_precision",
        "checkpoint",    "cache_dir",     "out",
        "device",        "threads"},
       {"pretrain", "finetune", "outputs", "predict"},
       RunTeacher},
      {"distill",
       "train one student cell and print its JSON result (dev and test "
       "accuracy, macro F1, parameters, epochs per phase, throughput, "
       "provenance); --teacher is a fine-tuned checkpoint whose outputs on "
       "the transfer set come through the teacher-output cache",
       {"dataset",
        "path",
        "teacher",
        "profile",
        "profile_file",
        "method",
        "schedule",
        "student",
        "student_size",
        "recurrent_dropout",
        "labels_per_class",
        "dev_per_class",
        "seed",
        "max_length",
        "teacher_max_length",
        "teacher_precision",
        "max_epochs",
        "patience",
        "labels_only_max_epochs",
        "labels_only_patience",
        "step_budget",
        "unfreeze_order",
        "batch_size",
        "optimizer", "learning_rate", "cosine_restarts", "alpha", "beta", "gamma", "temperature",
        "logit_target", "representation_target", "representation_reduction", "shared_head",
        "word_vectors", "deployment_precisions", "export_cell",
        "transfer_limit",
        "cache_dir", "device", "threads"},
       {},
       RunDistill},
  };
  return *subcommands;
}

std::string SubcommandNames() {
  std::vector<std::string> names;
  for (const Subcommand& subcommand : Subcommands()) {
    names.push_back(subcommand.name);
  }
  return absl::StrJoin(names, ", ");
}

void PrintUsage(FILE* out) {
  std::fprintf(out,
               "usage: kdbench <subcommand> [--flag=value ...]\n"
               "       kdbench <subcommand> --help\n\nsubcommands:\n");
  for (const Subcommand& subcommand : Subcommands()) {
    std::fprintf(out, "  %-11s %s\n", subcommand.name, subcommand.summary);
  }
}

void PrintSubcommandHelp(const Subcommand& subcommand) {
  std::printf("usage: kdbench %s [flags]\n\n%s\n\nflags:\n", subcommand.name,
              subcommand.summary);
  for (const char* name : subcommand.flags) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) continue;
    std::printf("  --%s (default: %s)\n      %s\n", name,
                flag->DefaultValue().c_str(), flag->Help().c_str());
  }
}

bool IsHelp(const char* arg) {
  return std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0 ||
         std::strcmp(arg, "--helpfull") == 0 || std::strcmp(arg, "help") == 0;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage("kdbench <subcommand> [flags]; kdbench --help");
  if (argc < 2) {
    PrintUsage(stderr);
    return 2;
  }
  if (IsHelp(argv[1])) {
    PrintUsage(stdout);
    return 0;
  }
  const Subcommand* subcommand = nullptr;
  for (const Subcommand& candidate : Subcommands()) {
    if (candidate.name == std::string(argv[1])) subcommand = &candidate;
  }
  if (subcommand == nullptr) {
    std::fprintf(stderr, "kdbench: unknown subcommand '%s'; known: %s\n",
                 argv[1], SubcommandNames().c_str());
    return 2;
  }
  for (int i = 2; i < argc; ++i) {
    if (IsHelp(argv[i])) {
      PrintSubcommandHelp(*subcommand);
      return 0;
    }
  }

  // Parse the flags after the subcommand; argv[1] takes the program's place.
  RecordFlagsGiven(argc - 1, argv + 1);
  std::vector<char*> rest = absl::ParseCommandLine(argc - 1, argv + 1);
  const std::vector<std::string> args(rest.begin() + 1, rest.end());
  if (!args.empty() && subcommand->actions.empty()) {
    std::fprintf(stderr, "kdbench %s: unexpected argument '%s'\n",
                 subcommand->name, args[0].c_str());
    return 2;
  }
  if (!subcommand->actions.empty() &&
      (args.size() != 1 ||
       std::find(subcommand->actions.begin(), subcommand->actions.end(),
                 args[0]) == subcommand->actions.end())) {
    std::fprintf(stderr, "kdbench %s: expected one action: %s\n",
                 subcommand->name,
                 absl::StrJoin(subcommand->actions, ", ").c_str());
    return 2;
  }

  int threads = absl::GetFlag(FLAGS_threads);
  if (threads == 0) threads = HardwareThreads();
  if (absl::Status status = ConfigureThreads(threads); !status.ok()) {
    std::fprintf(stderr, "kdbench: %s\n", std::string(status.message()).c_str());
    return 2;
  }
  absl::StatusOr<c10::Device> device = ResolveDevice(absl::GetFlag(FLAGS_device));
  if (!device.ok()) {
    std::fprintf(stderr, "kdbench: %s\n",
                 std::string(device.status().message()).c_str());
    return 2;
  }

  RuntimeEnvironment environment = DetectRuntimeEnvironment();
  std::fprintf(stderr, "kdbench: %s\n",
               FormatRuntimeEnvironment(environment).c_str());
  if (std::string warning = BlasWarning(environment.blas); !warning.empty()) {
    std::fprintf(stderr, "%s\n", warning.c_str());
  }
  return subcommand->run(args, *device);
}

}  // namespace
}  // namespace kdbench

int main(int argc, char** argv) {
  kdbench::PinOpenBlasCoreType(argv);
  return kdbench::Main(argc, argv);
}
