#include "lib/models/bert_checkpoint.h"

#include <torch/torch.h>

#include <filesystem>

#include "gtest/gtest.h"
#include "lib/models/bert_config.h"
#include "lib/util/atomic_file.h"

namespace kdbench {
namespace {

namespace fs = std::filesystem;

BertConfig TinyConfig(bool with_labels = true) {
  BertConfig config;
  config.vocab_size = 12;
  config.hidden_size = 8;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 2;
  config.intermediate_size = 16;
  config.max_position_embeddings = 16;
  if (with_labels) config.labels = {"neg", "pos"};
  return config;
}

Vocabulary TinyVocabulary() {
  std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  for (int i = 5; i < 12; ++i) tokens.push_back("w" + std::to_string(i));
  return *Vocabulary::FromTokens(tokens, "test");
}

std::string FreshDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/" + name;
  fs::remove_all(dir);
  return dir;
}

TEST(BertConfigTest, ParsesHuggingFaceConfigAndLabels) {
  absl::StatusOr<BertConfig> config = ParseBertConfig(R"({
      "architectures": ["BertForSequenceClassification"], "model_type": "bert",
      "hidden_size": 64, "num_hidden_layers": 3, "num_attention_heads": 4,
      "intermediate_size": 128, "vocab_size": 100, "hidden_act": "gelu",
      "id2label": {"1": "pos", "0": "neg"}, "transformers_version": "4.30.0"})",
                                                      "config.json");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->hidden_size, 64);
  EXPECT_EQ(config->head_size(), 16);
  EXPECT_EQ(config->max_position_embeddings, 512);  // default kept
  EXPECT_EQ(config->labels, (std::vector<std::string>{"neg", "pos"}));
  absl::StatusOr<BertConfig> again = ParseBertConfig(BertConfigToJson(*config), "again");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->labels, config->labels);
  EXPECT_EQ(again->num_hidden_layers, 3);
}

TEST(BertConfigTest, UnsupportedValuesNameTheKey) {
  for (const auto& [json, message] : std::vector<std::pair<std::string, std::string>>{
           {R"({"hidden_act": "gelu_new"})", "key \"hidden_act\": \"gelu_new\" is not supported"},
           {R"({"hidden_size": 100, "num_attention_heads": 12})", "not divisible"},
           {R"({"num_hidden_layers": 0})", "key \"num_hidden_layers\": must be a positive"},
           {R"({"model_type": "roberta"})", "key \"model_type\""},
           {R"({"position_embedding_type": "relative_key"})", "position_embedding_type"},
           {R"({"layer_norm_eps": "small"})", "layer_norm_eps"},
           {R"({"id2label": {"0": "a", "2": "b"}})", "ids must be 0..n-1"},
           {"not json", "not a JSON object"},
           // Refused before anything is allocated (LibTorch would abort).
           {R"({"intermediate_size": 2000000000})", "GiB of float32 weights, more than this machine's"},
           {R"({"max_position_embeddings": 100000000000})", "max_position_embeddings=100000000000"},
       }) {
    absl::StatusOr<BertConfig> config = ParseBertConfig(json, "config.json");
    ASSERT_FALSE(config.ok()) << json;
    EXPECT_NE(config.status().message().find(message), absl::string_view::npos)
        << config.status();
  }
}

TEST(BertCheckpointTest, SaveLoadRoundTripGivesIdenticalOutputs) {
  torch::manual_seed(3);
  BertTeacher model(TinyConfig());
  model->eval();
  const std::string dir = FreshDir("roundtrip");
  ASSERT_TRUE(SaveBertTeacher(model, TinyVocabulary(), dir).ok());
  absl::StatusOr<LoadedTeacher> loaded = LoadBertTeacher(dir, {});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->report.missing.empty());
  EXPECT_TRUE(loaded->report.unexpected.empty());
  EXPECT_EQ(loaded->checkpoint_hash.size(), 64u);
  loaded->model->eval();
  torch::Tensor ids = torch::tensor({{2, 5, 6, 3, 0}}, torch::kLong);
  torch::Tensor mask = ids.ne(0);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(model->forward(ids, mask).logits.equal(loaded->model->forward(ids, mask).logits));
}

TEST(BertCheckpointTest, OldLayerNormNamesAndMissingPrefixLoad) {
  torch::manual_seed(4);
  BertTeacher source(TinyConfig());
  std::vector<std::pair<std::string, at::Tensor>> renamed;
  for (const auto& item : source->named_parameters()) {
    std::string name = item.key();
    if (name.rfind("bert.", 0) == 0) name = name.substr(5);  // TF-era: no prefix
    size_t at = name.find("LayerNorm.weight");
    if (at != std::string::npos) name.replace(at, 16, "LayerNorm.gamma");
    at = name.find("LayerNorm.bias");
    if (at != std::string::npos) name.replace(at, 14, "LayerNorm.beta");
    renamed.push_back({name, item.value()});
  }
  renamed.push_back({"embeddings.position_ids", torch::arange(16, torch::kLong).unsqueeze(0)});
  renamed.push_back({"cls.seq_relationship.weight", torch::zeros({2, 8})});
  renamed.push_back({"something.else", torch::zeros({1})});
  const std::string path = ::testing::TempDir() + "/renamed.safetensors";
  ASSERT_TRUE(WriteSafetensors(path, renamed).ok());
  absl::StatusOr<SafetensorsFile> file = SafetensorsFile::Open(path);
  ASSERT_TRUE(file.ok());
  BertTeacher target(TinyConfig());
  absl::StatusOr<WeightLoadReport> report = LoadBertWeights(*target, *file);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->missing.empty());
  EXPECT_EQ(report->unexpected, std::vector<std::string>{"something.else"});
  EXPECT_EQ(report->ignored.size(), 2u);
  EXPECT_TRUE(target->bert->embeddings->LayerNorm->weight.equal(
      source->bert->embeddings->LayerNorm->weight));
}

TEST(BertCheckpointTest, ShapeMismatchNamesTensorAndShapes) {
  BertTeacher source(TinyConfig());
  const std::string dir = FreshDir("shape");
  ASSERT_TRUE(SaveBertTeacher(source, TinyVocabulary(), dir).ok());
  BertConfig wider = TinyConfig();
  wider.intermediate_size = 32;
  ASSERT_TRUE(WriteFileAtomically(dir + "/config.json", BertConfigToJson(wider)).ok());
  absl::StatusOr<LoadedTeacher> loaded = LoadBertTeacher(dir, {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("intermediate.dense.weight' has shape [16, 8]"),
            absl::string_view::npos)
      << loaded.status();
}

TEST(BertCheckpointTest, AConfigWithFewerLayersThanTheFileIsRefusedNamingTheUnusedTensors) {
  BertTeacher source(TinyConfig());
  const std::string dir = FreshDir("fewer_layers");
  ASSERT_TRUE(SaveBertTeacher(source, TinyVocabulary(), dir).ok());
  BertConfig shallower = TinyConfig();
  shallower.num_hidden_layers = 1;
  ASSERT_TRUE(WriteFileAtomically(dir + "/config.json", BertConfigToJson(shallower)).ok());
  absl::StatusOr<LoadedTeacher> loaded = LoadBertTeacher(dir, {});
  ASSERT_FALSE(loaded.ok());
  const std::string message(loaded.status().message());
  EXPECT_NE(message.find("tensor(s) that the model described by"), std::string::npos) << message;
  EXPECT_NE(message.find("num_hidden_layers=1"), std::string::npos) << message;
  EXPECT_NE(message.find("encoder.layer.1."), std::string::npos) << message;
}

TEST(BertCheckpointTest, DirectoryProblemsAreExplained) {
  const std::string dir = FreshDir("problems");
  fs::create_directories(dir);
  EXPECT_NE(LoadBertTeacher(dir, {}).status().message().find("no config.json"),
            absl::string_view::npos);
  ASSERT_TRUE(WriteFileAtomically(dir + "/config.json", BertConfigToJson(TinyConfig())).ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/pytorch_model.bin", "PK\x03\x04").ok());
  absl::Status pickle = LoadBertTeacher(dir, {}).status();
  EXPECT_NE(pickle.message().find("Pickle checkpoints"), absl::string_view::npos) << pickle;
  // A pre-trained encoder (no labels) loads for fine-tuning only.
  const std::string encoder_dir = FreshDir("encoder");
  BertTeacher encoder(TinyConfig(/*with_labels=*/false));
  ASSERT_TRUE(SaveBertTeacher(encoder, TinyVocabulary(), encoder_dir).ok());
  EXPECT_NE(LoadBertTeacher(encoder_dir, {}).status().message().find("no id2label"),
            absl::string_view::npos);
  EXPECT_TRUE(LoadBertTeacher(encoder_dir, {.require_classifier = false}).ok());
  // A masked-LM checkpoint with labels (as `teacher pretrain` writes it)
  // carries an untrained classifier: refused as a teacher, loaded to fine-tune.
  const std::string masked_lm_dir = FreshDir("masked-lm");
  BertTeacher masked_lm(TinyConfig());
  ASSERT_TRUE(SaveBertTeacher(masked_lm, TinyVocabulary(), masked_lm_dir, "BertForMaskedLM").ok());
  absl::Status refused = LoadBertTeacher(masked_lm_dir, {}).status();
  EXPECT_NE(refused.message().find("architectures names BertForMaskedLM, a pre-trained encoder"),
            absl::string_view::npos)
      << refused;
  EXPECT_TRUE(LoadBertTeacher(masked_lm_dir, {.require_classifier = false}).ok());
  // Configs that do not say load as before.
  BertConfig unspecified = TinyConfig();
  unspecified.architecture.clear();
  absl::StatusOr<BertConfig> parsed = ParseBertConfig(BertConfigToJson(unspecified), "x");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->architecture, "BertForSequenceClassification");
  absl::StatusOr<BertConfig> bad = ParseBertConfig(R"({"architectures": "BertModel"})", "cfg");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("architectures"), absl::string_view::npos);
}

}  // namespace
}  // namespace kdbench
