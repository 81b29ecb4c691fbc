#include "lib/experiment/grid_profile.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/data/dataset_manifest.h"
#include "lib/distill/student_training.h"
#include "lib/experiment/grid_spec.h"
#include "lib/models/bert_config.h"
#include "lib/models/mixed_precision.h"
#include "lib/models/student_registry.h"
#include "lib/util/atomic_file.h"
#include "lib/util/status_macros.h"
#include "lib/util/toml_fields.h"

namespace kdbench {
namespace {

using Setter = std::function<absl::Status(const toml::node&, const std::string& source,
                                          const std::string& key, ProfileSettings*)>;

Setter StringSetter(std::string ProfileSettings::*field) {
  return [field](const toml::node& node, const std::string& source, const std::string& key,
                 ProfileSettings* settings) -> absl::Status {
    ASSIGN_OR_RETURN(settings->*field, TomlString(node, source, key));
    return absl::OkStatus();
  };
}

Setter IntegerSetter(int64_t ProfileSettings::*field, int64_t minimum) {
  return [field, minimum](const toml::node& node, const std::string& source,
                          const std::string& key, ProfileSettings* settings) -> absl::Status {
    ASSIGN_OR_RETURN(int64_t value, TomlInteger(node, source, key));
    if (value < minimum) {
      return absl::InvalidArgumentError(absl::StrCat(TomlWhere(source, node), ": '", key,
                                                     "' must be at least ", minimum));
    }
    settings->*field = value;
    return absl::OkStatus();
  };
}

// A float in [0, below): below = 0 means no upper bound.
Setter FloatSetter(double ProfileSettings::*field, double below = 0) {
  return [field, below](const toml::node& node, const std::string& source,
                        const std::string& key, ProfileSettings* settings) -> absl::Status {
    ASSIGN_OR_RETURN(double value, TomlFloat(node, source, key));
    if (value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(TomlWhere(source, node), ": '", key, "' must not be negative"));
    }
    if (below > 0 && value >= below) {
      return absl::InvalidArgumentError(
          absl::StrCat(TomlWhere(source, node), ": '", key, "' must be below ", below));
    }
    settings->*field = value;
    return absl::OkStatus();
  };
}

Setter DatasetListSetter(std::vector<std::string> ProfileSettings::*field) {
  return [field](const toml::node& node, const std::string& source, const std::string& key,
                 ProfileSettings* settings) -> absl::Status {
    ASSIGN_OR_RETURN(settings->*field, TomlStrings(node, source, key, DatasetNames()));
    return absl::OkStatus();
  };
}

Setter ChoiceSetter(std::string ProfileSettings::*field, std::vector<std::string> choices) {
  return [field, choices](const toml::node& node, const std::string& source,
                          const std::string& key, ProfileSettings* settings) -> absl::Status {
    ASSIGN_OR_RETURN(std::string value, TomlString(node, source, key));
    if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
      return absl::InvalidArgumentError(absl::StrCat(TomlWhere(source, node), ": '", key,
                                                     "' must be one of: ",
                                                     absl::StrJoin(choices, ", ")));
    }
    settings->*field = value;
    return absl::OkStatus();
  };
}

// An enum setting by name (named_choices.h).
template <typename Choice>
Setter NamedChoiceSetter(Choice ProfileSettings::*field, const NamedChoices<Choice>& choices) {
  return [field, &choices](const toml::node& node, const std::string& source,
                           const std::string& key, ProfileSettings* settings) -> absl::Status {
    ASSIGN_OR_RETURN(std::string value, TomlString(node, source, key));
    for (const auto& [choice, name] : choices) {
      if (name != value) continue;
      settings->*field = choice;
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(absl::StrCat(TomlWhere(source, node), ": '", key,
                                                   "' must be one of: ",
                                                   absl::StrJoin(ChoiceNames(choices), ", ")));
  };
}

const std::map<std::string, Setter>& Setters() {
  static const auto* setters = new std::map<std::string, Setter>{
      {"path", StringSetter(&ProfileSettings::path)},
      {"teacher_size", ChoiceSetter(&ProfileSettings::teacher_size, KnownTeacherSizes())},
      {"teacher_checkpoint", StringSetter(&ProfileSettings::teacher_checkpoint)},
      {"teacher_vocab_size", IntegerSetter(&ProfileSettings::teacher_vocab_size, 100)},
      {"teacher_max_length", IntegerSetter(&ProfileSettings::teacher_max_length, 8)},
      {"teacher_batch_size", IntegerSetter(&ProfileSettings::teacher_batch_size, 1)},
      {"pretrain_epochs", IntegerSetter(&ProfileSettings::pretrain_epochs, 1)},
      {"pretrain_learning_rate", FloatSetter(&ProfileSettings::pretrain_learning_rate)},
      {"pretrain_labels", IntegerSetter(&ProfileSettings::pretrain_labels, 0)},
      {"pretrain_corpus", DatasetListSetter(&ProfileSettings::pretrain_corpus)},
      {"in_domain_epochs", IntegerSetter(&ProfileSettings::in_domain_epochs, 0)},
      {"dev_per_class", IntegerSetter(&ProfileSettings::dev_per_class, 0)},
      {"representation_reduction",
       NamedChoiceSetter(&ProfileSettings::representation_reduction, FeatureReductionNames())},
      {"teacher_precision",
       NamedChoiceSetter(&ProfileSettings::teacher_precision, PrecisionSettingNames())},
      {"student_precision",
       NamedChoiceSetter(&ProfileSettings::student_precision, PrecisionSettingNames())},
      {"finetune_max_epochs",
       IntegerSetter(&ProfileSettings::finetune_max_epochs, 1)},
      {"finetune_patience",
       IntegerSetter(&ProfileSettings::finetune_patience, 1)},
      {"finetune_learning_rate",
       FloatSetter(&ProfileSettings::finetune_learning_rate)},
      {"student_size",
       ChoiceSetter(&ProfileSettings::student_size, KnownStudentSizes())},
      {"recurrent_dropout",
       FloatSetter(&ProfileSettings::recurrent_dropout, /*below=*/1)},
      {"max_length", IntegerSetter(&ProfileSettings::max_length, 4)},
      {"max_epochs", IntegerSetter(&ProfileSettings::max_epochs, 1)},
      {"patience", IntegerSetter(&ProfileSettings::patience, 1)},
      {"labels_only_max_epochs", IntegerSetter(&ProfileSettings::labels_only_max_epochs, 1)},
      {"labels_only_patience", IntegerSetter(&ProfileSettings::labels_only_patience, 1)},
      {"batch_size", IntegerSetter(&ProfileSettings::batch_size, 1)},
      {"step_budget", IntegerSetter(&ProfileSettings::step_budget, 0)},
      {"optimizer", NamedChoiceSetter(&ProfileSettings::optimizer, StudentOptimizerNames())},
      {"learning_rate", FloatSetter(&ProfileSettings::learning_rate)},
      {"transfer_limit", IntegerSetter(&ProfileSettings::transfer_limit, 0)},
      {"word_vectors", StringSetter(&ProfileSettings::word_vectors)},
  };
  return *setters;
}

std::vector<std::string> SettingKeys() {
  std::vector<std::string> keys;
  for (const auto& [key, setter] : Setters()) keys.push_back(key);
  return keys;
}

}  // namespace

// One table of settings and where it applies ("" = everywhere).
struct GridProfile::Layers {
  struct Scope {
    std::string dataset, role, source;
    const toml::table* table = nullptr;
    // 0 global, 1 size role, 2 derived role, 3 dataset, 4 dataset + size
    // role, 5 dataset + derived role.
    int rank = 0;
  };
  std::vector<std::unique_ptr<toml::table>> roots;
  std::vector<Scope> scopes;
};

GridProfile::GridProfile() : layers_(std::make_unique<Layers>()) {}
GridProfile::~GridProfile() = default;
GridProfile::GridProfile(GridProfile&&) = default;
GridProfile& GridProfile::operator=(GridProfile&&) = default;

namespace {

// Checks a settings table (sub-tables `teacher` / `dataset` where allowed)
// and records its scopes.
absl::Status AddScopes(const toml::table& table, const std::string& source,
                       const std::string& context, const std::string& dataset,
                       const std::string& role, bool top_level,
                       std::vector<GridProfile::Layers::Scope>* scopes) {
  std::vector<std::string> allowed = SettingKeys();
  if (top_level) {
    allowed.insert(allowed.end(), {"datasets", "seeds", "teacher_per_seed", "required"});
  }
  if (role.empty()) allowed.push_back("teacher");
  if (dataset.empty() && role.empty()) allowed.push_back("dataset");
  RETURN_IF_ERROR(CheckTomlKeys(table, allowed, source, context));
  ProfileSettings check;
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (auto setter = Setters().find(name); setter != Setters().end()) {
      RETURN_IF_ERROR(setter->second(node, source, name, &check));
    }
  }
  // A file a cell reads must exist now, not when the cell runs after the
  // teachers have trained.
  if (const toml::node* node = table.get("word_vectors");
      node != nullptr && !check.word_vectors.empty() &&
      !std::filesystem::is_regular_file(check.word_vectors)) {
    return absl::InvalidArgumentError(absl::StrCat(TomlWhere(source, *node), ": 'word_vectors' = \"",
                                                   check.word_vectors, "\": no such file"));
  }
  // Later ranks win: a derived role's table after its size role's.
  const int role_rank = role.empty() ? 0 : (SizeTeacherRole(role) == role ? 1 : 2);
  const int rank = (dataset.empty() ? 0 : 3) + role_rank;
  scopes->push_back({dataset, role, source, &table, rank});
  if (const toml::node* teachers = table.get("teacher")) {
    const toml::table* roles = teachers->as_table();
    if (roles == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(TomlWhere(source, *teachers), ": '",
                                                     "teacher' must be a table of roles"));
    }
    RETURN_IF_ERROR(CheckTomlKeys(*roles, KnownTeacherRoles(), source,
                                  absl::StrCat(context, ".teacher")));
    for (const auto& [key, node] : *roles) {
      const std::string name(key.str());
      const toml::table* settings = node.as_table();
      if (settings == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(TomlWhere(source, node), ": teacher.", name, " must be a table"));
      }
      RETURN_IF_ERROR(AddScopes(*settings, source, absl::StrCat(context, ".teacher.", name),
                                dataset, name, false, scopes));
    }
  }
  if (const toml::node* datasets = table.get("dataset")) {
    const toml::table* names = datasets->as_table();
    if (names == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(TomlWhere(source, *datasets), ": '",
                                                     "dataset' must be a table of datasets"));
    }
    RETURN_IF_ERROR(CheckTomlKeys(*names, DatasetNames(), source,
                                  absl::StrCat(context, ".dataset")));
    for (const auto& [key, node] : *names) {
      const std::string name(key.str());
      const toml::table* settings = node.as_table();
      if (settings == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(TomlWhere(source, node), ": dataset.", name, " must be a table"));
      }
      RETURN_IF_ERROR(AddScopes(*settings, source, absl::StrCat(context, ".dataset.", name), name,
                                "", false, scopes));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<GridProfile> LoadGridProfile(const std::string& profiles_file,
                                            const std::string& name,
                                            const std::string& overrides_file) {
  GridProfile profile;
  profile.name_ = name;
  profile.sources_ = profiles_file;
  auto load = [&](const std::string& file) -> absl::StatusOr<toml::table*> {
    ASSIGN_OR_RETURN(std::string text, ReadFileToString(file));
    ASSIGN_OR_RETURN(toml::table root, ParseToml(text, file));
    profile.layers_->roots.push_back(std::make_unique<toml::table>(std::move(root)));
    return profile.layers_->roots.back().get();
  };
  ASSIGN_OR_RETURN(toml::table* root, load(profiles_file));
  std::vector<std::string> names;
  for (const auto& [key, node] : *root) names.emplace_back(key.str());
  const toml::table* table = (*root)[name].as_table();
  if (table == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown profile '", name, "'; known (",
                                                   profiles_file,
                                                   "): ", absl::StrJoin(names, ", ")));
  }
  std::vector<std::pair<const toml::table*, std::string>> tables = {{table, profiles_file}};
  if (!overrides_file.empty()) {
    ASSIGN_OR_RETURN(toml::table* overrides, load(overrides_file));
    tables.push_back({overrides, overrides_file});
    profile.sources_ += "," + overrides_file;
  }
  for (const auto& [settings, source] : tables) {
    const std::string context = source == profiles_file ? absl::StrCat("[", name, "]") : "the file";
    RETURN_IF_ERROR(AddScopes(*settings, source, context, "", "", true, &profile.layers_->scopes));
    if (const toml::node* node = settings->get("datasets")) {
      ASSIGN_OR_RETURN(profile.datasets_, TomlStrings(*node, source, "datasets", DatasetNames()));
    }
    if (const toml::node* node = settings->get("required")) {
      ASSIGN_OR_RETURN(profile.required_,
                       TomlStrings(*node, source, "required", {"path", "teacher_checkpoint"}));
    }
    if (const toml::node* node = settings->get("seeds")) {
      ASSIGN_OR_RETURN(profile.seeds_, TomlInteger(*node, source, "seeds"));
      if (profile.seeds_ < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat(TomlWhere(source, *node), ": 'seeds' must be at least 1"));
      }
    }
    if (const toml::node* node = settings->get("teacher_per_seed")) {
      ASSIGN_OR_RETURN(profile.teacher_per_seed_, TomlBool(*node, source, "teacher_per_seed"));
    }
  }
  if (profile.datasets_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(profiles_file, ": profile '", name, "' names no datasets"));
  }
  std::stable_sort(profile.layers_->scopes.begin(), profile.layers_->scopes.end(),
                   [](const auto& a, const auto& b) { return a.rank < b.rank; });
  return profile;
}

ProfileSettings GridProfile::Resolve(const std::string& dataset,
                                     const std::string& teacher_role) const {
  ProfileSettings settings;
  for (const Layers::Scope& scope : layers_->scopes) {
    if (!scope.dataset.empty() && scope.dataset != dataset) continue;
    if (!scope.role.empty() && scope.role != teacher_role &&
        scope.role != SizeTeacherRole(teacher_role)) {
      continue;
    }
    for (const auto& [key, node] : *scope.table) {
      const std::string name(key.str());
      if (auto setter = Setters().find(name); setter != Setters().end()) {
        // Checked when loaded.
        setter->second(node, scope.source, name, &settings).IgnoreError();
      }
    }
  }
  return settings;
}

std::vector<std::string> GridProfile::Missing(const std::vector<std::string>& datasets,
                                              const std::vector<std::string>& roles) const {
  std::vector<std::string> missing;
  for (const std::string& required : required_) {
    if (required == "path") {
      for (const std::string& dataset : datasets) {
        if (Resolve(dataset, "").path.empty()) {
          missing.push_back(absl::StrCat("the files of dataset '", dataset, "': add\n    [dataset.",
                                         dataset, "]\n    path = \"/where/it/is\""));
        }
      }
    } else if (required == "teacher_checkpoint") {
      for (const std::string& role : roles) {
        if (Resolve("", role).teacher_checkpoint.empty()) {
          missing.push_back(absl::StrCat(
              "the BERT ", role,
              " checkpoint (config.json, vocab.txt, model.safetensors): add\n    [teacher.", role,
              "]\n    teacher_checkpoint = \"/where/it/is\""));
        }
      }
    }
  }
  return missing;
}

}  // namespace kdbench
