#include "lib/experiment/teacher_stages.h"

#include <torch/torch.h>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include "lib/data/data_directory.h"
#include "lib/data/dataset_registry.h"
#include "lib/data/general_corpus.h"
#include "lib/data/length_batching.h"
#include "lib/distill/classifier_evaluation.h"
#include "lib/distill/teacher_output_cache.h"
#include "lib/util/content_hash.h"
#include "lib/util/progress.h"
#include "lib/util/stable_random.h"
#include "lib/data/encoded_examples.h"
#include "lib/data/splits.h"
#include "lib/models/bert.h"
#include "lib/models/bert_checkpoint.h"
#include "lib/models/teacher_outputs.h"
#include "lib/distill/teacher_training.h"
#include "lib/text/bert_tokenizer.h"
#include "lib/text/sequence_encoding.h"
#include "lib/text/wordpiece_trainer.h"
#include "lib/util/status_macros.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

struct PreparedData {
  std::shared_ptr<const Corpus> corpus;
  DataSplit split;
};

absl::StatusOr<PreparedData> Prepare(const TeacherDataOptions& options) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Corpus> corpus,
                   ReadDatasetShared(options.dataset, {.path = options.path}));
  ASSIGN_OR_RETURN(DataSplit split,
                   MakeSplit(*corpus, {.labels_per_class = options.labels_per_class,
                                       .dev_per_class = options.dev_per_class,
                                       .seed = options.seed}));
  return PreparedData{std::move(corpus), std::move(split)};
}

// The accuracy of always answering the most frequent test label: the bar a
// classifier must clear to have learned anything.
double MajorityAccuracy(const std::vector<int32_t>& labels) {
  if (labels.empty()) return 0;
  std::map<int32_t, int64_t> counts;
  int64_t most = 0;
  for (int32_t label : labels) most = std::max(most, ++counts[label]);
  return static_cast<double>(most) / static_cast<double>(labels.size());
}

std::vector<double> ToVector(const torch::Tensor& row) {
  torch::Tensor values = row.to(torch::kFloat64).contiguous();
  return std::vector<double>(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
}

}  // namespace

namespace {

// The entropy (nats) of the corpus's token distribution, special tokens left
// out: the MLM loss of a model that knows only each token's frequency, the
// baseline a pre-trained teacher's loss must go well below.
double UnigramEntropy(const EncodedExamples& examples, const Vocabulary& vocab) {
  std::map<int32_t, int64_t> counts;
  int64_t total = 0;
  for (const std::vector<int32_t>& ids : examples.ids) {
    for (int32_t id : ids) {
      if (id == vocab.cls_id() || id == vocab.sep_id() || id == vocab.pad_id()) continue;
      ++counts[id];
      ++total;
    }
  }
  double entropy = 0;
  for (const auto& [id, count] : counts) {
    const double p = static_cast<double>(count) / static_cast<double>(total);
    entropy -= p * std::log(p);
  }
  return entropy;
}

}  // namespace

absl::StatusOr<PretrainResult> RunPretrainStage(const PretrainStageOptions& options,
                                             const c10::Device& device) {
  if (options.out.empty()) return absl::InvalidArgumentError("--out=DIR is required");
  const bool general = !options.general_corpus.empty();
  if (general && !options.init_checkpoint.empty()) {
    return absl::InvalidArgumentError(
        "general pre-training starts from scratch: give a general corpus or an initial "
        "checkpoint, not both");
  }
  // The MLM corpus and the texts a new vocabulary is learned from: general,
  // the non-test text of several datasets; in-domain, the dataset's
  // transfer set (the vocabulary from everything but its test split).
  std::vector<std::string> mlm_texts, vocabulary_texts;
  std::vector<std::string> labels;
  PretrainResult result{.general = general};
  if (general) {
    ASSIGN_OR_RETURN(GeneralCorpus corpus, ReadGeneralCorpus(options.general_corpus));
    mlm_texts = std::move(corpus.texts);
    result.general_datasets = options.general_corpus;
    result.texts_per_dataset = std::move(corpus.texts_per_dataset);
    result.excluded_as_test = corpus.excluded_as_test;
  } else {
    ASSIGN_OR_RETURN(PreparedData data, Prepare(options.data));
    for (int64_t index : data.split.unlabeled) {
      mlm_texts.push_back(CorpusExample(*data.corpus, index).text);
    }
    for (const auto* part : {&data.split.train, &data.split.dev}) {
      for (int64_t index : *part) {
        vocabulary_texts.push_back(CorpusExample(*data.corpus, index).text);
      }
    }
    labels = data.corpus->label_names;
    result.dataset = options.data.dataset;
    result.split_hash = data.split.split_hash;
  }
  torch::manual_seed(options.data.seed);  // before any initialisation
  BertTeacher teacher{nullptr};
  absl::StatusOr<Vocabulary> vocabulary = absl::UnknownError("unset");
  std::string init_hash;
  if (!options.init_checkpoint.empty()) {
    ASSIGN_OR_RETURN(LoadedTeacher loaded,
                     LoadBertTeacher(options.init_checkpoint,
                                     {.require_classifier = false, .labels_if_missing = labels}));
    teacher = loaded.model;
    vocabulary = std::move(loaded.vocabulary);
    init_hash = loaded.checkpoint_hash;
  } else {
    if (!options.vocab.empty()) {
      vocabulary = Vocabulary::FromFile(options.vocab);
    } else {
      WordpieceTrainer trainer({.vocab_size = options.vocab_size});
      for (const auto* texts : {&vocabulary_texts, &mlm_texts}) {
        for (const std::string& text : *texts) trainer.AddText(text);
      }
      vocabulary = trainer.Train();
    }
    if (!vocabulary.ok()) return vocabulary.status();
    ASSIGN_OR_RETURN(BertConfig config, TeacherSizeConfig(options.size, vocabulary->size(),
                                                          options.data.max_length));
    config.labels = labels;
    teacher = BertTeacher(config);
  }
  teacher->set_precision(options.precision);
  const BertConfig& config = teacher->config();
  BertTokenizer tokenizer(*vocabulary);
  const Vocabulary& vocab = tokenizer.vocabulary();
  if (vocab.mask_id() < 0 || vocab.cls_id() < 0 || vocab.sep_id() < 0 || vocab.pad_id() < 0) {
    return absl::InvalidArgumentError(
        "the vocabulary lacks [PAD], [CLS], [SEP] or [MASK], which MLM pre-training needs");
  }
  const int64_t max_length = std::min(options.data.max_length, config.max_position_embeddings);
  EncodedExamples mlm;
  for (size_t i = 0; i < mlm_texts.size(); ++i) {
    mlm.ids.push_back(EncodeForTeacher(tokenizer, mlm_texts[i], max_length));
    mlm.labels.push_back(kNoLabel);
    mlm.corpus_indices.push_back(static_cast<int64_t>(i));
  }
  PretrainOptions pretrain{.epochs = options.epochs, .batch_size = options.batch_size,
                           .seed = options.data.seed};
  pretrain.optimizer.learning_rate = options.learning_rate;
  ASSIGN_OR_RETURN(PretrainReport report,
                   PretrainMaskedLm(teacher, mlm, vocab.mask_id(), vocab.pad_id(),
                                    vocab.cls_id(), vocab.sep_id(), pretrain, device));
  teacher->to(torch::kCPU);
  RETURN_IF_ERROR(SaveBertTeacher(teacher, vocab, options.out, "BertForMaskedLM"));
  result.size = options.size;
  result.layers = config.num_hidden_layers;
  result.hidden = config.hidden_size;
  result.vocab_size = config.vocab_size;
  result.transfer_examples = mlm.size();
  result.epochs = options.epochs;
  result.steps = report.steps;
  result.mlm_loss_per_epoch = report.epoch_losses;
  result.unigram_entropy = UnigramEntropy(mlm, vocab);
  result.seconds = report.seconds;
  result.precision = options.precision;
  result.checkpoint = options.out;
  if (!init_hash.empty()) {
    result.init_checkpoint = options.init_checkpoint;
    result.init_checkpoint_hash = init_hash;
  }
  return result;
}

absl::StatusOr<FinetuneResult> RunFinetuneStage(const FinetuneStageOptions& options,
                                             const c10::Device& device) {
  if (options.out.empty()) return absl::InvalidArgumentError("--out=DIR is required");
  // Seeded before loading: heads a checkpoint lacks are initialised randomly.
  torch::manual_seed(options.data.seed);
  // A pre-trained encoder (BertForMaskedLM) is what gets fine-tuned; its
  // labels must still match the dataset's.
  ASSIGN_OR_RETURN(PreparedData data, Prepare(options.data));
  // An encoder without labels (general pre-training, a BERT checkpoint) gets
  // the dataset's and a new classifier.
  ASSIGN_OR_RETURN(
      LoadedTeacher loaded,
      LoadBertTeacher(options.checkpoint,
                      {.require_classifier = false,
                       .labels_if_missing = data.corpus->label_names}));
  RETURN_IF_ERROR(CheckTeacherLabels(loaded.model->config().labels,
                                     options.checkpoint, options.data.dataset,
                                     data.corpus->label_names));
  loaded.model->set_precision(options.precision);
  BertTokenizer tokenizer(loaded.vocabulary);
  const int64_t max_length =
      std::min(options.data.max_length, loaded.model->config().max_position_embeddings);
  EncodedExamples train = EncodeExamples(*data.corpus, data.split.train, tokenizer, max_length);
  EncodedExamples dev = EncodeExamples(*data.corpus, data.split.dev, tokenizer, max_length);
  const int32_t pad = tokenizer.vocabulary().pad_id();
  FinetuneOptions finetune{.max_epochs = options.max_epochs, .patience = options.patience,
                           .batch_size = options.batch_size, .seed = options.data.seed};
  finetune.optimizer.learning_rate = options.learning_rate;
  // A teacher assistant: the larger teacher's logits on the transfer set.
  EncodedExamples transfer;
  std::optional<AssistantDistillation> distillation;
  if (!options.distill_from.empty()) {
    ASSIGN_OR_RETURN(LoadedTeacher larger,
                     LoadBertTeacher(options.distill_from, {.require_classifier = true}));
    RETURN_IF_ERROR(CheckTeacherLabels(larger.model->config().labels, options.distill_from,
                                       options.data.dataset, data.corpus->label_names));
    const std::vector<int64_t> unlabeled =
        SelectTransferExamples(data.split.unlabeled, options.data.seed, options.transfer_limit);
    std::vector<std::string> texts;
    for (int64_t index : unlabeled) texts.push_back(CorpusExample(*data.corpus, index).text);
    ASSIGN_OR_RETURN(CachedTeacherRun run,
                     TeacherOutputsThroughCache(
                         larger, TeacherOutputPool(*data.corpus), texts,
                         options.data.max_length, options.cache_dir,
                         options.batch_size, options.precision, device));
    transfer = EncodeExamples(*data.corpus, unlabeled, tokenizer, max_length);
    finetune.distillation = {.transfer = &transfer,
                             .teacher_logits = run.outputs.logits,
                             .temperature = options.temperature,
                             .weight = options.distill_weight};
    distillation = AssistantDistillation{.teacher_checkpoint = options.distill_from,
                                         .teacher_hash = larger.checkpoint_hash,
                                         .transfer_examples = transfer.size(),
                                         .temperature = options.temperature,
                                         .weight = options.distill_weight,
                                         .teacher_forward_passes = run.counters.computed,
                                         .reused_from_cache = run.counters.reused};
  }
  ASSIGN_OR_RETURN(FinetuneReport report,
                   FinetuneClassifier(loaded.model, train, dev, pad, finetune, device));
  // The test split is read once, after model selection on dev.
  EncodedExamples test = EncodeExamples(*data.corpus, data.split.test, tokenizer, max_length);
  const std::vector<int32_t> predicted =
      PredictClasses(loaded.model, test, pad, options.batch_size, device);
  const double test_accuracy = Accuracy(predicted, test.labels);
  const double test_macro_f1 =
      MacroF1(predicted, test.labels, static_cast<int64_t>(data.corpus->label_names.size()));
  loaded.model->to(torch::kCPU);
  RETURN_IF_ERROR(SaveBertTeacher(loaded.model, tokenizer.vocabulary(), options.out));
  return FinetuneResult{.dataset = options.data.dataset,
                        .labels_per_class = data.split.labels_per_class,
                        .seed = options.data.seed,
                        .train_examples = train.size(),
                        .dev_examples = dev.size(),
                        .test_examples = test.size(),
                        .dev_accuracy_per_epoch = report.dev_accuracy,
                        .dev_loss_per_epoch = report.dev_loss,
                        .best_epoch = report.best_epoch,
                        .dev_accuracy = report.best_dev_accuracy,
                        .test_accuracy = test_accuracy,
                        .test_macro_f1 = test_macro_f1,
                        .test_majority_accuracy = MajorityAccuracy(test.labels),
                        .test_predictions = predicted,
                        .test_labels = test.labels,
                        .seconds = report.seconds,
                        .precision = options.precision,
                        .split_hash = data.split.split_hash,
                        .pretrained_checkpoint_hash = loaded.checkpoint_hash,
                        .checkpoint = options.out,
                        .distilled_from = distillation};
}

std::string DefaultTeacherOutputCacheDirectory() {
  return DataDirectory() + "/../teacher-outputs";
}

namespace {

// How the cached outputs were computed: float32 keeps the name it had before
// precisions existed, so existing caches stay valid.
std::string CacheComputation(TrainingPrecision precision) {
  std::string computation = "canonical-pool/v3";
  if (precision != TrainingPrecision::kFloat32) {
    absl::StrAppend(&computation, "/", TrainingPrecisionName(precision));
  }
  return computation;
}

}  // namespace

std::vector<std::string> TeacherOutputPool(const Corpus& corpus) {
  std::vector<std::string> pool;
  pool.reserve(corpus.train.size() + corpus.unlabeled.size());
  for (const Example& example : corpus.train) pool.push_back(example.text);
  for (const Example& example : corpus.unlabeled) pool.push_back(example.text);
  return pool;
}

absl::StatusOr<CachedTeacherRun> TeacherOutputsThroughCache(
    const LoadedTeacher& loaded, const std::vector<std::string>& pool,
    const std::vector<std::string>& texts, int64_t max_length_in,
    const std::string& cache_root, int64_t batch_size,
    TrainingPrecision precision, const c10::Device& device) {
  BertTokenizer tokenizer(loaded.vocabulary);
  const Vocabulary& vocab = tokenizer.vocabulary();
  const int64_t max_length =
      std::min(max_length_in, loaded.model->config().max_position_embeddings);
  BertTeacher model = loaded.model;
  model->to(device);
  model->eval();
  // The loaded teacher is shared with its other users: its precision is
  // left as it was found.
  const TrainingPrecision found_precision = model->precision();
  model->set_precision(precision);
  absl::Cleanup restore_precision = [&] { model->set_precision(found_precision); };
  const std::string cache_dir =
      cache_root.empty() ? DefaultTeacherOutputCacheDirectory() : cache_root;
  ASSIGN_OR_RETURN(
      TeacherOutputCache cache,
      TeacherOutputCache::Open(
          cache_dir, {.teacher_hash = loaded.checkpoint_hash,
                      .tokenizer_hash = Sha256Hex(
                          absl::StrCat("wordpiece/uncased\n", vocab.ToText())),
                      .max_length = max_length,
                      .computation = CacheComputation(precision)}));
  auto compute = [&](const std::vector<std::string>& missing)
      -> absl::StatusOr<CachedTeacherOutputs> {
    std::vector<std::vector<int32_t>> ids;
    std::vector<int64_t> lengths;
    for (const std::string& text : missing) {
      ids.push_back(EncodeForTeacher(tokenizer, text, max_length));
      lengths.push_back(static_cast<int64_t>(ids.back().size()));
    }
    const auto n = static_cast<int64_t>(missing.size());
    const int64_t labels = model->num_labels();
    const int64_t hidden = model->config().hidden_size;
    CachedTeacherOutputs outputs{torch::empty({n, labels}), torch::empty({n, labels}),
                                 torch::empty({n, labels}), torch::empty({n, hidden}),
                                 torch::empty({n, hidden})};
    ProgressBar progress("teacher forward", n, {.unit = "ex"});
    for (const auto& batch :
         LengthBucketedBatches(lengths, {.batch_size = batch_size, .shuffle = false})) {
      std::vector<std::vector<int32_t>> sequences;
      for (int64_t index : batch) sequences.push_back(ids[index]);
      PaddedBatch padded = PadBatch(sequences, vocab.pad_id());
      // Every batch has one shape, [batch_size, max_length]: a row's outputs
      // then do not depend on which other texts share its batch (BLAS
      // rounding changes with the shape), so the cached values are the same
      // whichever cell asked first. Filler rows hold a lone [CLS].
      const int64_t rows_in_batch = static_cast<int64_t>(batch.size());
      torch::Tensor input_ids = torch::full({batch_size, max_length}, vocab.pad_id(), torch::kLong);
      torch::Tensor mask = torch::zeros({batch_size, max_length}, torch::kBool);
      input_ids.slice(0, rows_in_batch).select(1, 0).fill_(vocab.cls_id());
      mask.slice(0, rows_in_batch).select(1, 0).fill_(true);
      const int64_t longest = padded.ids.size(1);
      input_ids.slice(0, 0, rows_in_batch).slice(1, 0, longest).copy_(padded.ids);
      mask.slice(0, 0, rows_in_batch).slice(1, 0, longest).copy_(padded.mask);
      TeacherOutputs computed = ComputeTeacherOutputs(model, input_ids.to(device), mask.to(device));
      computed.logits = computed.logits.slice(0, 0, rows_in_batch);
      computed.probabilities = computed.probabilities.slice(0, 0, rows_in_batch);
      computed.log_odds = computed.log_odds.slice(0, 0, rows_in_batch);
      computed.cls = computed.cls.slice(0, 0, rows_in_batch);
      computed.pooled = computed.pooled.slice(0, 0, rows_in_batch);
      torch::Tensor rows = torch::tensor(batch, torch::kLong);
      outputs.logits.index_copy_(0, rows, computed.logits.cpu());
      outputs.probabilities.index_copy_(0, rows, computed.probabilities.cpu());
      outputs.log_odds.index_copy_(0, rows, computed.log_odds.cpu());
      outputs.cls.index_copy_(0, rows, computed.cls.cpu());
      outputs.pooled.index_copy_(0, rows, computed.pooled.cpu());
      progress.Advance(static_cast<int64_t>(batch.size()));
    }
    return outputs;
  };
  const auto start = std::chrono::steady_clock::now();
  CachedTeacherRun run;
  RETURN_IF_ERROR(cache.Complete(pool, compute));
  ASSIGN_OR_RETURN(run.outputs, cache.GetOrCompute(texts, compute));
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.counters = cache.counters();
  run.cache_directory = cache.directory();
  return run;
}

std::vector<int64_t> SelectTransferExamples(std::vector<int64_t> unlabeled, uint64_t seed,
                                            int64_t limit) {
  StableRandom random(seed ^ 0x7a4f5e1dULL);
  random.Shuffle(&unlabeled);
  if (limit > 0 && static_cast<int64_t>(unlabeled.size()) > limit) unlabeled.resize(limit);
  return unlabeled;
}

absl::Status CheckTeacherLabels(const std::vector<std::string>& teacher_labels,
                                const std::string& checkpoint, const std::string& dataset,
                                const std::vector<std::string>& dataset_labels) {
  if (teacher_labels == dataset_labels) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      checkpoint, ": the teacher's classes [", absl::StrJoin(teacher_labels, ", "),
      "] differ from dataset '", dataset, "''s [", absl::StrJoin(dataset_labels, ", "),
      "]; names and order must match (config.json id2label)"));
}

absl::StatusOr<TeacherOutputsResult> RunTeacherOutputsStage(const TeacherOutputsStageOptions& options,
                                                   const c10::Device& device) {
  ASSIGN_OR_RETURN(LoadedTeacher loaded,
                   LoadBertTeacher(options.checkpoint, {.require_classifier = true}));
  ASSIGN_OR_RETURN(PreparedData data, Prepare(options.data));
  RETURN_IF_ERROR(CheckTeacherLabels(loaded.model->config().labels, options.checkpoint,
                                     options.data.dataset, data.corpus->label_names));
  std::vector<std::string> texts;
  for (int64_t index : SelectTransferExamples(data.split.unlabeled, options.data.seed,
                                              options.transfer_limit)) {
    texts.push_back(CorpusExample(*data.corpus, index).text);
  }
  ASSIGN_OR_RETURN(CachedTeacherRun run,
                   TeacherOutputsThroughCache(
                       loaded, TeacherOutputPool(*data.corpus), texts,
                       options.data.max_length, options.cache_dir,
                       options.batch_size, options.precision, device));
  // Mean over examples of the population variance of the class
  // probabilities (the paper's Table 9 statistic).
  const double variance =
      run.outputs.probabilities.var(/*dim=*/1, /*unbiased=*/false).mean().item<double>();
  // A one-hot vector over C classes: mean 1/C, population variance (C-1)/C^2.
  const auto classes = static_cast<double>(loaded.model->num_labels());
  const BertParameterCounts counts = CountClassifierParameters(*loaded.model);
  return TeacherOutputsResult{.dataset = options.data.dataset,
                              .transfer_examples = static_cast<int64_t>(texts.size()),
                              .teacher_forward_passes = run.counters.computed,
                              .reused_from_cache = run.counters.reused,
                              .corrupt_chunks_rebuilt = run.counters.corrupt_chunks,
                              .mean_probability_variance = variance,
                              .one_hot_variance = (classes - 1) / (classes * classes),
                              .classes = loaded.model->num_labels(),
                              .parameters = counts.total,
                              .embedding_parameters = counts.embedding,
                              .layers = loaded.model->config().num_hidden_layers,
                              .hidden = loaded.model->config().hidden_size,
                              .seconds = run.seconds,
                              .precision = options.precision,
                              .cache = run.cache_directory,
                              .teacher_hash = loaded.checkpoint_hash,
                              .split_hash = data.split.split_hash};
}

absl::Status RunPredictStage(const std::string& checkpoint, int64_t max_length,
                             TrainingPrecision precision, const c10::Device& device,
                             std::istream& in, std::ostream& out, const std::string& source_name) {
  ASSIGN_OR_RETURN(LoadedTeacher loaded, LoadBertTeacher(checkpoint, {.require_classifier = true}));
  loaded.model->to(device);
  loaded.model->set_precision(precision);
  BertTokenizer tokenizer(loaded.vocabulary);
  const Vocabulary& vocab = tokenizer.vocabulary();
  max_length = std::min(max_length, loaded.model->config().max_position_embeddings);
  std::string line;
  int64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
    if (object.is_discarded() || !object.is_object() || !object.contains("text") ||
        !object["text"].is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(
          source_name, ":", line_number, ": expected a JSON object with a string \"text\""));
    }
    std::vector<int32_t> ids =
        EncodeForTeacher(tokenizer, object["text"].get<std::string>(), max_length);
    PaddedBatch batch = PadBatch({ids}, vocab.pad_id());
    TeacherOutputs outputs =
        ComputeTeacherOutputs(loaded.model, batch.ids.to(device), batch.mask.to(device));
    nlohmann::json result = {
        {"logits", ToVector(outputs.logits[0].cpu())},
        {"probs", ToVector(outputs.probabilities[0].cpu())},
        {"cls", ToVector(outputs.cls[0].cpu())},
        {"pooled", ToVector(outputs.pooled[0].cpu())},
    };
    out << result.dump() << '\n';
  }
  return absl::OkStatus();
}

}  // namespace kdbench
