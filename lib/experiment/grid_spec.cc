#include "lib/experiment/grid_spec.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lib/data/dataset_manifest.h"
#include "lib/distill/teacher_ensemble.h"
#include "lib/distill/training_schedule.h"
#include "lib/models/student_registry.h"
#include "lib/util/atomic_file.h"
#include "lib/util/status_macros.h"
#include "lib/util/toml_fields.h"

namespace kdbench {
namespace {

const std::vector<std::string>& AxisKeys() {
  static const auto* keys = new std::vector<std::string>{
      "dataset", "teacher", "student", "method", "schedule", "labels", "transfer", "seed"};
  return *keys;
}

std::vector<std::string> SplitNames(const std::string& comma_separated) {
  std::vector<std::string> names;
  std::string current;
  for (char c : comma_separated + ",") {
    if (c == ',' || c == ' ') {
      if (!current.empty()) names.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return names;
}

// Allowed values per axis ({} for the numeric axes).
std::vector<std::string> AllowedValues(const std::string& axis) {
  if (axis == "dataset") return DatasetNames();
  // Teachers may be ensembles ("base+large"): CheckTeachers checks them.
  if (axis == "student") return SplitNames(KnownStudents());
  // Methods take parameters ("kl(T=4)"): CheckMethods checks them.
  if (axis == "schedule") return KnownSchedules();
  return {};
}

// Each value a known method, possibly with parameters, or "teacher".
absl::Status CheckMethods(const std::vector<std::string>& methods, const std::string& where) {
  for (const std::string& method : methods) {
    if (method == kTeacherMethod) continue;
    absl::StatusOr<DistillationMethod> parsed = ParseDistillationMethod(method);
    if (!parsed.ok()) {
      absl::string_view message = parsed.status().message();
      absl::ConsumePrefix(&message, absl::StrCat("--method=", method, ": "));
      return absl::InvalidArgumentError(absl::StrCat(where, ": 'method' has value '", method,
                                                     "': ", message, " (or \"", kTeacherMethod,
                                                     "\" for the teacher itself)"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTeachers(const std::vector<std::string>& teachers, const std::string& where) {
  for (const std::string& teacher : teachers) {
    absl::Status status = ParseCellTeacher(teacher).status();
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

// "all" (0) or a positive count, for the axes `labels` and `transfer`;
// `counted` names what the number counts in the error.
absl::StatusOr<int64_t> ParseCountOrAll(const std::string& axis, const std::string& counted,
                                        const std::string& value, const std::string& where) {
  if (value == "all") return 0;
  int64_t number = 0;
  if (!absl::SimpleAtoi(value, &number) || number <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": '", axis, "' has value '", value,
                                                   "'; allowed: \"all\" or a positive number of ",
                                                   counted));
  }
  return number;
}

absl::StatusOr<int64_t> ParseLabels(const std::string& value, const std::string& where) {
  return ParseCountOrAll("labels", "labeled examples per class", value, where);
}

absl::StatusOr<int64_t> ParseTransfer(const std::string& value, const std::string& where) {
  return ParseCountOrAll("transfer", "transfer examples", value, where);
}

std::string TransferName(int64_t transfer) {
  return transfer == kProfileTransfer ? "" : transfer == 0 ? "all" : std::to_string(transfer);
}

absl::StatusOr<uint64_t> ParseSeed(const std::string& value, const std::string& where) {
  uint64_t number = 0;
  if (!absl::SimpleAtoi(value, &number) || number == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": 'seed' has value '", value, "'; allowed: positive integers"));
  }
  return number;
}

std::string CellValue(const GridCell& cell, const std::string& axis) {
  if (axis == "dataset") return cell.dataset;
  if (axis == "teacher") return cell.teacher;
  if (axis == "student") return cell.student;
  if (axis == "method") return cell.method;
  if (axis == "schedule") return cell.schedule;
  if (axis == "labels") return LabelsName(cell.labels_per_class);
  if (axis == "transfer") return TransferName(cell.transfer);
  return std::to_string(cell.seed);
}

bool Excluded(const GridCell& cell, const std::vector<GridExclusion>& exclusions) {
  for (const GridExclusion& exclusion : exclusions) {
    bool all_match = true;
    for (const auto& [axis, values] : exclusion.values) {
      if (std::find(values.begin(), values.end(), CellValue(cell, axis)) == values.end()) {
        all_match = false;
        break;
      }
    }
    if (all_match) return true;
  }
  return false;
}

}  // namespace

std::string LabelsName(int64_t labels_per_class) {
  return labels_per_class == 0 ? "all" : std::to_string(labels_per_class);
}

std::string GridCell::Name() const {
  if (is_teacher()) {
    return absl::StrCat(dataset, "/", teacher, "/teacher/labels:", LabelsName(labels_per_class),
                        "/seed:", seed);
  }
  const std::string transfer_part =
      transfer == kProfileTransfer ? "" : absl::StrCat("/transfer:", TransferName(transfer));
  return absl::StrCat(dataset, "/", teacher, "/", student, "/", method, "/", schedule,
                      "/labels:", LabelsName(labels_per_class), transfer_part, "/seed:", seed);
}

bool GridCell::operator==(const GridCell& other) const {
  return std::tie(dataset, teacher, student, method, schedule, labels_per_class, transfer,
                  seed) == std::tie(other.dataset, other.teacher, other.student, other.method,
                                    other.schedule, other.labels_per_class, other.transfer,
                                    other.seed);
}

absl::StatusOr<CellTeacher> ParseCellTeacher(const std::string& value) {
  const auto& known = KnownTeacherRoles();
  if (value.find('>') != std::string::npos) {
    std::vector<std::string> roles = absl::StrSplit(value, '>');
    if (roles.size() != 2 || roles[0] == roles[1] ||
        std::find(known.begin(), known.end(), roles[0]) == known.end() ||
        std::find(known.begin(), known.end(), roles[1]) == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "teacher '", value, "': a teacher-assistant chain is two different roles (",
          absl::StrJoin(known, ", "), ") joined by '>', the teacher first: large>base"));
    }
    return CellTeacher{.kind = CellTeacher::Kind::kChain, .roles = std::move(roles)};
  }
  ASSIGN_OR_RETURN(TeacherSpec spec, ParseTeacherSpec(value, known));
  CellTeacher teacher{.kind = spec.is_ensemble() ? CellTeacher::Kind::kEnsemble
                                                 : CellTeacher::Kind::kSingle,
                      .roles = spec.members};
  // ParseTeacherSpec accepted the text: a weighting is its parenthesised end.
  if (const size_t open = value.find('('); open != std::string::npos) {
    teacher.weighting = value.substr(open + 1, value.size() - open - 2);
  }
  return teacher;
}

const std::vector<std::string>& KnownTeacherRoles() {
  static const auto* roles =
      new std::vector<std::string>{"base", "large", "base-in-domain", "large-in-domain"};
  return *roles;
}

std::string SizeTeacherRole(const std::string& role) {
  constexpr absl::string_view kInDomain = "-in-domain";
  return absl::EndsWith(role, kInDomain) ? role.substr(0, role.size() - kInDomain.size()) : role;
}

absl::StatusOr<GridSpec> ParseGridSpec(absl::string_view text, const std::string& source) {
  ASSIGN_OR_RETURN(toml::table root, ParseToml(text, source));
  RETURN_IF_ERROR(CheckTomlKeys(root, {"table", "title", "description", "axes", "exclude"},
                                source, "the grid"));
  GridSpec spec;
  spec.source = source;
  std::string base = source.substr(source.find_last_of('/') + 1);
  spec.id = base.substr(0, base.find('.'));
  for (const char* key : {"table", "title"}) {
    if (!root.contains(key)) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": the required key '", key, "' is missing"));
    }
  }
  ASSIGN_OR_RETURN(spec.table, TomlString(*root.get("table"), source, "table"));
  ASSIGN_OR_RETURN(spec.title, TomlString(*root.get("title"), source, "title"));
  if (const toml::node* node = root.get("description")) {
    ASSIGN_OR_RETURN(spec.description, TomlString(*node, source, "description"));
  }
  const toml::table* axes = root["axes"].as_table();
  if (axes == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": the required table [axes] is missing"));
  }
  RETURN_IF_ERROR(CheckTomlKeys(*axes, AxisKeys(), source, "[axes]"));
  for (const char* required : {"teacher", "method"}) {
    if (!axes->contains(required)) {
      return absl::InvalidArgumentError(absl::StrCat(TomlWhere(source, *axes), ": [axes] needs '",
                                                     required, "'"));
    }
  }
  auto axis = [&](const std::string& key, std::vector<std::string>* out,
                  std::vector<std::string> fallback) -> absl::Status {
    if (const toml::node* node = axes->get(key)) {
      ASSIGN_OR_RETURN(*out, TomlStrings(*node, source, key, AllowedValues(key)));
      if (key == "method") RETURN_IF_ERROR(CheckMethods(*out, TomlWhere(source, *node)));
      if (key == "teacher") RETURN_IF_ERROR(CheckTeachers(*out, TomlWhere(source, *node)));
    } else {
      *out = std::move(fallback);
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(axis("dataset", &spec.datasets, {}));
  RETURN_IF_ERROR(axis("teacher", &spec.teachers, {}));
  RETURN_IF_ERROR(axis("student", &spec.students, {"bilstm"}));
  RETURN_IF_ERROR(axis("method", &spec.methods, {}));
  RETURN_IF_ERROR(axis("schedule", &spec.schedules, {"joint"}));
  std::vector<std::string> labels, transfers, seeds;
  RETURN_IF_ERROR(axis("labels", &labels, {"all"}));
  RETURN_IF_ERROR(axis("transfer", &transfers, {}));
  RETURN_IF_ERROR(axis("seed", &seeds, {}));
  // An error names the axis's own line.
  auto where = [&](const char* key) {
    const toml::node* node = axes->get(key);
    return TomlWhere(source, node != nullptr ? *node : *axes);
  };
  for (const std::string& value : labels) {
    ASSIGN_OR_RETURN(int64_t number, ParseLabels(value, where("labels")));
    spec.labels_per_class.push_back(number);
  }
  for (const std::string& value : transfers) {
    ASSIGN_OR_RETURN(int64_t number, ParseTransfer(value, where("transfer")));
    spec.transfers.push_back(number);
  }
  if (spec.transfers.empty()) spec.transfers.push_back(kProfileTransfer);
  for (const std::string& value : seeds) {
    ASSIGN_OR_RETURN(uint64_t number, ParseSeed(value, where("seed")));
    spec.seeds.push_back(number);
  }

  if (const toml::node* exclude = root.get("exclude")) {
    const toml::array* list = exclude->as_array();
    if (list == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          TomlWhere(source, *exclude), ": 'exclude' must be [[exclude]] tables"));
    }
    for (const toml::node& item : *list) {
      const toml::table* table = item.as_table();
      if (table == nullptr || table->empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            TomlWhere(source, item), ": each [[exclude]] must be a non-empty table of axes"));
      }
      RETURN_IF_ERROR(CheckTomlKeys(*table, AxisKeys(), source, "[[exclude]]"));
      GridExclusion exclusion;
      exclusion.line = static_cast<int>(item.source().begin.line);
      for (const auto& [key, node] : *table) {
        const std::string name(key.str());
        ASSIGN_OR_RETURN(std::vector<std::string> values,
                         TomlStrings(node, source, name, AllowedValues(name)));
        if (name == "method") RETURN_IF_ERROR(CheckMethods(values, TomlWhere(source, node)));
        if (name == "teacher") RETURN_IF_ERROR(CheckTeachers(values, TomlWhere(source, node)));
        for (const std::string& value : values) {
          if (name == "labels") RETURN_IF_ERROR(ParseLabels(value, TomlWhere(source, node)).status());
          if (name == "seed") RETURN_IF_ERROR(ParseSeed(value, TomlWhere(source, node)).status());
          if (name == "transfer") {
            RETURN_IF_ERROR(ParseTransfer(value, TomlWhere(source, node)).status());
          }
        }
        exclusion.values[name] = values;
      }
      spec.exclusions.push_back(std::move(exclusion));
    }
  }
  return spec;
}

absl::StatusOr<GridSpec> ReadGridSpec(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return ParseGridSpec(text, path);
}

absl::StatusOr<std::vector<GridCell>> ExpandGrid(const GridSpec& spec,
                                                 const std::vector<std::string>& default_datasets,
                                                 const std::vector<uint64_t>& default_seeds) {
  const std::vector<std::string>& datasets =
      spec.datasets.empty() ? default_datasets : spec.datasets;
  const std::vector<uint64_t>& seeds = spec.seeds.empty() ? default_seeds : spec.seeds;
  const std::vector<int64_t> transfers =
      spec.transfers.empty() ? std::vector<int64_t>{kProfileTransfer} : spec.transfers;
  if (datasets.empty() || seeds.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(spec.source, ": no datasets or no seeds (neither the grid nor the profile names any)"));
  }
  // The product is checked before anything is built: a grid file is input
  // and must not be able to ask for unbounded memory.
  double product = 1;
  for (const size_t axis : {datasets.size(), spec.teachers.size(), spec.students.size(),
                            spec.methods.size(), spec.schedules.size(),
                            spec.labels_per_class.size(), transfers.size(),
                            seeds.size()}) {
    product *= static_cast<double>(axis);
  }
  if (product > static_cast<double>(kMaxGridCells)) {
    return absl::InvalidArgumentError(absl::StrCat(
        spec.source, ": the axes multiply to ", product, " cells; at most ", kMaxGridCells,
        " are allowed in one grid (split it, or narrow an axis)"));
  }
  std::vector<GridCell> cells;
  std::set<std::string> names;
  for (const std::string& dataset : datasets) {
    for (const std::string& teacher : spec.teachers) {
      for (const std::string& student : spec.students) {
        for (const std::string& method : spec.methods) {
          for (const std::string& schedule : spec.schedules) {
            for (int64_t labels : spec.labels_per_class) {
             for (int64_t transfer : transfers) {
              for (uint64_t seed : seeds) {
                GridCell cell{dataset, teacher, student, method, schedule, labels, seed};
                // Cells that learn from no transfer set share one cell over
                // the transfer axis.
                if (method != "none" && method != kTeacherMethod) cell.transfer = transfer;
                if (Excluded(cell, spec.exclusions)) continue;
                if (cell.is_teacher()) {
                  absl::StatusOr<CellTeacher> single = ParseCellTeacher(cell.teacher);
                  if (!single.ok() || single->kind != CellTeacher::Kind::kSingle) {
                    return absl::InvalidArgumentError(absl::StrCat(
                        spec.source, ": cell ", cell.Name(), ": method \"", kTeacherMethod,
                        "\" reports one fine-tuned teacher; an ensemble or a chain is a "
                        "teacher for students only (add an [[exclude]] for it)"));
                  }
                  cell.student.clear();
                  cell.schedule.clear();
                } else if (absl::Status status = CheckScheduleNames(schedule, method);
                           !status.ok()) {
                  return absl::InvalidArgumentError(
                      absl::StrCat(spec.source, ": cell ", cell.Name(), ": ", status.message(),
                                   " (add an [[exclude]] for it)"));
                }
                if (names.insert(cell.Name()).second) cells.push_back(std::move(cell));
              }
             }
            }
          }
        }
      }
    }
  }
  if (cells.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(spec.source, ": the exclusions remove every cell"));
  }
  return cells;
}

}  // namespace kdbench
