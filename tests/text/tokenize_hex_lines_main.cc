// Test tool: reads lines of hex-encoded bytes (any bytes, invalid UTF-8
// included) and prints the BertTokenizer ids of each, space-separated.
// usage: tokenize_hex_lines VOCAB [--cased]
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "absl/strings/escaping.h"
#include "lib/text/bert_tokenizer.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s VOCAB [--cased]\n", argv[0]);
    return 2;
  }
  kdbench::BertTokenizerOptions options;
  options.lower_case = !(argc > 2 && std::strcmp(argv[2], "--cased") == 0);
  auto tokenizer = kdbench::BertTokenizer::FromVocabFile(argv[1], options);
  if (!tokenizer.ok()) {
    std::fprintf(stderr, "%s\n", tokenizer.status().ToString().c_str());
    return 1;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    std::string bytes = absl::HexStringToBytes(line);
    std::string out;
    for (int32_t id : tokenizer->Encode(bytes)) {
      if (!out.empty()) out.push_back(' ');
      out += std::to_string(id);
    }
    std::cout << out << '\n';
  }
  return 0;
}
