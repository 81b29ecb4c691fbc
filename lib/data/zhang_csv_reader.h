// AG News and DBpedia in the CSV release of Zhang, Zhao & LeCun (2015):
// train.csv / test.csv with rows (class 1..C, title, description) and
// classes.txt with one class name per line.
#ifndef KDBENCH_LIB_DATA_ZHANG_CSV_READER_H_
#define KDBENCH_LIB_DATA_ZHANG_CSV_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/data/corpus.h"

namespace kdbench {

// Text is "title. description" style: title and description joined by a
// newline, with the release's escaped "\n" sequences and "#39;"-style
// entities left as they are (the paper's numbers were made on this text).
// `label_names` come from the manifest; classes.txt, when present, must list
// the same names in the same order (a label-order mismatch is an error).
// A row with the wrong field count or a class outside 1..C is an error
// naming file and line.
absl::StatusOr<Corpus> ReadZhangCsv(const std::string& dataset,
                                    const std::string& directory,
                                    const std::vector<std::string>& label_names);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_ZHANG_CSV_READER_H_
