#include "lib/experiment/grid_runner.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/data/dataset_registry.h"
#include "lib/data/splits.h"
#include "lib/distill/distillation_method.h"
#include "lib/distill/teacher_ensemble.h"
#include "lib/experiment/code_versions.h"
#include "lib/experiment/sealed_record.h"
#include "lib/experiment/student_cell.h"
#include "lib/experiment/student_cell_record.h"
#include "lib/experiment/teacher_stage_records.h"
#include "lib/experiment/teacher_stages.h"
#include "lib/models/mixed_precision.h"
#include "lib/models/student_registry.h"
#include "lib/util/atomic_file.h"
#include "lib/util/content_hash.h"
#include "lib/util/cpu_time.h"
#include "lib/util/directory_listing.h"
#include "lib/util/file_lock.h"
#include "lib/util/library_versions.h"
#include "lib/util/progress.h"
#include "lib/util/runtime_environment.h"
#include "lib/util/status_macros.h"
#include "lib/util/utc_time.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

// Bump when a change makes stored results of that kind stale.
constexpr char kPretrainDomain[] = "grid-pretrain/v1";
constexpr char kGeneralPretrainDomain[] = "grid-general-pretrain/v1";
constexpr char kFinetuneDomain[] = "grid-finetune/v1";
constexpr char kAssistantDomain[] = "grid-assistant/v1";
constexpr char kCellDomain[] = "grid-cell/v2";  // v2: fixed-shape teacher batches
constexpr char kRecordFormat[] = "kdbench-cell/1";

nlohmann::json TeacherSettingsJson(const ProfileSettings& s) {
  nlohmann::json json = {{"path", s.path},
                         {"teacher_size", s.teacher_size},
                         {"teacher_checkpoint", s.teacher_checkpoint},
                         {"teacher_vocab_size", s.teacher_vocab_size},
                         {"teacher_max_length", s.teacher_max_length},
                         {"teacher_batch_size", s.teacher_batch_size},
                         {"pretrain_epochs", s.pretrain_epochs},
                         {"pretrain_learning_rate", s.pretrain_learning_rate},
                         {"pretrain_labels", s.pretrain_labels}};
  // Settings added later appear only when set: older records keep their keys.
  if (!s.pretrain_corpus.empty()) json["pretrain_corpus"] = s.pretrain_corpus;
  if (s.in_domain_epochs > 0) json["in_domain_epochs"] = s.in_domain_epochs;
  if (s.dev_per_class > 0) json["dev_per_class"] = s.dev_per_class;
  if (s.teacher_precision != PrecisionSetting::kFloat32)
    json["teacher_precision"] = ChoiceName(PrecisionSettingNames(), s.teacher_precision);
  return json;
}

// What general pre-training reads: every dataset shares its checkpoint.
nlohmann::json GeneralPretrainJson(const ProfileSettings& s) {
  nlohmann::json json = {{"pretrain_corpus", s.pretrain_corpus},
                         {"teacher_size", s.teacher_size},
                         {"teacher_vocab_size", s.teacher_vocab_size},
                         {"teacher_max_length", s.teacher_max_length},
                         {"teacher_batch_size", s.teacher_batch_size},
                         {"pretrain_epochs", s.pretrain_epochs},
                         {"pretrain_learning_rate", s.pretrain_learning_rate}};
  if (s.teacher_precision != PrecisionSetting::kFloat32)
    json["teacher_precision"] = ChoiceName(PrecisionSettingNames(), s.teacher_precision);
  return json;
}

nlohmann::json SettingsJson(const ProfileSettings& s) {
  nlohmann::json json = TeacherSettingsJson(s);
  json.update({{"finetune_max_epochs", s.finetune_max_epochs},
               {"finetune_patience", s.finetune_patience},
               {"finetune_learning_rate", s.finetune_learning_rate},
               {"student_size", s.student_size},
               {"recurrent_dropout", s.recurrent_dropout},
               {"max_length", s.max_length},
               {"max_epochs", s.max_epochs},
               {"patience", s.patience},
               {"labels_only_max_epochs", s.labels_only_max_epochs},
               {"labels_only_patience", s.labels_only_patience},
               {"batch_size", s.batch_size},
               {"optimizer", ChoiceName(StudentOptimizerNames(), s.optimizer)},
               {"learning_rate", s.learning_rate},
               {"transfer_limit", s.transfer_limit},
               {"word_vectors", s.word_vectors}});
  if (s.step_budget > 0) json["step_budget"] = s.step_budget;
  if (s.student_precision != PrecisionSetting::kFloat32)
    json["student_precision"] = ChoiceName(PrecisionSettingNames(), s.student_precision);
  if (s.representation_reduction != FeatureReduction::kHalfSum) {
    json["representation_reduction"] =
        ChoiceName(FeatureReductionNames(), s.representation_reduction);
  }
  return json;
}

nlohmann::json CellJson(const GridCell& cell) {
  nlohmann::json json = {{"dataset", cell.dataset},   {"teacher", cell.teacher},
                         {"student", cell.student},   {"method", cell.method},
                         {"schedule", cell.schedule}, {"labels_per_class", cell.labels_per_class},
                         {"labels", LabelsName(cell.labels_per_class)},
                         {"seed", cell.seed}};
  // Only when a grid sets it: the keys of every other cell stay as they were.
  if (cell.transfer != kProfileTransfer) json["transfer"] = cell.transfer;
  return json;
}

nlohmann::json MachineJson(const c10::Device& device) {
  const RuntimeEnvironment environment = DetectRuntimeEnvironment();
  return {{"cpu", environment.cpu_model},
          {"cores", environment.cpu_cores},
          {"cpu_capability", environment.cpu_capability},
          {"threads", environment.threads},
          {"blas", BlasKindName(environment.blas.kind)},
          {"blas_details", environment.blas.details},
          {"torch", environment.torch_version},
          {"device", device.str()},
          {"cuda_devices", environment.cuda_device_count}};
}

// A directory artifact is finished when its record.json exists: it is
// written into a temporary directory that is then renamed into place. The
// record holds the SHA-256 of every other file (the checkpoints), checked
// once per process: a damaged checkpoint makes the artifact unfinished, so
// it is made again instead of failing every cell that loads it.
absl::StatusOr<std::string> FinishedArtifact(const std::string& directory) {
  static std::mutex mutex;
  static std::set<std::string> verified;
  const std::string record_path = directory + "/record.json";
  if (!std::filesystem::exists(record_path)) return absl::NotFoundError(record_path);
  ASSIGN_OR_RETURN(std::string sealed, ReadFileToString(record_path));
  ASSIGN_OR_RETURN(std::string record_text, UnsealRecord(sealed, record_path));
  std::error_code error;
  const auto stamp = std::filesystem::last_write_time(record_path, error);
  const std::string id = absl::StrCat(directory, "@", stamp.time_since_epoch().count());
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (verified.count(id) > 0) return record_text;
  }
  const nlohmann::json record = nlohmann::json::parse(record_text);
  if (record.contains("files") && record["files"].is_object()) {
    for (const auto& [name, digest] : record["files"].items()) {
      absl::StatusOr<std::string> actual = Sha256OfFile(directory + "/" + name);
      if (!actual.ok() || !digest.is_string() || *actual != digest.get<std::string>()) {
        return absl::DataLossError(absl::StrCat(directory, "/", name,
                                                ": missing or checksum mismatch (corrupt)"));
      }
    }
  }
  std::lock_guard<std::mutex> lock(mutex);
  verified.insert(id);
  return record_text;
}

template <typename Stage>
absl::StatusOr<std::string> MakeArtifact(const std::string& directory, const std::string& lock,
                                         bool wait, int64_t* made, Stage stage) {
  if (absl::StatusOr<std::string> done = FinishedArtifact(directory); done.ok()) return done;
  ASSIGN_OR_RETURN(std::unique_ptr<FileLock> held,
                   FileLock::Acquire(lock, LockMode::kExclusive, wait));
  // Another process may have made it while this one waited.
  if (absl::StatusOr<std::string> done = FinishedArtifact(directory); done.ok()) return done;
  std::error_code ignored;
  std::filesystem::remove_all(directory, ignored);  // an unfinished or corrupt leftover
  // Partial directories of killed writers: the lock says none is alive.
  const std::filesystem::path final_path(directory);
  for (const std::string& partial :
       SortedFilesEndingWith(final_path.parent_path().string(), "")) {
    if (absl::StartsWith(std::filesystem::path(partial).filename().string(),
                         final_path.filename().string() + ".partial-")) {
      std::filesystem::remove_all(partial, ignored);
    }
  }
  const std::string temporary = absl::StrCat(directory, ".partial-", ::getpid());
  const double cpu_start = ProcessCpuSeconds();
  ASSIGN_OR_RETURN(nlohmann::json record, stage(temporary));
  // The stage names the directory it wrote; the record names the final one.
  // Beside the stage's wall "seconds": unaffected by a stopped process or a
  // busy machine.
  record["cpu_seconds"] = ProcessCpuSeconds() - cpu_start;
  if (record.contains("checkpoint")) record["checkpoint"] = directory;
  for (const std::string& file : SortedFilesEndingWith(temporary, "")) {
    if (!std::filesystem::is_regular_file(file)) continue;
    ASSIGN_OR_RETURN(std::string digest, Sha256OfFile(file));
    record["files"][std::filesystem::path(file).filename().string()] = digest;
  }
  RETURN_IF_ERROR(WriteFileAtomically(temporary + "/record.json", SealRecord(record.dump())));
  std::error_code error;
  std::filesystem::rename(temporary, directory, error);
  if (error) {
    // Only a writer that ignored the lock (a stray process of an earlier
    // run) can have put it there; a finished one is as good as ours.
    std::filesystem::remove_all(temporary, ignored);
    if (absl::StatusOr<std::string> done = FinishedArtifact(directory); done.ok()) return done;
    return absl::InternalError(absl::StrCat("cannot move ", temporary, " to ", directory, ": ",
                                            error.message()));
  }
  ++*made;
  return record.dump();
}

}  // namespace

namespace {

// A cell's teacher, parsed. Grid cells are checked when their grid expands
// (ExpandGrid), so a parse failure here is a cell built by other code: it
// stands for its text as one role, and the stages then fail naming it.
CellTeacher TeacherOf(const GridCell& cell) {
  absl::StatusOr<CellTeacher> teacher = ParseCellTeacher(cell.teacher);
  if (teacher.ok()) return *std::move(teacher);
  return CellTeacher{.roles = {cell.teacher}};
}

// The single teachers a cell's teacher stands for: itself, or the members of
// an ensemble, each as a cell of its own role.
std::vector<GridCell> MemberCells(const GridCell& cell, const CellTeacher& teacher) {
  if (teacher.kind != CellTeacher::Kind::kEnsemble) return {cell};
  std::vector<GridCell> members;
  for (const std::string& role : teacher.roles) {
    GridCell member = cell;
    member.teacher = role;
    members.push_back(std::move(member));
  }
  return members;
}

// The role whose profile settings a cell's student and teacher stages use.
std::string SettingsRole(const GridCell& cell) { return TeacherOf(cell).settings_role(); }

// The cell with another teacher role.
GridCell WithTeacher(const GridCell& cell, const std::string& role) {
  GridCell other = cell;
  other.teacher = role;
  return other;
}

// The version of the code that computes a cell: a teacher's row needs the
// teacher code only (its outputs over the transfer set included).
std::string CellCode(const GridCell& cell) {
  return cell.is_teacher() ? TeacherCodeVersion() : CellCodeVersion(cell.student);
}

}  // namespace

struct GridRunner::TeacherPaths {
  // General pre-training (pretrain_corpus set): the checkpoint every
  // dataset shares; pretrain_* is then this one or its in-domain sequel.
  std::string general_key, general_dir, general_record = "null";
  std::string pretrain_key, pretrain_dir, pretrain_record = "null";
  std::string finetune_key, finetune_dir, finetune_record = "null";
  uint64_t finetune_seed = 1;
  // A chain's assistant: the teacher it is distilled from (fine-tuned dir).
  std::string distill_from;
};

// A chain's assistant learns the teacher's KL at this temperature and weight.
constexpr double kAssistantTemperature = 2;
constexpr double kAssistantWeight = 1;

GridRunner::GridRunner(const GridProfile* profile, GridRunnerOptions options, c10::Device device)
    : profile_(profile), options_(std::move(options)), device_(device) {}
GridRunner::~GridRunner() = default;

CellPlan GridRunner::PlanOf(const GridCell& cell) const {
  CellPlan plan{.cell = cell, .teacher = TeacherOf(cell)};
  plan.members = MemberCells(cell, plan.teacher);
  plan.settings = Settings(cell.dataset, plan.teacher.settings_role());
  // The cell's own transfer-set size where its grid sets one; recurrent
  // dropout only where the student has recurrence, so the other students'
  // keys do not change with it.
  if (cell.transfer != kProfileTransfer) plan.settings.transfer_limit = cell.transfer;
  plan.settings.recurrent_dropout = RecurrentDropoutFor(plan.settings, cell.student);
  // The student's precision only where a student trains by gradient: a
  // teacher cell or a closed-form fit computes the same in either.
  plan.settings.student_precision = cell.is_teacher()
                                        ? PrecisionSetting::kFloat32
                                        : StudentPrecisionFor(plan.settings, cell.student);
  plan.teacher_precision = ResolvePrecisionSetting(plan.settings.teacher_precision, device_);
  const uint64_t teacher_seed = profile_->teacher_per_seed() ? cell.seed : 1;
  ContentHasher hasher(kCellDomain);
  hasher.Add("cell", CellJson(cell).dump())
      .Add("settings", SettingsJson(plan.settings).dump())
      .Add("teacher_seed", static_cast<int64_t>(teacher_seed));
  // The code that computes the cell, its teachers' included: a record from
  // other code is never reused.
  hasher.Add("code", CellCode(cell));
  if (plan.members.size() > 1) {
    nlohmann::json member_settings = nlohmann::json::array();
    for (const GridCell& member : plan.members) {
      member_settings.push_back(SettingsJson(Settings(cell.dataset, member.teacher)));
    }
    hasher.Add("ensemble_settings", member_settings.dump());
  }
  plan.key = hasher.HexDigest();
  return plan;
}

absl::StatusOr<CellPlan> GridRunner::Plan(const GridCell& cell) const {
  CellPlan plan = PlanOf(cell);
  RETURN_IF_ERROR(CheckTeacherPrecisions(plan));
  return plan;
}

absl::Status GridRunner::CheckTeacherPrecisions(const CellPlan& plan) const {
  const GridCell& cell = plan.cell;
  // An ensemble's members, and a chain's teacher whose outputs its assistant
  // learns, are read in one precision: their roles must agree on it.
  for (const std::string& role : plan.teacher.roles) {
    const PrecisionSetting precision = Settings(cell.dataset, role).teacher_precision;
    if (precision != plan.settings.teacher_precision) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cell ", cell.Name(), ": teacher role '", role, "' has teacher_precision ",
          ChoiceName(PrecisionSettingNames(), precision), " but '", plan.teacher.settings_role(),
          "' has ", ChoiceName(PrecisionSettingNames(), plan.settings.teacher_precision),
          "; the teachers of one cell must share it (profile setting teacher_precision)"));
    }
  }
  return absl::OkStatus();
}

std::string GridRunner::CellKey(const GridCell& cell) const { return PlanOf(cell).key; }

ProfileSettings GridRunner::Settings(const std::string& dataset,
                                     const std::string& role) const {
  ProfileSettings settings = profile_->Resolve(dataset, role);
  // "auto" is decided for this machine and device: keys and records hold
  // what was computed.
  for (PrecisionSetting* setting : {&settings.teacher_precision, &settings.student_precision}) {
    *setting = ResolvePrecisionSetting(*setting, device_) == TrainingPrecision::kBFloat16
                   ? PrecisionSetting::kBFloat16
                   : PrecisionSetting::kFloat32;
  }
  return settings;
}

std::string GridRunner::CellPath(const GridCell& cell) const { return RecordPath(CellKey(cell)); }

std::string GridRunner::RecordPath(const std::string& key) const {
  return absl::StrCat(options_.results_dir, "/cells/", key, ".json");
}

absl::StatusOr<std::string> GridRunner::FinishedCell(const GridCell& cell) const {
  return FinishedRecord(CellPath(cell));
}

absl::StatusOr<std::string> GridRunner::FinishedRecord(const std::string& path) const {
  if (!std::filesystem::exists(path)) return absl::NotFoundError(path);
  ASSIGN_OR_RETURN(std::string sealed, ReadFileToString(path));
  return UnsealRecord(sealed, path);
}

GridRunner::TeacherPaths GridRunner::LocateTeachers(const GridCell& cell) const {
  if (const CellTeacher chain = TeacherOf(cell); chain.kind == CellTeacher::Kind::kChain) {
    // The assistant's own pre-training; its fine-tuning learns the teacher too.
    TeacherPaths paths = LocateTeachers(WithTeacher(cell, chain.settings_role()));
    if (cell.method == "none") return paths;
    const TeacherPaths teacher =
        LocateTeachers(WithTeacher(cell, chain.roles[0]));
    const ProfileSettings s = Settings(cell.dataset, chain.settings_role());
    paths.finetune_key = ContentHasher(kAssistantDomain)
                             .Add("finetune", paths.finetune_key)
                             .Add("teacher", teacher.finetune_key)
                             .Add("transfer_limit", s.transfer_limit)
                             .Add("teacher_max_length", s.teacher_max_length)
                             .Add("temperature", kAssistantTemperature)
                             .Add("weight", kAssistantWeight)
                             .HexDigest();
    paths.finetune_dir = absl::StrCat(
        options_.store_dir, "/teachers/assistant-", cell.dataset, "-", chain.roles[0], "-to-",
        chain.settings_role(), "-l", LabelsName(cell.labels_per_class), "-s", paths.finetune_seed,
        "-", paths.finetune_key.substr(0, 16));
    paths.distill_from = teacher.finetune_dir;
    return paths;
  }
  const ProfileSettings s = Settings(cell.dataset, cell.teacher);
  TeacherPaths paths;
  const std::string teachers = options_.store_dir + "/teachers";
  // The encoder in-domain MLM starts from: general pre-training (made once
  // per recipe) or a given checkpoint (not made).
  if (!s.teacher_checkpoint.empty()) {
    if (s.in_domain_epochs > 0) paths.general_dir = s.teacher_checkpoint;
  } else if (!s.pretrain_corpus.empty()) {
    paths.general_key = ContentHasher(kGeneralPretrainDomain)
                            .Add("settings", GeneralPretrainJson(s).dump())
                            .Add("code", TeacherCodeVersion())
                            .HexDigest();
    paths.general_dir = absl::StrCat(teachers, "/general-", s.teacher_size, "-",
                                     paths.general_key.substr(0, 16));
  }
  if (!paths.general_key.empty() && s.in_domain_epochs == 0) {
    paths.pretrain_key = paths.general_key;
    paths.pretrain_dir = paths.general_dir;
  } else {
    paths.pretrain_key = ContentHasher(kPretrainDomain)
                             .Add("dataset", cell.dataset)
                             .Add("role", cell.teacher)
                             .Add("settings", TeacherSettingsJson(s).dump())
                             .Add("code", TeacherCodeVersion())
                             .HexDigest();
    // A given encoder (teacher_checkpoint) has nothing to pre-train unless
    // in-domain MLM continues it.
    paths.pretrain_dir = !s.teacher_checkpoint.empty() && s.in_domain_epochs == 0
                             ? s.teacher_checkpoint
                             : absl::StrCat(teachers, "/pretrain-", cell.dataset, "-",
                                            cell.teacher, "-", paths.pretrain_key.substr(0, 16));
  }
  if (cell.method == "none") return paths;  // the student needs only the vocabulary
  paths.finetune_seed = profile_->teacher_per_seed() ? cell.seed : 1;
  ContentHasher finetune_key = ContentHasher(kFinetuneDomain);
  finetune_key.Add("pretrain", paths.pretrain_key)
      .Add("labels", cell.labels_per_class)
      .Add("seed", static_cast<int64_t>(paths.finetune_seed))
      .Add("max_epochs", s.finetune_max_epochs)
      .Add("patience", s.finetune_patience)
      .Add("learning_rate", s.finetune_learning_rate);
  // Only a precision other than float32 joins the key: float32 keys stay
  // as they were before precisions existed.
  if (s.teacher_precision != PrecisionSetting::kFloat32)
    finetune_key.Add("precision", ChoiceName(PrecisionSettingNames(), s.teacher_precision));
  paths.finetune_key = finetune_key.HexDigest();
  paths.finetune_dir =
      absl::StrCat(teachers, "/finetune-", cell.dataset, "-", cell.teacher, "-l",
                   LabelsName(cell.labels_per_class), "-s", paths.finetune_seed, "-",
                   paths.finetune_key.substr(0, 16));
  return paths;
}

bool GridRunner::TeacherReady(const GridCell& cell) {
  absl::StatusOr<std::string> unavailable = Budget(cell);
  if (unavailable.ok() && !unavailable->empty()) return true;
  for (const GridCell& member : MemberCells(cell, TeacherOf(cell))) {
    const TeacherPaths paths = LocateTeachers(member);
    const bool pretrained =
        paths.pretrain_dir ==
            Settings(member.dataset, SettingsRole(member)).teacher_checkpoint ||
        FinishedArtifact(paths.pretrain_dir).ok();
    if (!pretrained || (!paths.finetune_dir.empty() && !FinishedArtifact(paths.finetune_dir).ok())) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<GridRunner::TeacherPaths> GridRunner::Teachers(const GridCell& cell, bool wait) {
  const std::string role = SettingsRole(cell);
  const ProfileSettings s = Settings(cell.dataset, role);
  TeacherPaths paths = LocateTeachers(cell);
  // A chain's teacher first: the assistant learns from it. (Once the
  // assistant is made, the teacher is not needed again.)
  if (!paths.distill_from.empty() && !FinishedArtifact(paths.finetune_dir).ok()) {
    // distill_from is set for chains only: roles[0] is the teacher.
    RETURN_IF_ERROR(Teachers(WithTeacher(cell, TeacherOf(cell).roles[0]), wait).status());
  }
  const std::string locks = options_.store_dir + "/locks/";
  if (!paths.general_key.empty()) {
    ASSIGN_OR_RETURN(
        paths.general_record,
        MakeArtifact(
            paths.general_dir, locks + paths.general_key + ".lock", wait,
            &made_teachers_, [&](const std::string& out) -> absl::StatusOr<nlohmann::json> {
              PretrainStageOptions pretrain{
                  .data = {.max_length = s.teacher_max_length},
                  .general_corpus = s.pretrain_corpus,
                  .size = s.teacher_size,
                  .vocab_size = static_cast<int>(s.teacher_vocab_size),
                  .epochs = s.pretrain_epochs,
                  .batch_size = s.teacher_batch_size,
                  .learning_rate = s.pretrain_learning_rate,
                  .precision = ResolvePrecisionSetting(s.teacher_precision, device_),
                  .out = out};
              std::fprintf(
                  stderr,
                  "kdbench: general pre-training of the %s teacher on %s\n",
                  s.teacher_size.c_str(),
                  absl::StrJoin(s.pretrain_corpus, "+").c_str());
              return StageRecordJson(RunPretrainStage(pretrain, device_), PretrainResultJson);
            }));
  }
  if (paths.pretrain_dir == paths.general_dir) {
    paths.pretrain_record = paths.general_record;
  } else if (paths.pretrain_dir != s.teacher_checkpoint) {
    ASSIGN_OR_RETURN(
        paths.pretrain_record,
        MakeArtifact(
            paths.pretrain_dir, locks + paths.pretrain_key + ".lock", wait,
            &made_teachers_, [&](const std::string& out) -> absl::StatusOr<nlohmann::json> {
              PretrainStageOptions pretrain{
                  .data = {.dataset = cell.dataset,
                           .path = s.path,
                           .labels_per_class = s.pretrain_labels,
                           .dev_per_class = s.dev_per_class,
                           .seed = 1,
                           .max_length = s.teacher_max_length},
                  .init_checkpoint = paths.general_dir,
                  .size = s.teacher_size,
                  .vocab_size = static_cast<int>(s.teacher_vocab_size),
                  .epochs = paths.general_dir.empty() ? s.pretrain_epochs
                                                      : s.in_domain_epochs,
                  .batch_size = s.teacher_batch_size,
                  .learning_rate = s.pretrain_learning_rate,
                  .precision = ResolvePrecisionSetting(s.teacher_precision, device_),
                  .out = out};
              std::fprintf(stderr,
                           "kdbench: %s pre-training of the %s teacher on %s\n",
                           paths.general_dir.empty() ? "MLM" : "in-domain MLM",
                           role.c_str(), cell.dataset.c_str());
              return StageRecordJson(RunPretrainStage(pretrain, device_), PretrainResultJson);
            }));
  }
  if (paths.finetune_dir.empty()) return paths;
  ASSIGN_OR_RETURN(
      paths.finetune_record,
      MakeArtifact(
          paths.finetune_dir, locks + paths.finetune_key + ".lock", wait,
          &made_teachers_, [&](const std::string& out) -> absl::StatusOr<nlohmann::json> {
            FinetuneStageOptions finetune{
                .data = {.dataset = cell.dataset,
                         .path = s.path,
                         .labels_per_class = cell.labels_per_class,
                         .dev_per_class = s.dev_per_class,
                         .seed = paths.finetune_seed,
                         .max_length = s.teacher_max_length},
                .checkpoint = paths.pretrain_dir,
                .max_epochs = s.finetune_max_epochs,
                .patience = s.finetune_patience,
                .batch_size = s.teacher_batch_size,
                .learning_rate = s.finetune_learning_rate,
                .precision = ResolvePrecisionSetting(s.teacher_precision, device_),
                .out = out};
            if (!paths.distill_from.empty()) {
              finetune.distill_from = paths.distill_from;
              finetune.cache_dir = options_.store_dir + "/teacher-outputs";
              finetune.transfer_limit = s.transfer_limit;
              finetune.temperature = kAssistantTemperature;
              finetune.distill_weight = kAssistantWeight;
            }
            std::fprintf(
                stderr,
                "kdbench: fine-tuning the %s teacher%s on %s, %s labels per "
                "class, seed %llu\n",
                role.c_str(),
                paths.distill_from.empty()
                    ? ""
                    : (" (assistant of " + cell.teacher + ")").c_str(),
                cell.dataset.c_str(), LabelsName(cell.labels_per_class).c_str(),
                static_cast<unsigned long long>(paths.finetune_seed));
            return StageRecordJson(RunFinetuneStage(finetune, device_), FinetuneResultJson);
          }));
  return paths;
}

absl::Status GridRunner::PrepareTeacher(const GridCell& cell, bool wait) {
  ASSIGN_OR_RETURN(std::string reason, Budget(cell));
  if (!reason.empty()) return absl::OkStatus();
  for (const GridCell& member : MemberCells(cell, TeacherOf(cell))) {
    RETURN_IF_ERROR(Teachers(member, wait).status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> GridRunner::Budget(const GridCell& cell) {
  if (cell.labels_per_class == 0) return std::string();
  const std::string id = absl::StrCat(cell.dataset, "/", cell.labels_per_class);
  if (auto known = budget_errors_.find(id); known != budget_errors_.end())
    return known->second;
  const ProfileSettings s = Settings(cell.dataset, cell.teacher);
  ASSIGN_OR_RETURN(std::shared_ptr<const Corpus> corpus,
                   ReadDatasetShared(cell.dataset, {.path = s.path}));
  absl::StatusOr<DataSplit> split =
      MakeSplit(*corpus, {.labels_per_class = cell.labels_per_class,
                          .dev_per_class = s.dev_per_class,
                          .seed = cell.seed});
  // The only way a readable corpus fails to split is a budget it cannot give.
  std::string reason = split.ok() ? "" : std::string(split.status().message());
  budget_errors_[id] = reason;
  return reason;
}

absl::StatusOr<std::string> GridRunner::RunCell(const GridCell& cell, bool wait) {
  const CellPlan plan = PlanOf(cell);
  const std::string path = RecordPath(plan.key);
  if (absl::StatusOr<std::string> done = FinishedRecord(path); done.ok()) return done;
  ASSIGN_OR_RETURN(std::unique_ptr<FileLock> held,
                   FileLock::Acquire(options_.store_dir + "/locks/" + plan.key + ".lock",
                                     LockMode::kExclusive, wait));
  if (absl::StatusOr<std::string> done = FinishedRecord(path); done.ok()) return done;
  RETURN_IF_ERROR(CheckTeacherPrecisions(plan));

  const auto start = std::chrono::steady_clock::now();
  const ProfileSettings& s = plan.settings;
  nlohmann::json record = {{"format", kRecordFormat},
                           {"key", plan.key},
                           {"profile", profile_->name()},
                           {"cell", CellJson(cell)},
                           {"name", cell.Name()},
                           {"kind", cell.is_teacher() ? "teacher" : "student"},
                           {"settings", SettingsJson(s)},
                           {"teacher_per_seed", profile_->teacher_per_seed()}};
  ASSIGN_OR_RETURN(std::string unavailable, Budget(cell));
  if (!unavailable.empty()) {
    record["status"] = "not_available";
    record["reason"] = unavailable;
  } else {
    std::vector<TeacherPaths> member_teachers;
    for (const GridCell& member : plan.members) {
      ASSIGN_OR_RETURN(TeacherPaths paths, Teachers(member, wait));
      member_teachers.push_back(std::move(paths));
    }
    const TeacherPaths& teacher = member_teachers[0];
    if (options_.progress) std::fprintf(stderr, "kdbench: cell %s\n", cell.Name().c_str());
    const auto cell_start = std::chrono::steady_clock::now();
    const double cell_cpu_start = ProcessCpuSeconds();
    nlohmann::json result;
    const std::string cache_dir = options_.store_dir + "/teacher-outputs";
    if (cell.is_teacher()) {
      ASSIGN_OR_RETURN(const TeacherOutputsResult outputs,
                       RunTeacherOutputsStage(
                           {.data = {.dataset = cell.dataset,
                                     .path = s.path,
                                     .labels_per_class = cell.labels_per_class,
                                     .seed = cell.seed,
                                     .max_length = s.teacher_max_length},
                            .checkpoint = teacher.finetune_dir,
                            .cache_dir = cache_dir,
                            .batch_size = s.batch_size,
                            .transfer_limit = s.transfer_limit,
                            .precision = plan.teacher_precision},
                           device_));
      result = TeacherOutputsResultJson(outputs);
    } else {
      StudentCellOptions student =
          StudentCellOptionsFromProfile(s, cell.student, device_);
      student.teacher_precision = plan.teacher_precision;
      student.dataset = cell.dataset;
      student.teacher = cell.method == "none" ? teacher.pretrain_dir : teacher.finetune_dir;
      student.method = cell.method;
      student.schedule = cell.schedule;
      student.labels_per_class = cell.labels_per_class;
      student.seed = cell.seed;
      student.cache_dir = cache_dir;
      student.git_revision = options_.git_revision;
      student.progress = options_.progress;
      if (plan.members.size() > 1 && cell.method != "none") {
        for (size_t k = 1; k < member_teachers.size(); ++k) {
          student.ensemble_members.push_back(member_teachers[k].finetune_dir);
        }
        student.ensemble_weighting = plan.teacher.weighting;
      }
      ASSIGN_OR_RETURN(const StudentCellResult trained, RunStudentCell(student, device_));
      result = StudentCellResultJson(trained);
    }
    record["status"] = "ok";
    record["result"] = std::move(result);
    record["cell_seconds"] = SecondsSince(cell_start);
    record["cell_cpu_seconds"] = ProcessCpuSeconds() - cell_cpu_start;
    auto teacher_json = [](const TeacherPaths& paths) {
      nlohmann::json json{{"pretrain_key", paths.pretrain_key},
                            {"pretrain_checkpoint", paths.pretrain_dir},
                            {"pretrain", nlohmann::json::parse(paths.pretrain_record)},
                            {"finetune_key", paths.finetune_key},
                            {"finetune_seed", paths.finetune_seed},
                            {"finetune", nlohmann::json::parse(paths.finetune_record)},
                            {"code_version", TeacherCodeVersion()}};
      if (!paths.general_key.empty()) {
        json["general_pretrain_key"] = paths.general_key;
        json["general_pretrain_checkpoint"] = paths.general_dir;
        json["general_pretrain"] = nlohmann::json::parse(paths.general_record);
      }
      return json;
    };
    record["teacher"] = teacher_json(teacher);
    if (plan.members.size() > 1) {
      // The first member's fields stay at the top (its vocabulary is the
      // student's); every member is listed.
      record["teacher"]["ensemble"] = cell.teacher;
      record["teacher"]["members"] = nlohmann::json::array();
      for (const TeacherPaths& paths : member_teachers) {
        record["teacher"]["members"].push_back(teacher_json(paths));
      }
    }
  }
  record["seconds"] = SecondsSince(start);
  record["machine"] = MachineJson(device_);
  record["libraries"] = LibraryVersions();
  record["git_revision"] = options_.git_revision;
  record["code_version"] = CellCode(cell);
  record["finished_at"] = UtcNow();
  RETURN_IF_ERROR(WriteFileAtomically(path, SealRecord(record.dump())));
  ++computed_cells_;
  return record.dump();
}

}  // namespace kdbench
