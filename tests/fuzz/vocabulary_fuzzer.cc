// Hostile vocab.txt files: read as a checkpoint's vocabulary; one that
// loads is used to tokenize a fixed text.
#include <cstdint>
#include <string>

#include "lib/text/bert_tokenizer.h"
#include "lib/text/vocabulary.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kdbench;
  static const std::string path = FuzzScratchPath("vocab.txt");
  WriteFuzzFile(path, FuzzBytes(data, size));
  absl::StatusOr<Vocabulary> vocabulary = Vocabulary::FromFile(path);
  if (!vocabulary.ok()) return 0;
  BertTokenizer tokenizer(*vocabulary);
  (void)tokenizer.Tokenize("Free money NOW!! unaffable naïve 東京 [CLS] ##ing");
  return 0;
}
