// Elec (Johnson & Zhang, 2015): elec-25k-train.txt/.cat and
// elec-test.txt/.cat (one review / one label per line, "1" negative, "2"
// positive), plus unlabeled reviews in any *unlab*.txt file.
#ifndef KDBENCH_LIB_DATA_ELEC_READER_H_
#define KDBENCH_LIB_DATA_ELEC_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "lib/data/corpus.h"

namespace kdbench {

// Text and label files must have the same number of lines (an error names
// both files otherwise); a label other than 1 or 2 is an error naming the
// .cat file and line. Unlabeled files are read in sorted name order.
absl::StatusOr<Corpus> ReadElec(const std::string& directory);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_ELEC_READER_H_
