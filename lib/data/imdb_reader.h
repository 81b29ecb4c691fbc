// The IMDB Large Movie Review Dataset directory (aclImdb): train and test
// reviews in pos/ and neg/, unlabeled reviews in train/unsup/.
#ifndef KDBENCH_LIB_DATA_IMDB_READER_H_
#define KDBENCH_LIB_DATA_IMDB_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "lib/data/corpus.h"

namespace kdbench {

// Labels: neg = 0, pos = 1. Files are read in sorted order; "<br />" line
// breaks become newlines. A missing split directory is an error naming it;
// train/unsup is optional. An empty review file is skipped (counted).
absl::StatusOr<Corpus> ReadImdb(const std::string& directory);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_IMDB_READER_H_
