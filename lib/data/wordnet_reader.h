// WordNet's noun glosses as a topic dataset (Debian's wordnet-base): every
// synset in data.noun whose lexicographer file is one of the chosen classes
// is one example; its text is the gloss (definition and example sentences),
// its label the lexicographer file (noun.animal, noun.artifact, ...). Short
// definitional texts, like DBpedia's abstracts.
#ifndef KDBENCH_LIB_DATA_WORDNET_READER_H_
#define KDBENCH_LIB_DATA_WORDNET_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/data/corpus.h"

namespace kdbench {

struct WordNetOptions {
  // Directory holding data.noun (Debian: /usr/share/wordnet).
  std::string directory;
  // Lexicographer file names without the "noun." prefix, in label order.
  std::vector<std::string> classes;
  // WordNet has no test split: this many glosses per class are held out as
  // a balanced test split, chosen by a hash of the synset offset (fixed by
  // the data alone), so that accuracy cannot reward a constant predictor.
  int64_t test_per_class = 1000;
};

// Glosses that occur more than once (in any class) are skipped, every copy,
// so no text sits on both sides of a split. Errors: the file missing or
// unreadable (names it and the package), a malformed line (names file and
// line), an unknown class name (lists the known ones), a class with no more
// than test_per_class glosses.
absl::StatusOr<Corpus> ReadWordNetNouns(const WordNetOptions& options);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_WORDNET_READER_H_
