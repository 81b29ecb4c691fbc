#include "lib/experiment/student_cell.h"

#include <torch/torch.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/data/dataset_registry.h"
#include "lib/data/encoded_examples.h"
#include "lib/data/splits.h"
#include "lib/distill/closed_form_fit.h"
#include "lib/distill/deployment_evaluation.h"
#include "lib/distill/distillation_method.h"
#include "lib/distill/student_training.h"
#include "lib/distill/teacher_ensemble.h"
#include "lib/distill/training_schedule.h"
#include "lib/experiment/cell_export.h"
#include "lib/experiment/teacher_stages.h"
#include "lib/models/bert_checkpoint.h"
#include "lib/models/bilstm_student.h"
#include "lib/models/deployed_bilstm.h"
#include "lib/models/fasttext_vectors.h"
#include "lib/models/student_registry.h"
#include "lib/models/teacher_outputs.h"
#include "lib/models/word_vectors.h"
#include "lib/text/bert_tokenizer.h"
#include "lib/text/vocabulary.h"
#include "lib/text/whitespace_tokenizer.h"
#include "lib/util/content_hash.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

// Refuses, before any data or teacher work, what the cell cannot run.
absl::Status CheckStudentCellOptions(const StudentCellOptions& options) {
  RETURN_IF_ERROR(CheckScheduleNames(options.schedule, options.method));
  if (const ClosedFormFit* fit = FindClosedFormFit(options.student)) {
    RETURN_IF_ERROR(fit->check_method(options.method));
  }
  if (!options.ensemble_weighting.empty() && options.ensemble_members.empty()) {
    return absl::InvalidArgumentError(
        "--ensemble_weighting needs --ensemble_members (the teachers averaged with --teacher)");
  }
  if (!options.deployment_precisions.empty() && !StudentHasRecurrence(options.student)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--deployment_precisions: the deployed path is the bilstm and rnn students'; --student=",
        options.student));
  }
  if (!options.export_dir.empty()) {
    if (!StudentHasRecurrence(options.student)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--export_cell: the peer implements the bilstm and rnn students; --student=",
          options.student));
    }
    // What the peer does not implement is refused, not silently dropped.
    if (options.cosine_restarts || options.shared_head || !options.word_vectors.empty() ||
        options.optimizer != StudentOptimizer::kAdam) {
      return absl::InvalidArgumentError(
          "--export_cell: the peer implements Adam without cosine restarts, no shared head "
          "and the uniform embedding initialisation; this cell sets --cosine_restarts, "
          "--shared_head, --word_vectors or another --optimizer");
    }
  }
  if (options.teacher.empty()) {
    return absl::InvalidArgumentError(
        "--teacher=DIR is required: a fine-tuned teacher checkpoint (its vocabulary is the "
        "student's, its outputs the distillation targets)");
  }
  return absl::OkStatus();
}

// A cell up to training: its data split and encoded, the teacher's targets
// on the transfer set, the student built and initialised, its schedule.
// Not movable: `data` and `encode` point into it.
struct PreparedCell {
  PreparedCell() = default;
  PreparedCell(const PreparedCell&) = delete;
  PreparedCell& operator=(const PreparedCell&) = delete;

  std::shared_ptr<const Corpus> corpus;
  DataSplit split;
  // The student's input: the teacher's WordPieces or, for a student that
  // reads words, lower-cased whitespace words with a vocabulary from the
  // non-test text.
  std::optional<BertTokenizer> tokenizer;
  std::optional<Vocabulary> words;
  TextEncoder encode;
  int32_t pad = 0;
  StudentPtr student;
  EmbeddingInitialisation embedding;
  std::vector<TrainingPhase> phases;
  EncodedExamples train, dev;
  TransferSet transfer, held_out;
  StudentTrainingData data;
  CellTeacherUse teacher;
  int64_t teacher_width = 0;  // sizes L_RL's projection; 0: no representation
  TransformerShape teacher_transformer;

  const Vocabulary& student_vocabulary() const {
    return words.has_value() ? *words : tokenizer->vocabulary();
  }
  EncodedExamples Encode(const std::vector<int64_t>& indices, int64_t max_length) const {
    return EncodeExamplesWith(*corpus, indices, encode, max_length);
  }
};

absl::Status ChooseStudentTokens(PreparedCell& cell, const Vocabulary& teacher_vocabulary,
                                 const std::string& student) {
  cell.tokenizer.emplace(teacher_vocabulary);
  const Vocabulary& wordpieces = cell.tokenizer->vocabulary();
  cell.pad = wordpieces.pad_id() >= 0 ? wordpieces.pad_id() : 0;
  if (!StudentUsesWordTokens(student)) {
    const BertTokenizer* tokenizer = &*cell.tokenizer;
    cell.encode = [tokenizer](const std::string& text, size_t max_ids) {
      return tokenizer->Encode(text, max_ids);
    };
    return absl::OkStatus();
  }
  WordVocabularyBuilder builder;
  for (const auto* part : {&cell.split.train, &cell.split.dev, &cell.split.unlabeled}) {
    for (int64_t index : *part) builder.AddText(CorpusExample(*cell.corpus, index).text);
  }
  ASSIGN_OR_RETURN(Vocabulary words_built, builder.Build({}));
  cell.words.emplace(std::move(words_built));
  const Vocabulary* words = &*cell.words;
  cell.encode = [words](const std::string& text, size_t /*max_ids*/) {
    return EncodeWords(*words, text);
  };
  cell.pad = 0;  // [PAD]
  return absl::OkStatus();
}

// The embedding from word vectors when asked: fastText trained on every
// non-test text in the student's own tokens, or a GloVe / word2vec file.
absl::StatusOr<EmbeddingInitialisation> InitializeStudentEmbedding(
    PreparedCell& cell, const StudentCellOptions& options) {
  if (options.word_vectors.empty()) return EmbeddingInitialisation{};
  const Vocabulary& vocabulary = cell.student_vocabulary();
  WordVectors vectors;
  if (options.word_vectors == "fasttext") {
    std::vector<std::string> documents;
    for (const auto* part : {&cell.split.train, &cell.split.dev, &cell.split.unlabeled}) {
      for (int64_t index : *part) {
        std::string line;
        for (int32_t id : cell.encode(CorpusExample(*cell.corpus, index).text, SIZE_MAX)) {
          if (!line.empty()) line += ' ';
          line += vocabulary.Token(id);
        }
        documents.push_back(std::move(line));
      }
    }
    ASSIGN_OR_RETURN(vectors, TrainFastTextVectors(
                                  documents, {.dimension = cell.student->EmbeddingWeight().size(1),
                                              .seed = static_cast<int>(options.seed)}));
  } else {
    ASSIGN_OR_RETURN(vectors, ReadWordVectorsText(options.word_vectors));
  }
  ASSIGN_OR_RETURN(EmbeddingInitReport init,
                   InitializeEmbedding(cell.student->EmbeddingWeight(), vocabulary, vectors));
  {
    torch::NoGradGuard no_grad;
    cell.student->EmbeddingWeight()[cell.pad].zero_();
  }
  return EmbeddingInitialisation{
      .init = options.word_vectors, .rows_covered = init.covered, .rows = init.total};
}

// The schedule's phases; gradual unfreezing goes through the student's
// layer groups top down, or the order given (each group once, so the last
// phase trains the whole student).
absl::StatusOr<std::vector<TrainingPhase>> CellSchedule(StudentImpl& student,
                                                        const StudentCellOptions& options) {
  ScheduleOptions schedule{.alpha = options.alpha,
                           .beta = options.beta,
                           .gamma = options.gamma,
                           .max_epochs = options.max_epochs,
                           .patience = options.patience,
                           .labels_only_max_epochs = options.labels_only_max_epochs,
                           .labels_only_patience = options.labels_only_patience,
                           .step_budget = options.step_budget};
  const std::vector<LayerGroup> groups = student.LayerGroups();
  std::vector<std::string> group_names;
  for (auto group = groups.rbegin(); group != groups.rend(); ++group) {
    group_names.push_back(group->name);
  }
  if (options.unfreeze_order.empty()) {
    schedule.unfreeze_order = group_names;
  } else {
    schedule.unfreeze_order = absl::StrSplit(options.unfreeze_order, ',');
    std::vector<std::string> sorted_given = schedule.unfreeze_order;
    std::vector<std::string> sorted_known = group_names;
    std::sort(sorted_given.begin(), sorted_given.end());
    std::sort(sorted_known.begin(), sorted_known.end());
    if (sorted_given != sorted_known) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--unfreeze_order=", options.unfreeze_order, ": must name each of the ",
          student.architecture(), " student's layer groups once: ",
          absl::StrJoin(group_names, ",")));
    }
  }
  return MakeSchedule(options.schedule, options.method, schedule);
}

TransferTargets SliceTargets(const CachedTeacherOutputs& outputs, const torch::Tensor& rows,
                             const StudentCellOptions& o) {
  return {.logit_targets =
              (o.logit_target == LogitTarget::kLogits ? outputs.logits : outputs.log_odds).index_select(0, rows),
          .probabilities = outputs.probabilities.index_select(0, rows),
          .logits = outputs.logits.index_select(0, rows),
          .representation =
              (o.representation_target == RepresentationTarget::kPooled ? outputs.pooled : outputs.cls)
                  .index_select(0, rows)};
}

TeacherUse TeacherUseOf(LoadedTeacher& teacher) {
  const BertParameterCounts counts = CountClassifierParameters(*teacher.model);
  return {.hash = teacher.checkpoint_hash,
          .parameters = counts.total,
          .embedding_parameters = counts.embedding};
}

void RecordOutputs(const LoadedTeacher& teacher, const CachedTeacherRun& run, TeacherUse& use) {
  use.distilled = true;
  use.cache = run.cache_directory;
  use.forward_passes = run.counters.computed;
  use.reused_from_cache = run.counters.reused;
  use.width = teacher.model->config().hidden_size;
}

// The other members of a teacher ensemble, checked before any work.
absl::StatusOr<std::vector<LoadedTeacher>> LoadEnsembleMembers(const StudentCellOptions& options,
                                                               const LoadedTeacher& teacher) {
  ASSIGN_OR_RETURN(DistillationMethod method, ParseDistillationMethod(options.method));
  for (const MethodLoss& loss : method.losses) {
    if (loss.loss == "L_RL") {
      return absl::InvalidArgumentError(absl::StrCat(
          "--method=", options.method, " needs L_RL, the teacher's representation, which a "
          "teacher ensemble does not have (its members' widths may differ); use a method "
          "on outputs (hard, soft, kl, ...)"));
    }
  }
  std::vector<LoadedTeacher> members;
  for (const std::string& member : options.ensemble_members) {
    ASSIGN_OR_RETURN(LoadedTeacher other, LoadBertTeacher(member, {.require_classifier = true}));
    if (other.model->config().labels != teacher.model->config().labels) {
      return absl::InvalidArgumentError(absl::StrCat(
          "teacher ensemble: ", member, " has labels [",
          absl::StrJoin(other.model->config().labels, ", "), "] but ", options.teacher, " has [",
          absl::StrJoin(teacher.model->config().labels, ", "), "]"));
    }
    members.push_back(std::move(other));
  }
  return members;
}

// The transfer set and its held-out slice (10%, at most 2,000, fixed by the
// split seed) with the teacher's targets through the output cache; an
// ensemble's members each through the cache, then combined into one teacher.
absl::Status AttachTeacherTargets(PreparedCell& cell, const LoadedTeacher& teacher,
                                  std::vector<LoadedTeacher> others,
                                  const std::optional<TeacherSpec>& ensemble,
                                  const StudentCellOptions& options, const c10::Device& device) {
  std::vector<int64_t> unlabeled =
      SelectTransferExamples(cell.split.unlabeled, options.seed, options.transfer_limit);
  if (unlabeled.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset ", options.dataset, " at ", options.labels_per_class, " labels per class leaves ",
        unlabeled.size(), " unlabeled examples: distillation needs a transfer set"));
  }
  const auto held_out_count =
      std::clamp<int64_t>(static_cast<int64_t>(unlabeled.size()) / 10, 1, 2000);
  std::vector<std::string> texts;
  for (int64_t index : unlabeled) texts.push_back(CorpusExample(*cell.corpus, index).text);
  const std::vector<std::string> pool = TeacherOutputPool(*cell.corpus);
  auto outputs_of = [&](const LoadedTeacher& member) {
    return TeacherOutputsThroughCache(member, pool, texts, options.teacher_max_length,
                                      options.cache_dir, options.batch_size,
                                      options.teacher_precision, device);
  };
  ASSIGN_OR_RETURN(CachedTeacherRun run, outputs_of(teacher));
  cell.held_out.examples = cell.Encode(
      std::vector<int64_t>(unlabeled.begin(), unlabeled.begin() + held_out_count),
      options.max_length);
  cell.transfer.examples = cell.Encode(
      std::vector<int64_t>(unlabeled.begin() + held_out_count, unlabeled.end()),
      options.max_length);
  const torch::Tensor held_out_rows = torch::arange(held_out_count);
  const torch::Tensor transfer_rows =
      torch::arange(held_out_count, static_cast<int64_t>(unlabeled.size()));
  cell.held_out.targets = SliceTargets(run.outputs, held_out_rows, options);
  cell.transfer.targets = SliceTargets(run.outputs, transfer_rows, options);
  RecordOutputs(teacher, run, cell.teacher.teacher);
  if (ensemble.has_value()) {
    std::vector<TeacherTargets> held_out_members = {cell.held_out.targets};
    std::vector<TeacherTargets> transfer_members = {cell.transfer.targets};
    TeacherUse combined = cell.teacher.teacher;
    std::vector<std::string> hashes = {combined.hash};
    cell.teacher.members = {combined};
    for (size_t k = 0; k < others.size(); ++k) {
      ASSIGN_OR_RETURN(CachedTeacherRun other_run, outputs_of(others[k]));
      held_out_members.push_back(SliceTargets(other_run.outputs, held_out_rows, options));
      transfer_members.push_back(SliceTargets(other_run.outputs, transfer_rows, options));
      TeacherUse member = TeacherUseOf(others[k]);
      member.checkpoint = options.ensemble_members[k];
      RecordOutputs(others[k], other_run, member);
      combined.parameters += member.parameters;
      combined.embedding_parameters += member.embedding_parameters;
      combined.forward_passes += member.forward_passes;
      combined.reused_from_cache += member.reused_from_cache;
      hashes.push_back(member.hash);
      cell.teacher.members.push_back(std::move(member));
      others[k].model = nullptr;
    }
    const bool log_odds = options.logit_target != LogitTarget::kLogits;
    ASSIGN_OR_RETURN(cell.held_out.targets, CombineTeachers(held_out_members, *ensemble, log_odds));
    ASSIGN_OR_RETURN(cell.transfer.targets, CombineTeachers(transfer_members, *ensemble, log_odds));
    hashes.push_back(options.ensemble_weighting);
    combined.hash = Sha256Hex(absl::StrJoin(hashes, ","));
    combined.width = 0;  // an ensemble has no single representation
    cell.teacher.teacher = combined;
    cell.teacher.ensemble =
        options.ensemble_weighting.empty() ? "mean" : options.ensemble_weighting;
  }
  cell.data.transfer = &cell.transfer;
  cell.data.transfer_held_out = &cell.held_out;
  return absl::OkStatus();
}

// Feature losses (TinyBERT, MiniLM) match a transformer student's layers
// with the teacher's, computed per batch on the student's own input.
void AttachTeacherLayers(PreparedCell& cell, LoadedTeacher& teacher,
                         const StudentCellOptions& options, const c10::Device& device) {
  cell.teacher_transformer = ShapeOf(teacher.model->config());
  teacher.model->to(device);
  teacher.model->set_precision(options.teacher_precision);
  std::shared_ptr<BertTeacherImpl> layers_teacher = teacher.model.ptr();
  const Vocabulary* vocabulary = &cell.tokenizer->vocabulary();
  const int32_t pad = cell.pad;
  TeacherLayerSource source = [layers_teacher, vocabulary, pad](const torch::Tensor& ids,
                                                                const torch::Tensor& lengths) {
    return ComputeTeacherInternals(*layers_teacher, ids, lengths, vocabulary->cls_id(),
                                   vocabulary->sep_id(), pad);
  };
  cell.transfer.teacher_layers = source;
  cell.held_out.teacher_layers = source;
}

absl::StatusOr<std::unique_ptr<PreparedCell>> PrepareStudentCell(const StudentCellOptions& options,
                                                                 const c10::Device& device) {
  RETURN_IF_ERROR(CheckStudentCellOptions(options));
  const bool distilled = options.method != "none";
  ASSIGN_OR_RETURN(LoadedTeacher teacher,
                   LoadBertTeacher(options.teacher, {.require_classifier = distilled}));
  auto cell = std::make_unique<PreparedCell>();
  ASSIGN_OR_RETURN(cell->corpus, ReadDatasetShared(options.dataset, {.path = options.path}));
  const std::vector<std::string>& label_names = cell->corpus->label_names;
  if (distilled) {
    RETURN_IF_ERROR(CheckTeacherLabels(teacher.model->config().labels, options.teacher,
                                       options.dataset, label_names));
  }
  ASSIGN_OR_RETURN(cell->split, MakeSplit(*cell->corpus,
                                          {.labels_per_class = options.labels_per_class,
                                           .dev_per_class = options.dev_per_class,
                                           .seed = options.seed}));
  RETURN_IF_ERROR(ChooseStudentTokens(*cell, teacher.vocabulary, options.student));
  const Vocabulary& wordpieces = cell->tokenizer->vocabulary();
  // LibTorch seeds its default generator from /dev/urandom: without this the
  // student's initial weights would differ between runs of the same seed.
  torch::manual_seed(options.seed);
  const BertConfig& teacher_config = teacher.model->config();
  ASSIGN_OR_RETURN(
      cell->student,
      MakeStudent({.architecture = options.student,
                   .size = options.student_size,
                   .vocab_size = cell->student_vocabulary().size(),
                   .num_classes = static_cast<int64_t>(label_names.size()),
                   .padding_idx = cell->pad,
                   .recurrent_dropout = options.recurrent_dropout,
                   .head_width = options.shared_head ? teacher_config.hidden_size : 0,
                   // A transformer student reads what the teacher reads, head for head.
                   .attention_heads = teacher_config.num_attention_heads,
                   .max_positions = teacher_config.max_position_embeddings,
                   .cls_id = wordpieces.cls_id(),
                   .sep_id = wordpieces.sep_id()}));
  ASSIGN_OR_RETURN(cell->embedding, InitializeStudentEmbedding(*cell, options));
  ASSIGN_OR_RETURN(cell->phases, CellSchedule(*cell->student, options));
  cell->train = cell->Encode(cell->split.train, options.max_length);
  cell->dev = cell->Encode(cell->split.dev, options.max_length);
  cell->data = {.labeled = &cell->train, .dev = &cell->dev};
  cell->teacher.teacher = TeacherUseOf(teacher);
  if (distilled) {
    std::vector<LoadedTeacher> others;
    std::optional<TeacherSpec> ensemble;
    if (!options.ensemble_members.empty()) {
      std::vector<std::string> names = {options.teacher};
      names.insert(names.end(), options.ensemble_members.begin(), options.ensemble_members.end());
      ASSIGN_OR_RETURN(ensemble, EnsembleSpec(names, options.ensemble_weighting));
      ASSIGN_OR_RETURN(others, LoadEnsembleMembers(options, teacher));
    }
    RETURN_IF_ERROR(
        AttachTeacherTargets(*cell, teacher, std::move(others), ensemble, options, device));
    if (!ensemble.has_value()) {
      cell->teacher_width = teacher_config.hidden_size;
      // Every other student needs only the cached outputs from here on.
      if (cell->student->transformer_shape().layers > 0) {
        AttachTeacherLayers(*cell, teacher, options, device);
      }
    }
  }
  return cell;
}

// The record's deployment results: per precision, the deployed student's
// test accuracy and predictions, its agreement with the trained model, and
// its time per example; a precision the CPU cannot run says why.
absl::StatusOr<std::vector<DeploymentResult>> DeployStudent(
    const StudentImpl& student, const EncodedExamples& test,
    const std::vector<int32_t>& model_predictions,
    const std::vector<InferencePrecision>& precisions) {
  const auto* bilstm = dynamic_cast<const BiLstmStudentImpl*>(&student);
  if (bilstm == nullptr) {
    return absl::InvalidArgumentError("deployment: the student is not a BiLSTM");
  }
  std::vector<DeploymentResult> results;
  for (InferencePrecision precision : precisions) {
    DeploymentResult& result = results.emplace_back();
    result.precision = precision;
    absl::StatusOr<std::unique_ptr<DeployedBiLstm>> deployed =
        DeployedBiLstm::Create(*bilstm, precision);
    if (!deployed.ok()) {
      if (deployed.status().code() != absl::StatusCode::kUnimplemented) return deployed.status();
      result.reason = std::string(deployed.status().message());
      continue;
    }
    ASSIGN_OR_RETURN(DeploymentEvaluation evaluation,
                     EvaluateDeployed(**deployed, test, model_predictions));
    result.supported = true;
    result.kernel = (*deployed)->KernelDescription();
    result.recurrent_weight_bytes = (*deployed)->RecurrentWeightBytes();
    result.threads = at::get_num_threads();
    result.test_accuracy = evaluation.accuracy;
    result.agreement_with_model = evaluation.agreement;
    result.seconds_per_example = evaluation.seconds_per_example;
    result.test_predictions = std::move(evaluation.predicted);
  }
  return results;
}

}  // namespace

absl::StatusOr<StudentCellResult> RunStudentCell(const StudentCellOptions& options,
                                                 const c10::Device& device) {
  ASSIGN_OR_RETURN(std::unique_ptr<PreparedCell> cell, PrepareStudentCell(options, device));
  StudentTrainingReport report;
  if (const ClosedFormFit* fit = FindClosedFormFit(options.student)) {
    ASSIGN_OR_RETURN(report, fit->fit(*cell->student, cell->data,
                                      {.method = options.method,
                                       .temperature = options.temperature,
                                       .pad_id = cell->pad,
                                       .batch_size = options.batch_size},
                                      device));
  } else {
    ASSIGN_OR_RETURN(report,
                     TrainStudent(cell->student, cell->phases, cell->data, cell->teacher_width,
                                  cell->pad,
                                  {.optimizer = options.optimizer,
                                   .learning_rate = options.learning_rate,
                                   .cosine_restarts = options.cosine_restarts,
                                   .batch_size = options.batch_size,
                                   .temperature = options.temperature,
                                   .representation_reduction = options.representation_reduction,
                                   .representation_without_projection = options.shared_head,
                                   .teacher_transformer = cell->teacher_transformer,
                                   .precision = options.student_precision,
                                   .seed = options.seed,
                                   .progress = options.progress},
                                  device));
  }
  // The test split is read once, after model selection.
  const EncodedExamples test = cell->Encode(cell->split.test, options.max_length);
  ClassifierEvaluation evaluation =
      EvaluateStudent(*cell->student, test, cell->pad, options.batch_size, device,
                      options.student_precision);
  StudentCellResult result{
      .options = options,
      .student = cell->student->architecture(),
      .labels_per_class = cell->split.labels_per_class,
      .dev_accuracy = report.dev_accuracy,
      .test_accuracy = evaluation.accuracy,
      .test_macro_f1 = MacroF1(evaluation.predicted, test.labels,
                               static_cast<int64_t>(cell->corpus->label_names.size())),
      .test_predictions = evaluation.predicted,
      .test_labels = test.labels,
      .train_examples = cell->train.size(),
      .dev_examples = cell->dev.size(),
      .test_examples = test.size(),
      .transfer_examples = cell->transfer.examples.size(),
      .held_out_transfer_examples = cell->held_out.examples.size(),
      .phases = std::move(report.phases),
      .embedding_parameters = cell->student->EmbeddingParameterCount(),
      .non_embedding_parameters = cell->student->NonEmbeddingParameterCount(),
      .train_examples_per_second = report.examples_per_second,
      .padding_share = report.padding_share,
      .seconds = report.seconds,
      .teacher = cell->teacher,
      .embedding = cell->embedding,
      .split_hash = cell->split.split_hash,
      .corpus_hash = cell->split.corpus_hash,
      .tokenizer_hash = Sha256Hex(cell->student_vocabulary().ToText())};
  if (!options.deployment_precisions.empty()) {
    ASSIGN_OR_RETURN(result.deployment, DeployStudent(*cell->student, test, evaluation.predicted,
                                                      options.deployment_precisions));
  }
  return result;
}

absl::Status ExportStudentCell(const StudentCellOptions& options, const c10::Device& device) {
  if (options.export_dir.empty()) {
    return absl::InvalidArgumentError("--export_cell=DIR: the directory to write the cell to");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<PreparedCell> cell, PrepareStudentCell(options, device));
  // A bilstm or rnn student (checked) is a BiLstmStudentImpl. The suite's
  // own run of this cell reads the test split after selection as always.
  const auto* bilstm = dynamic_cast<const BiLstmStudentImpl*>(cell->student.get());
  const EncodedExamples test = cell->Encode(cell->split.test, options.max_length);
  return ExportCell(
      options.export_dir,
      {.train = &cell->train,
       .dev = &cell->dev,
       .test = &test,
       .transfer = cell->data.transfer,
       .held_out = cell->data.transfer_held_out,
       .student = bilstm,
       .phases = cell->phases,
       .pad_id = cell->pad,
       .teacher_width = cell->teacher_width,
       .optimizer = options.optimizer,
       .learning_rate = options.learning_rate,
       .batch_size = options.batch_size,
       .seed = options.seed,
       .temperature = options.temperature,
       .representation_reduction = options.representation_reduction,
       .cell_name = absl::StrCat(options.dataset, "/", options.student, "/", options.method, "/",
                                 options.schedule, "/labels:", cell->split.labels_per_class,
                                 "/seed:", options.seed)});
}

}  // namespace kdbench
