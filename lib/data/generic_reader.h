// A user's own data: JSON lines ({"text": ..., "label": ...}) or TSV
// (label<TAB>text). --path is a file (its labeled lines are the train split)
// or a directory with train.<ext> and optional test.<ext>, unlabeled.<ext>.
#ifndef KDBENCH_LIB_DATA_GENERIC_READER_H_
#define KDBENCH_LIB_DATA_GENERIC_READER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/data/corpus.h"

namespace kdbench {

enum class GenericFormat { kJsonLines, kTsv };

// Label names: string labels sorted (so ids do not depend on line order),
// or, for integer labels, "0".."max". Mixing both is an error. A line with
// no label (JSON: absent or null; TSV: empty) is unlabeled. Errors (bad
// JSON, missing or non-string text, empty text, a TSV line without a tab,
// invalid UTF-8) name the file and line.
absl::StatusOr<Corpus> ReadGeneric(GenericFormat format,
                                   const std::string& path);

// One file's content as the train split, as ReadGeneric reads a single file;
// `source` names it in errors. Pure: the fuzzers call it.
absl::StatusOr<Corpus> ParseGeneric(GenericFormat format, absl::string_view content,
                                    const std::string& source);

// Integer labels are class ids: 0 .. kMaxIntegerLabel - 1 (a larger one
// would ask for that many classes).
inline constexpr int64_t kMaxIntegerLabel = 100000;

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_GENERIC_READER_H_
