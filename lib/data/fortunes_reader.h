// Debian's fortunes as a topic dataset: each entry of a category file is one
// example labeled by its category (the manifest's label order).
#ifndef KDBENCH_LIB_DATA_FORTUNES_READER_H_
#define KDBENCH_LIB_DATA_FORTUNES_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/data/corpus.h"

namespace kdbench {

// Reads <directory>/<category> for each of `categories`; entries are
// separated by lines holding only "%". Blank entries are skipped (counted).
// Everything lands in Corpus::train (fortunes have no test split).
absl::StatusOr<Corpus> ReadFortunes(const std::string& directory,
                                    const std::vector<std::string>& categories);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_FORTUNES_READER_H_
