// A user's own data: JSON lines ({"text": ..., "label": ...}) or TSV
// (label<TAB>text). --path is a file (its labeled lines are the train split)
// or a directory with train.<ext> and optional test.<ext>, unlabeled.<ext>.
#ifndef KDBENCH_LIB_DATA_GENERIC_READER_H_
#define KDBENCH_LIB_DATA_GENERIC_READER_H_

#include <string>

#include "absl/status/statusor.h"
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

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_GENERIC_READER_H_
