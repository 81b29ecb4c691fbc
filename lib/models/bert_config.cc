#include "lib/models/bert_config.h"

#include <unistd.h>

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/util/atomic_file.h"
#include "lib/util/status_macros.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

absl::Status KeyError(absl::string_view source, absl::string_view key,
                      absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": key \"", key, "\": ", what));
}

absl::Status ReadPositiveInt(const nlohmann::json& json, absl::string_view source,
                             const char* key, int64_t* value) {
  auto it = json.find(key);
  if (it == json.end()) return absl::OkStatus();
  if (!it->is_number_integer() || it->get<int64_t>() <= 0) {
    return KeyError(source, key, "must be a positive integer");
  }
  *value = it->get<int64_t>();
  return absl::OkStatus();
}

absl::Status ReadNumber(const nlohmann::json& json, absl::string_view source,
                        const char* key, double low, double high, double* value) {
  auto it = json.find(key);
  if (it == json.end()) return absl::OkStatus();
  if (!it->is_number() || it->get<double>() < low || it->get<double>() > high) {
    return KeyError(source, key, absl::StrCat("must be a number in [", low, ", ", high, "]"));
  }
  *value = it->get<double>();
  return absl::OkStatus();
}

absl::Status ExpectString(const nlohmann::json& json, absl::string_view source,
                          const char* key, absl::string_view allowed) {
  auto it = json.find(key);
  if (it == json.end()) return absl::OkStatus();
  if (!it->is_string() || it->get<std::string>() != allowed) {
    return KeyError(source, key,
                    absl::StrCat(it->dump(), " is not supported; supported: \"", allowed, "\""));
  }
  return absl::OkStatus();
}

// The float32 bytes of a config's encoder weights, in double: the sizes may
// be absurd, and this is checked before anything is allocated.
double EncoderBytes(const BertConfig& c) {
  const double h = static_cast<double>(c.hidden_size);
  const double i = static_cast<double>(c.intermediate_size);
  const double embeddings =
      (static_cast<double>(c.vocab_size) + static_cast<double>(c.max_position_embeddings) +
       static_cast<double>(c.type_vocab_size)) * h + 2 * h;
  const double layer = 4 * (h * h + h) + 2 * h * i + i + h + 4 * h;
  return 4 * (embeddings + static_cast<double>(c.num_hidden_layers) * layer + h * h + h);
}

double PhysicalMemoryBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0;
}

}  // namespace

absl::StatusOr<BertConfig> ParseBertConfig(absl::string_view json_text,
                                           absl::string_view source) {
  nlohmann::json json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": not a JSON object"));
  }
  BertConfig config;
  RETURN_IF_ERROR(ExpectString(json, source, "model_type", "bert"));
  RETURN_IF_ERROR(ExpectString(json, source, "position_embedding_type", "absolute"));
  if (auto act = json.find("hidden_act"); act != json.end()) {
    if (!act->is_string() || act->get<std::string>() != "gelu") {
      return KeyError(source, "hidden_act",
                      absl::StrCat(act->dump(),
                                   " is not supported; supported: \"gelu\" (erf); "
                                   "\"gelu_new\", \"relu\" and others are not implemented"));
    }
  }
  RETURN_IF_ERROR(ReadPositiveInt(json, source, "vocab_size", &config.vocab_size));
  RETURN_IF_ERROR(ReadPositiveInt(json, source, "hidden_size", &config.hidden_size));
  RETURN_IF_ERROR(ReadPositiveInt(json, source, "num_hidden_layers", &config.num_hidden_layers));
  RETURN_IF_ERROR(ReadPositiveInt(json, source, "num_attention_heads", &config.num_attention_heads));
  RETURN_IF_ERROR(ReadPositiveInt(json, source, "intermediate_size", &config.intermediate_size));
  RETURN_IF_ERROR(ReadPositiveInt(json, source, "max_position_embeddings",
                                  &config.max_position_embeddings));
  RETURN_IF_ERROR(ReadPositiveInt(json, source, "type_vocab_size", &config.type_vocab_size));
  RETURN_IF_ERROR(ReadNumber(json, source, "layer_norm_eps", 1e-30, 1.0, &config.layer_norm_eps));
  RETURN_IF_ERROR(ReadNumber(json, source, "hidden_dropout_prob", 0.0, 0.99,
                             &config.hidden_dropout_prob));
  RETURN_IF_ERROR(ReadNumber(json, source, "attention_probs_dropout_prob", 0.0, 0.99,
                             &config.attention_probs_dropout_prob));
  RETURN_IF_ERROR(ReadNumber(json, source, "initializer_range", 0.0, 10.0,
                             &config.initializer_range));
  // A config whose weights alone exceed this machine's memory is an error
  // here, not an allocation failure (an abort) when the model is built.
  if (const double bytes = EncoderBytes(config), memory = PhysicalMemoryBytes();
      memory > 0 && bytes > memory) {
    constexpr double kGiB = 1024.0 * 1024 * 1024;
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": the encoder it describes needs ", absl::SixDigits(bytes / kGiB),
        " GiB of float32 weights, more than this machine's ", absl::SixDigits(memory / kGiB),
        " GiB of memory (vocab_size=", config.vocab_size, ", hidden_size=", config.hidden_size,
        ", num_hidden_layers=", config.num_hidden_layers, ", intermediate_size=",
        config.intermediate_size, ", max_position_embeddings=", config.max_position_embeddings,
        ", type_vocab_size=", config.type_vocab_size, ")"));
  }
  if (config.hidden_size % config.num_attention_heads != 0) {
    return KeyError(source, "hidden_size",
                    absl::StrCat(config.hidden_size, " is not divisible by num_attention_heads=",
                                 config.num_attention_heads));
  }
  config.architecture.clear();
  if (auto architectures = json.find("architectures"); architectures != json.end()) {
    if (!architectures->is_array() ||
        (!architectures->empty() && !(*architectures)[0].is_string())) {
      return KeyError(source, "architectures", "must be a list of class names");
    }
    if (!architectures->empty()) config.architecture = (*architectures)[0].get<std::string>();
  }
  if (auto id2label = json.find("id2label"); id2label != json.end()) {
    if (!id2label->is_object()) return KeyError(source, "id2label", "must be an object");
    std::map<int64_t, std::string> by_id;
    for (const auto& [key, value] : id2label->items()) {
      int64_t id;
      if (!absl::SimpleAtoi(key, &id) || id < 0 || !value.is_string()) {
        return KeyError(source, "id2label", "must map \"0\", \"1\", ... to label names");
      }
      by_id[id] = value.get<std::string>();
    }
    int64_t expected = 0;
    for (const auto& [id, name] : by_id) {
      if (id != expected++) return KeyError(source, "id2label", "ids must be 0..n-1");
      config.labels.push_back(name);
    }
  }
  return config;
}

absl::StatusOr<BertConfig> ReadBertConfig(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return ParseBertConfig(text, path);
}

std::string BertConfigToJson(const BertConfig& config) {
  nlohmann::json json = {
      {"model_type", "bert"},
      {"architectures", nlohmann::json::array({config.architecture.empty()
                                                   ? std::string("BertForSequenceClassification")
                                                   : config.architecture})},
      {"vocab_size", config.vocab_size},
      {"hidden_size", config.hidden_size},
      {"num_hidden_layers", config.num_hidden_layers},
      {"num_attention_heads", config.num_attention_heads},
      {"intermediate_size", config.intermediate_size},
      {"max_position_embeddings", config.max_position_embeddings},
      {"type_vocab_size", config.type_vocab_size},
      {"layer_norm_eps", config.layer_norm_eps},
      {"hidden_dropout_prob", config.hidden_dropout_prob},
      {"attention_probs_dropout_prob", config.attention_probs_dropout_prob},
      {"initializer_range", config.initializer_range},
      {"hidden_act", config.hidden_act},
      {"position_embedding_type", "absolute"},
  };
  if (!config.labels.empty()) {
    nlohmann::json id2label = nlohmann::json::object(), label2id = nlohmann::json::object();
    for (size_t i = 0; i < config.labels.size(); ++i) {
      id2label[std::to_string(i)] = config.labels[i];
      label2id[config.labels[i]] = i;
    }
    json["id2label"] = id2label;
    json["label2id"] = label2id;
  }
  return json.dump(2);
}

std::vector<std::string> KnownTeacherSizes() { return {"tiny", "base", "large"}; }

absl::StatusOr<BertConfig> TeacherSizeConfig(const std::string& size, int64_t vocab_size,
                                             int64_t max_length) {
  BertConfig config;
  config.vocab_size = vocab_size;
  config.max_position_embeddings = max_length;
  config.type_vocab_size = 2;
  if (size == "tiny") {
    config.num_hidden_layers = 1, config.hidden_size = 32, config.num_attention_heads = 2;
  } else if (size == "base") {
    config.num_hidden_layers = 2, config.hidden_size = 128, config.num_attention_heads = 2;
  } else if (size == "large") {
    config.num_hidden_layers = 4, config.hidden_size = 256, config.num_attention_heads = 4;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--size=", size, ": unknown teacher size; known: ",
                     absl::StrJoin(KnownTeacherSizes(), ", ")));
  }
  config.intermediate_size = 4 * config.hidden_size;
  return config;
}

}  // namespace kdbench
