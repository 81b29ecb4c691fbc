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
#include "lib/distill/deployment_evaluation.h"
#include "lib/distill/distillation_method.h"
#include "lib/distill/naive_bayes_fit.h"
#include "lib/distill/student_training.h"
#include "lib/distill/teacher_ensemble.h"
#include "lib/distill/training_schedule.h"
#include "lib/experiment/cell_export.h"
#include "lib/experiment/teacher_stages.h"
#include "lib/models/bert_checkpoint.h"
#include "lib/models/bilstm_student.h"
#include "lib/models/deployed_bilstm.h"
#include "lib/models/fasttext_vectors.h"
#include "lib/models/naive_bayes_student.h"
#include "lib/models/student_registry.h"
#include "lib/models/teacher_outputs.h"
#include "lib/models/word_vectors.h"
#include "lib/text/bert_tokenizer.h"
#include "lib/text/vocabulary.h"
#include "lib/text/whitespace_tokenizer.h"
#include "lib/util/content_hash.h"
#include "lib/util/status_macros.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

// Everything that determines the cell's result except the seed.
nlohmann::json ConfigJson(const StudentCellOptions& o) {
  nlohmann::json json = {{"dataset", o.dataset},
          {"method", o.method},
          {"schedule", o.schedule},
          {"student", o.student},
          {"student_size", o.student_size},
          {"recurrent_dropout", o.recurrent_dropout},
          {"labels_per_class", o.labels_per_class},
          {"max_length", o.max_length},
          {"teacher_max_length", o.teacher_max_length},
          {"max_epochs", o.max_epochs},
          {"patience", o.patience},
          {"labels_only_max_epochs", o.labels_only_max_epochs},
          {"labels_only_patience", o.labels_only_patience},
          {"batch_size", o.batch_size},
          {"optimizer", ChoiceName(StudentOptimizerNames(), o.optimizer)},
          {"unfreeze_order", o.unfreeze_order},
          {"learning_rate", o.learning_rate},
          {"cosine_restarts", o.cosine_restarts},
          {"alpha", o.alpha},
          {"beta", o.beta},
          {"gamma", o.gamma},
          {"temperature", o.temperature},
          {"logit_target", ChoiceName(LogitTargetNames(), o.logit_target)},
          {"representation_target", ChoiceName(RepresentationTargetNames(), o.representation_target)},
          {"representation_reduction",
           ChoiceName(FeatureReductionNames(), o.representation_reduction)},
          {"shared_head", o.shared_head},
          {"transfer_limit", o.transfer_limit},
          {"word_vectors", o.word_vectors},
          {"ensemble_members", o.ensemble_members},
          {"ensemble_weighting", o.ensemble_weighting}};
  if (o.dev_per_class > 0) json["dev_per_class"] = o.dev_per_class;
  if (o.step_budget > 0) json["step_budget"] = o.step_budget;
  return json;
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

// The record's "deployment" block: per precision, the deployed student's
// test accuracy and predictions, its agreement with the trained model, and
// its time per example; a precision the CPU cannot run says why.
absl::StatusOr<nlohmann::json> DeploymentJson(const StudentImpl& student,
                                              const EncodedExamples& test,
                                              const std::vector<int32_t>& model_predictions,
                                              const std::vector<InferencePrecision>& precisions) {
  const auto* bilstm = dynamic_cast<const BiLstmStudentImpl*>(&student);
  if (bilstm == nullptr) {
    return absl::InvalidArgumentError("deployment: the student is not a BiLSTM");
  }
  nlohmann::json json = nlohmann::json::object();
  for (InferencePrecision precision : precisions) {
    const std::string name = PrecisionName(precision);
    absl::StatusOr<std::unique_ptr<DeployedBiLstm>> deployed =
        DeployedBiLstm::Create(*bilstm, precision);
    if (!deployed.ok()) {
      if (deployed.status().code() != absl::StatusCode::kUnimplemented) return deployed.status();
      json[name] = {{"supported", false}, {"reason", deployed.status().message()}};
      continue;
    }
    ASSIGN_OR_RETURN(DeploymentEvaluation evaluation,
                     EvaluateDeployed(**deployed, test, model_predictions));
    json[name] = {{"supported", true},
                  {"kernel", (*deployed)->KernelDescription()},
                  {"recurrent_weight_bytes", (*deployed)->RecurrentWeightBytes()},
                  {"threads", at::get_num_threads()},
                  {"test_accuracy", evaluation.accuracy},
                  {"agreement_with_model", evaluation.agreement},
                  {"seconds_per_example", evaluation.seconds_per_example},
                  {"test_predictions", evaluation.predicted}};
  }
  return json;
}

}  // namespace

const NamedChoices<LogitTarget>& LogitTargetNames() {
  static const auto* names = new NamedChoices<LogitTarget>{{LogitTarget::kLogOdds, "log-odds"},
                                                           {LogitTarget::kLogits, "logits"}};
  return *names;
}

const NamedChoices<RepresentationTarget>& RepresentationTargetNames() {
  static const auto* names = new NamedChoices<RepresentationTarget>{
      {RepresentationTarget::kCls, "cls"}, {RepresentationTarget::kPooled, "pooled"}};
  return *names;
}

StudentCellOptions StudentCellOptionsFromProfile(const ProfileSettings& settings,
                                                 const std::string& student,
                                                 TrainingPrecision teacher_precision) {
  return {.path = settings.path,
          .student = student,
          .student_size = settings.student_size,
          .recurrent_dropout = StudentHasRecurrence(student) ? settings.recurrent_dropout : 0,
          .dev_per_class = settings.dev_per_class,
          .max_length = settings.max_length,
          .teacher_max_length = settings.teacher_max_length,
          .teacher_precision = teacher_precision,
          .max_epochs = settings.max_epochs,
          .patience = settings.patience,
          .labels_only_max_epochs = settings.labels_only_max_epochs,
          .labels_only_patience = settings.labels_only_patience,
          .step_budget = settings.step_budget,
          .batch_size = settings.batch_size,
          .optimizer = settings.optimizer,
          .learning_rate = settings.learning_rate,
          .representation_reduction = settings.representation_reduction,
          .word_vectors = settings.word_vectors,
          .transfer_limit = settings.transfer_limit};
}

absl::StatusOr<std::string> RunStudentCell(const StudentCellOptions& options,
                                           const c10::Device& device) {
  RETURN_IF_ERROR(CheckScheduleNames(options.schedule, options.method));
  if (options.student == "naive-bayes") RETURN_IF_ERROR(CheckNaiveBayesMethod(options.method));
  if (!options.ensemble_weighting.empty() && options.ensemble_members.empty()) {
    return absl::InvalidArgumentError(
        "--ensemble_weighting needs --ensemble_members (the teachers averaged with --teacher)");
  }
  if (!options.deployment_precisions.empty() && !StudentHasRecurrence(options.student)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--deployment_precisions: the deployed path is the bilstm and rnn students'; --student=",
        options.student));
  }
  // Checked before any data or teacher work: what the peer cannot run.
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
  ASSIGN_OR_RETURN(LoadedTeacher teacher,
                   LoadBertTeacher(options.teacher, {.require_classifier = options.method != "none"}));
  ASSIGN_OR_RETURN(std::shared_ptr<const Corpus> shared_corpus,
                   ReadDatasetShared(options.dataset, {.path = options.path}));
  const Corpus& corpus = *shared_corpus;
  const auto num_classes = static_cast<int64_t>(corpus.label_names.size());
  if (options.method != "none") {
    RETURN_IF_ERROR(CheckTeacherLabels(teacher.model->config().labels, options.teacher,
                                       options.dataset, corpus.label_names));
  }
  ASSIGN_OR_RETURN(DataSplit split, MakeSplit(corpus, {.labels_per_class = options.labels_per_class,
                                                       .dev_per_class = options.dev_per_class,
                                                       .seed = options.seed}));
  // The student's input: the teacher's WordPieces, or for the "RNN"
  // baseline lower-cased whitespace words with a vocabulary from the
  // non-test text.
  BertTokenizer tokenizer(teacher.vocabulary);
  std::optional<Vocabulary> word_vocabulary;
  TextEncoder encode;
  int64_t student_vocab_size = tokenizer.vocabulary().size();
  int32_t pad = tokenizer.vocabulary().pad_id() >= 0 ? tokenizer.vocabulary().pad_id() : 0;
  if (StudentUsesWordTokens(options.student)) {
    WordVocabularyBuilder builder;
    for (const auto* part : {&split.train, &split.dev, &split.unlabeled}) {
      for (int64_t index : *part) builder.AddText(CorpusExample(corpus, index).text);
    }
    ASSIGN_OR_RETURN(Vocabulary words, builder.Build({}));
    word_vocabulary.emplace(std::move(words));
    encode = [&word_vocabulary](const std::string& text, size_t /*max_ids*/) {
      return EncodeWords(*word_vocabulary, text);
    };
    student_vocab_size = word_vocabulary->size();
    pad = 0;  // [PAD]
  } else {
    encode = [&tokenizer](const std::string& text, size_t max_ids) {
      return tokenizer.Encode(text, max_ids);
    };
  }
  // LibTorch seeds its default generator from /dev/urandom: without this the
  // student's initial weights would differ between runs of the same seed.
  torch::manual_seed(options.seed);
  ASSIGN_OR_RETURN(StudentPtr student, MakeStudent({.architecture = options.student,
                                                    .size = options.student_size,
                                                    .vocab_size = student_vocab_size,
                                                    .num_classes = num_classes,
                                                    .padding_idx = pad,
                                                    .recurrent_dropout = options.recurrent_dropout,
                                                    .head_width = options.shared_head
                                                                      ? teacher.model->config().hidden_size
                                                                      : 0,
                                                    // A transformer student reads what the
                                                    // teacher reads, head for head.
                                                    .attention_heads =
                                                        teacher.model->config().num_attention_heads,
                                                    .max_positions =
                                                        teacher.model->config().max_position_embeddings,
                                                    .cls_id = tokenizer.vocabulary().cls_id(),
                                                    .sep_id = tokenizer.vocabulary().sep_id()}));
  const Vocabulary& student_vocabulary =
      word_vocabulary.has_value() ? *word_vocabulary : tokenizer.vocabulary();
  nlohmann::json embedding_json = {{"init", "uniform(-0.1, 0.1)"}};
  if (!options.word_vectors.empty()) {
    WordVectors vectors;
    if (options.word_vectors == "fasttext") {
      // The student's own tokens of every non-test text, one line each.
      std::vector<std::string> documents;
      for (const auto* part : {&split.train, &split.dev, &split.unlabeled}) {
        for (int64_t index : *part) {
          std::string line;
          for (int32_t id : encode(CorpusExample(corpus, index).text, SIZE_MAX)) {
            if (!line.empty()) line += ' ';
            line += student_vocabulary.Token(id);
          }
          documents.push_back(std::move(line));
        }
      }
      ASSIGN_OR_RETURN(vectors,
                       TrainFastTextVectors(documents, {.dimension = student->EmbeddingWeight().size(1),
                                                        .seed = static_cast<int>(options.seed)}));
    } else {
      ASSIGN_OR_RETURN(vectors, ReadWordVectorsText(options.word_vectors));
    }
    ASSIGN_OR_RETURN(EmbeddingInitReport init,
                     InitializeEmbedding(student->EmbeddingWeight(), student_vocabulary, vectors));
    {
      torch::NoGradGuard no_grad;
      student->EmbeddingWeight()[pad].zero_();
    }
    embedding_json = {{"init", options.word_vectors}, {"rows_covered", init.covered},
                      {"rows", init.total}};
  }
  ScheduleOptions schedule_options{.alpha = options.alpha,
                                   .beta = options.beta,
                                   .gamma = options.gamma,
                                   .max_epochs = options.max_epochs,
                                   .patience = options.patience,
                                   .labels_only_max_epochs = options.labels_only_max_epochs,
                                   .labels_only_patience = options.labels_only_patience,
                                   .step_budget = options.step_budget};
  std::vector<LayerGroup> groups = student->LayerGroups();
  std::vector<std::string> group_names;
  for (auto group = groups.rbegin(); group != groups.rend(); ++group) {
    group_names.push_back(group->name);
  }
  if (options.unfreeze_order.empty()) {
    schedule_options.unfreeze_order = group_names;
  } else {
    // Every group exactly once, so the last phase trains the whole student.
    schedule_options.unfreeze_order = absl::StrSplit(options.unfreeze_order, ',');
    std::vector<std::string> sorted_given = schedule_options.unfreeze_order;
    std::vector<std::string> sorted_known = group_names;
    std::sort(sorted_given.begin(), sorted_given.end());
    std::sort(sorted_known.begin(), sorted_known.end());
    if (sorted_given != sorted_known) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--unfreeze_order=", options.unfreeze_order, ": must name each of the ",
          student->architecture(), " student's layer groups once: ",
          absl::StrJoin(group_names, ",")));
    }
  }
  ASSIGN_OR_RETURN(std::vector<TrainingPhase> phases,
                   MakeSchedule(options.schedule, options.method, schedule_options));

  EncodedExamples train =
      EncodeExamplesWith(corpus, split.train, encode, options.max_length);
  EncodedExamples dev =
      EncodeExamplesWith(corpus, split.dev, encode, options.max_length);
  StudentTrainingData data{.labeled = &train, .dev = &dev};
  TransferSet transfer, held_out;
  const BertParameterCounts teacher_parameters = CountClassifierParameters(*teacher.model);
  nlohmann::json teacher_json = {{"hash", teacher.checkpoint_hash},
                                 {"parameters", teacher_parameters.total},
                                 {"embedding_parameters", teacher_parameters.embedding}};
  // The other members of a teacher ensemble, checked before any work.
  std::vector<LoadedTeacher> others;
  std::optional<TeacherSpec> ensemble;
  if (!options.ensemble_members.empty() && options.method != "none") {
    std::vector<std::string> names = {options.teacher};
    names.insert(names.end(), options.ensemble_members.begin(), options.ensemble_members.end());
    ASSIGN_OR_RETURN(TeacherSpec spec, EnsembleSpec(names, options.ensemble_weighting));
    ensemble = spec;
    ASSIGN_OR_RETURN(DistillationMethod method, ParseDistillationMethod(options.method));
    for (const MethodLoss& loss : method.losses) {
      if (loss.loss == "L_RL") {
        return absl::InvalidArgumentError(absl::StrCat(
            "--method=", options.method, " needs L_RL, the teacher's representation, which a "
            "teacher ensemble does not have (its members' widths may differ); use a method "
            "on outputs (hard, soft, kl, ...)"));
      }
    }
    for (const std::string& member : options.ensemble_members) {
      ASSIGN_OR_RETURN(LoadedTeacher other, LoadBertTeacher(member, {.require_classifier = true}));
      if (other.model->config().labels != teacher.model->config().labels) {
        return absl::InvalidArgumentError(absl::StrCat(
            "teacher ensemble: ", member, " has labels [",
            absl::StrJoin(other.model->config().labels, ", "), "] but ", options.teacher,
            " has [", absl::StrJoin(teacher.model->config().labels, ", "), "]"));
      }
      others.push_back(std::move(other));
    }
  }
  if (options.method != "none") {
    // The transfer order and the held-out slice are fixed by the split seed.
    std::vector<int64_t> unlabeled =
        SelectTransferExamples(split.unlabeled, options.seed, options.transfer_limit);
    if (unlabeled.size() < 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dataset ", options.dataset, " at ", options.labels_per_class,
          " labels per class leaves ", unlabeled.size(),
          " unlabeled examples: distillation needs a transfer set"));
    }
    const auto held_out_count = std::clamp<int64_t>(
        static_cast<int64_t>(unlabeled.size()) / 10, 1, 2000);
    std::vector<std::string> texts;
    for (int64_t index : unlabeled) texts.push_back(CorpusExample(corpus, index).text);
    const std::vector<std::string> pool = TeacherOutputPool(corpus);
    ASSIGN_OR_RETURN(
        CachedTeacherRun run,
        TeacherOutputsThroughCache(
            teacher, pool, texts, options.teacher_max_length, options.cache_dir,
            options.batch_size, options.teacher_precision, device));
    std::vector<int64_t> held_out_indices(unlabeled.begin(),
                                          unlabeled.begin() + held_out_count);
    std::vector<int64_t> transfer_indices(unlabeled.begin() + held_out_count,
                                          unlabeled.end());
    held_out.examples = EncodeExamplesWith(corpus, held_out_indices, encode,
                                           options.max_length);
    transfer.examples = EncodeExamplesWith(corpus, transfer_indices, encode,
                                           options.max_length);
    const torch::Tensor held_out_rows = torch::arange(held_out_count);
    const torch::Tensor transfer_rows =
        torch::arange(held_out_count, static_cast<int64_t>(unlabeled.size()));
    held_out.targets = SliceTargets(run.outputs, held_out_rows, options);
    transfer.targets = SliceTargets(run.outputs, transfer_rows, options);
    teacher_json["cache"] = run.cache_directory;
    teacher_json["forward_passes"] = run.counters.computed;
    teacher_json["reused_from_cache"] = run.counters.reused;
    teacher_json["width"] = teacher.model->config().hidden_size;
    if (ensemble.has_value()) {
      // Each member's outputs through the cache, then one teacher of them.
      const bool log_odds = options.logit_target != LogitTarget::kLogits;
      std::vector<TeacherTargets> held_out_members = {held_out.targets};
      std::vector<TeacherTargets> transfer_members = {transfer.targets};
      nlohmann::json members = nlohmann::json::array({teacher_json});
      std::vector<std::string> hashes = {teacher.checkpoint_hash};
      for (size_t k = 0; k < others.size(); ++k) {
        ASSIGN_OR_RETURN(CachedTeacherRun other_run,
                         TeacherOutputsThroughCache(
                             others[k], pool, texts, options.teacher_max_length,
                             options.cache_dir, options.batch_size,
                             options.teacher_precision, device));
        held_out_members.push_back(
            SliceTargets(other_run.outputs, held_out_rows, options));
        transfer_members.push_back(
            SliceTargets(other_run.outputs, transfer_rows, options));
        const BertParameterCounts counts =
            CountClassifierParameters(*others[k].model);
        members.push_back({{"hash", others[k].checkpoint_hash},
                           {"checkpoint", options.ensemble_members[k]},
                           {"parameters", counts.total},
                           {"embedding_parameters", counts.embedding},
                           {"cache", other_run.cache_directory},
                           {"forward_passes", other_run.counters.computed},
                           {"reused_from_cache", other_run.counters.reused},
                           {"width", others[k].model->config().hidden_size}});
        hashes.push_back(others[k].checkpoint_hash);
        others[k].model = nullptr;
      }
      ASSIGN_OR_RETURN(held_out.targets, CombineTeachers(held_out_members, *ensemble, log_odds));
      ASSIGN_OR_RETURN(transfer.targets, CombineTeachers(transfer_members, *ensemble, log_odds));
      int64_t parameters = 0, embedding = 0, passes = 0, reused = 0;
      for (const nlohmann::json& member : members) {
        parameters += member["parameters"].get<int64_t>();
        embedding += member["embedding_parameters"].get<int64_t>();
        passes += member["forward_passes"].get<int64_t>();
        reused += member["reused_from_cache"].get<int64_t>();
      }
      hashes.push_back(options.ensemble_weighting);
      teacher_json = {{"hash", Sha256Hex(absl::StrJoin(hashes, ","))},
                      {"ensemble", options.ensemble_weighting.empty() ? "mean"
                                                                      : options.ensemble_weighting},
                      {"members", members},
                      {"parameters", parameters},
                      {"embedding_parameters", embedding},
                      {"cache", teacher_json["cache"]},
                      {"forward_passes", passes},
                      {"reused_from_cache", reused}};
    }
    data.transfer = &transfer;
    data.transfer_held_out = &held_out;
  }
  // An ensemble has no single representation (L_RL is refused above).
  const int64_t teacher_width =
      options.method == "none" || ensemble.has_value() ? 0 : teacher.model->config().hidden_size;
  // Feature losses (TinyBERT, MiniLM) match a transformer student's layers
  // with the teacher's, computed per batch on the student's own input; every
  // other student needs only the cached outputs from here on.
  TransformerShape teacher_transformer;
  if (student->transformer_shape().layers > 0 && data.transfer != nullptr &&
      !ensemble.has_value()) {
    teacher_transformer = ShapeOf(teacher.model->config());
    teacher.model->to(device);
    teacher.model->set_precision(options.teacher_precision);
    std::shared_ptr<BertTeacherImpl> layers_teacher = teacher.model.ptr();
    const Vocabulary& vocabulary = tokenizer.vocabulary();
    TeacherLayerSource source = [layers_teacher, &vocabulary, pad](const torch::Tensor& ids,
                                                                   const torch::Tensor& lengths) {
      return ComputeTeacherInternals(*layers_teacher, ids, lengths, vocabulary.cls_id(),
                                     vocabulary.sep_id(), pad);
    };
    transfer.teacher_layers = source;
    held_out.teacher_layers = source;
  }
  teacher.model = nullptr;
  StudentTrainingOptions training{
      .optimizer = options.optimizer,
      .learning_rate = options.learning_rate,
      .cosine_restarts = options.cosine_restarts,
      .batch_size = options.batch_size,
      .temperature = options.temperature,
      .representation_reduction = options.representation_reduction,
      .representation_without_projection = options.shared_head,
      .teacher_transformer = teacher_transformer,
      .seed = options.seed,
      .progress = options.progress};
  if (!options.export_dir.empty()) {
    // The peer's inputs instead of training; the suite's own run of this
    // cell reads the test split after selection as always.
    // A bilstm or rnn student (checked above) is a BiLstmStudentImpl.
    const auto* bilstm = dynamic_cast<const BiLstmStudentImpl*>(student.get());
    EncodedExamples test = EncodeExamplesWith(corpus, split.test, encode, options.max_length);
    RETURN_IF_ERROR(ExportCell(
        options.export_dir,
        {.train = &train,
         .dev = &dev,
         .test = &test,
         .transfer = data.transfer,
         .held_out = data.transfer_held_out,
         .student = bilstm,
         .phases = phases,
         .pad_id = pad,
         .teacher_width = teacher_width,
         .optimizer = options.optimizer,
         .learning_rate = options.learning_rate,
         .batch_size = options.batch_size,
         .seed = options.seed,
         .temperature = options.temperature,
         .representation_reduction = options.representation_reduction,
         .cell_name = absl::StrCat(options.dataset, "/", options.student, "/", options.method, "/",
                                   options.schedule, "/labels:", split.labels_per_class,
                                   "/seed:", options.seed)}));
    return nlohmann::json({{"exported", options.export_dir},
                           {"config_hash", Sha256Hex(ConfigJson(options).dump())}})
        .dump();
  }
  StudentTrainingReport report;
  if (auto* naive_bayes = dynamic_cast<NaiveBayesStudentImpl*>(student.get())) {
    ASSIGN_OR_RETURN(report, FitNaiveBayes(*naive_bayes, data, options.method, options.temperature,
                                           pad, options.batch_size, device));
  } else {
    ASSIGN_OR_RETURN(report,
                     TrainStudent(student, phases, data, teacher_width, pad, training, device));
  }
  // The test split is read once, after model selection.
  EncodedExamples test =
      EncodeExamplesWith(corpus, split.test, encode, options.max_length);
  ClassifierEvaluation evaluation =
      EvaluateStudent(*student, test, pad, options.batch_size, device);
  nlohmann::json deployment_json;
  if (!options.deployment_precisions.empty()) {
    ASSIGN_OR_RETURN(deployment_json, DeploymentJson(*student, test, evaluation.predicted,
                                                     options.deployment_precisions));
  }
  nlohmann::json phases_json = nlohmann::json::array();
  int64_t epochs = 0;
  for (const PhaseReport& phase : report.phases) {
    epochs += phase.epochs_run;
    phases_json.push_back({{"name", phase.name},
                           {"epochs_run", phase.epochs_run},
                           {"best_epoch", phase.best_epoch},
                           {"steps", phase.steps},
                           {"step_cap_reached", phase.step_cap_reached},
                           {"selection", phase.selected_on_transfer_loss
                                             ? "held-out transfer loss"
                                             : "dev accuracy"},
                           {"selection_per_epoch", phase.selection_value},
                           {"train_loss_per_epoch", phase.train_loss},
                           {"weighted_term_loss_per_epoch", phase.weighted_term_loss}});
  }
  const nlohmann::json config = ConfigJson(options);
  nlohmann::json result = {
      {"dataset", options.dataset},
      {"method", options.method},
      {"schedule", options.schedule},
      {"student", student->architecture()},
      {"student_size", options.student_size},
      {"labels_per_class", split.labels_per_class},
      {"seed", options.seed},
      {"dev_accuracy", report.dev_accuracy},
      {"test_accuracy", evaluation.accuracy},
      {"test_macro_f1", MacroF1(evaluation.predicted, test.labels, num_classes)},
      // Per test example, in the split's order (the same for every seed and
      // budget): McNemar tests and paired bootstraps rerun from the records.
      {"test_predictions", evaluation.predicted},
      {"test_labels", test.labels},
      {"train_examples", train.size()},
      {"dev_examples", dev.size()},
      {"test_examples", test.size()},
      {"transfer_examples", transfer.examples.size()},
      {"held_out_transfer_examples", held_out.examples.size()},
      {"epochs", epochs},
      {"phases", phases_json},
      {"embedding_parameters", student->EmbeddingParameterCount()},
      {"non_embedding_parameters", student->NonEmbeddingParameterCount()},
      {"train_examples_per_second", report.examples_per_second},
      {"padding_share", report.padding_share},
      {"seconds", report.seconds},
      {"teacher", teacher_json},
      {"embedding", embedding_json},
      {"config", config},
      {"provenance",
       {{"split_hash", split.split_hash},
        {"corpus_hash", split.corpus_hash},
        // The student's tokenizer: its vocabulary (WordPieces or words).
        {"tokenizer_hash", Sha256Hex(student_vocabulary.ToText())},
        {"teacher_hash", teacher_json["hash"]},
        {"cache_key", teacher_json.value("cache", "")},
        {"config_hash", Sha256Hex(config.dump())},
        {"git_revision", options.git_revision}}},
  };
  if (!deployment_json.is_null()) result["deployment"] = deployment_json;
  return result.dump();
}

}  // namespace kdbench
