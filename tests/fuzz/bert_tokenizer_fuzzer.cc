// Hostile text (invalid UTF-8, control and combining characters, long
// words) through the BERT tokenizer with the real uncased vocabulary.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "lib/text/bert_tokenizer.h"
#include "lib/util/runfiles.h"
#include "tests/fuzz/fuzz_input.h"

namespace {
std::unique_ptr<kdbench::BertTokenizer> tokenizer;
}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  const std::string vocab = kdbench::FindRunfile("datasets/vocab/bert-base-uncased-vocab.txt");
  absl::StatusOr<kdbench::BertTokenizer> loaded = kdbench::BertTokenizer::FromVocabFile(vocab);
  if (!loaded.ok()) {
    std::fprintf(stderr, "bert_tokenizer_fuzzer: %s\n", std::string(loaded.status().message()).c_str());
    std::abort();
  }
  tokenizer = std::make_unique<kdbench::BertTokenizer>(*std::move(loaded));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text = kdbench::FuzzBytes(data, size);
  const std::vector<int32_t> ids = tokenizer->Encode(text);
  for (int32_t id : ids) {
    if (id < 0 || id >= static_cast<int32_t>(tokenizer->vocabulary().size())) std::abort();
  }
  return 0;
}
