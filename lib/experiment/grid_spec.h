// An experiment grid as data: a product of axes (dataset, teacher, student,
// method, schedule, label budget, seed) minus exclusions, read from a TOML
// file (benchmarks/grids/*.toml; schema in benchmarks/grids/README.md).
//
// Every key and value is checked: a typo is an InvalidArgumentError naming
// the file, the line and the allowed keys or values.
#ifndef KDBENCH_LIB_EXPERIMENT_GRID_SPEC_H_
#define KDBENCH_LIB_EXPERIMENT_GRID_SPEC_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

// GridCell::transfer when the grid has no `transfer` axis.
inline constexpr int64_t kProfileTransfer = -1;

// The method that reports the fine-tuned teacher itself (accuracy,
// parameters, prediction variance on the transfer set) instead of a student.
inline constexpr char kTeacherMethod[] = "teacher";

// One cell of a grid. For the teacher method, student and schedule are "".
struct GridCell {
  std::string dataset;
  std::string teacher;  // role: "base" or "large"
  std::string student;
  std::string method;
  std::string schedule;
  int64_t labels_per_class = 0;  // 0: all (the protocol's full labeled split)
  uint64_t seed = 1;
  // Transfer examples the student learns from: kProfileTransfer (the
  // profile's transfer_limit), 0 (all) or at most n. A grid's `transfer`
  // axis sets it; cells that use no transfer set (method "none", the
  // teacher) always have kProfileTransfer.
  int64_t transfer = kProfileTransfer;

  bool is_teacher() const { return method == kTeacherMethod; }
  // "spamassassin/large/bilstm/soft+repr/joint/labels:all/seed:1", with
  // "/transfer:N" (or "transfer:all") after the labels when set.
  std::string Name() const;
  bool operator==(const GridCell& other) const;
};

// An exclusion removes every cell matching all of its keys (each key one
// value or a list of values).
struct GridExclusion {
  std::map<std::string, std::vector<std::string>> values;
  int line = 0;
};

struct GridSpec {
  std::string source;  // the file it came from
  std::string id;      // "table8": the file name without extension
  std::string table;   // the paper's table number, "8"
  std::string title;
  std::string description;
  // Empty datasets / seeds: the profile's.
  std::vector<std::string> datasets;
  std::vector<std::string> teachers;
  std::vector<std::string> students;
  std::vector<std::string> methods;
  std::vector<std::string> schedules;
  std::vector<int64_t> labels_per_class;
  std::vector<int64_t> transfers;  // {kProfileTransfer} without the axis
  std::vector<uint64_t> seeds;
  std::vector<GridExclusion> exclusions;
};

// The values the axes accept. A role "<size>-in-domain" is its size role's
// teacher with in-domain MLM after general pre-training (the paper's Table
// 11): its settings are the size role's, then its own table's.
const std::vector<std::string>& KnownTeacherRoles();
// "large-in-domain" -> "large"; a size role -> itself.
std::string SizeTeacherRole(const std::string& role);

// A cell's teacher as grids write it, parsed: one role ("large"); an
// ensemble of roles joined by '+', with an optional weighting in parentheses
// ("base+large(confidence)"); or a teacher-assistant chain (TAKD) "large>base",
// whose assistant (base) is fine-tuned on the labels and on the teacher's
// (large) outputs over the transfer set, and the cell's student learns from
// the assistant.
struct CellTeacher {
  enum class Kind { kSingle, kEnsemble, kChain };
  Kind kind = Kind::kSingle;
  // kSingle: the role; kEnsemble: the members in order; kChain: the teacher,
  // then the assistant.
  std::vector<std::string> roles;
  // kEnsemble: the weighting as written between the parentheses ("" for the
  // mean; teacher_ensemble.h reads it).
  std::string weighting;

  // The role whose profile settings the cell's stages use: the teacher's, an
  // ensemble's first member's, a chain's assistant's.
  const std::string& settings_role() const { return roles[kind == Kind::kChain ? 1 : 0]; }
};

// The one parser of GridCell::teacher. Errors name the value and what is
// allowed: unknown or repeated roles, a chain of other than two, a bad
// weighting.
absl::StatusOr<CellTeacher> ParseCellTeacher(const std::string& value);

// Parses TOML text; `source` names it in errors.
absl::StatusOr<GridSpec> ParseGridSpec(absl::string_view text, const std::string& source);
absl::StatusOr<GridSpec> ReadGridSpec(const std::string& path);

// The most cells one grid may expand to (the paper grid of a table has
// well under a thousand).
inline constexpr int64_t kMaxGridCells = 100000;

// The cells in a fixed order (axes nested in the order above, seeds
// innermost), exclusions applied, teacher cells deduplicated.
// `default_datasets` and `default_seeds` fill empty axes. A combination the
// trainer refuses (method "none" with a staged schedule) is an error naming
// the file, unless an exclusion removes it.
absl::StatusOr<std::vector<GridCell>> ExpandGrid(const GridSpec& spec,
                                                 const std::vector<std::string>& default_datasets,
                                                 const std::vector<uint64_t>& default_seeds);

// "all" for 0, the number otherwise.
std::string LabelsName(int64_t labels_per_class);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_GRID_SPEC_H_
