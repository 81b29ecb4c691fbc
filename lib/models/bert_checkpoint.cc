#include "lib/models/bert_checkpoint.h"

#include <torch/torch.h>

#include <filesystem>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "lib/util/atomic_file.h"
#include "lib/util/content_hash.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

namespace fs = std::filesystem;

// File names that may hold module parameter `name`, most specific first.
std::vector<std::string> CandidateNames(const std::string& name) {
  std::vector<std::string> bases = {name};
  if (absl::StartsWith(name, "bert.")) bases.push_back(name.substr(5));
  if (name == "cls.predictions.bias") bases.push_back("cls.predictions.decoder.bias");
  std::vector<std::string> candidates;
  for (const std::string& base : bases) {
    candidates.push_back(base);
    if (absl::EndsWith(base, "LayerNorm.weight")) {
      candidates.push_back(absl::StrReplaceAll(base, {{"LayerNorm.weight", "LayerNorm.gamma"}}));
    } else if (absl::EndsWith(base, "LayerNorm.bias")) {
      candidates.push_back(absl::StrReplaceAll(base, {{"LayerNorm.bias", "LayerNorm.beta"}}));
    }
  }
  return candidates;
}

bool IsIgnorable(absl::string_view name) {
  return absl::EndsWith(name, "embeddings.position_ids") ||
         name == "cls.predictions.decoder.weight" ||  // tied to word embeddings
         name == "cls.predictions.decoder.bias" ||    // tied to cls.predictions.bias
         absl::StartsWith(name, "cls.seq_relationship.");  // next-sentence head
}

std::string ShapeText(c10::IntArrayRef shape) {
  return absl::StrCat("[", absl::StrJoin(shape, ", "), "]");
}

}  // namespace

absl::StatusOr<WeightLoadReport> LoadBertWeights(torch::nn::Module& model,
                                                 const SafetensorsFile& file) {
  WeightLoadReport report;
  std::set<std::string> used;
  torch::NoGradGuard no_grad;
  for (auto& item : model.named_parameters()) {
    const std::string& name = item.key();
    torch::Tensor& parameter = item.value();
    std::string found;
    for (const std::string& candidate : CandidateNames(name)) {
      if (file.Contains(candidate)) {
        found = candidate;
        break;
      }
    }
    if (found.empty()) {
      report.missing.push_back(name);
      continue;
    }
    ASSIGN_OR_RETURN(torch::Tensor tensor, file.Tensor(found));
    if (tensor.sizes() != parameter.sizes()) {
      return absl::InvalidArgumentError(absl::StrCat(
          file.path(), ": tensor '", found, "' has shape ", ShapeText(tensor.sizes()),
          " but the model (from config.json) expects ", ShapeText(parameter.sizes()),
          " for ", name));
    }
    parameter.copy_(tensor.to(parameter.dtype()));
    used.insert(found);
    report.loaded.push_back(name);
  }
  for (const SafetensorsEntry& entry : file.header().entries) {
    if (used.count(entry.name)) continue;
    (IsIgnorable(entry.name) ? report.ignored : report.unexpected).push_back(entry.name);
  }
  return report;
}

absl::StatusOr<LoadedTeacher> LoadBertTeacher(const std::string& directory,
                                              const TeacherLoadOptions& options) {
  const fs::path dir(directory);
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat(directory, ": no such checkpoint directory"));
  }
  const std::string config_path = (dir / "config.json").string();
  const std::string weights_path = (dir / "model.safetensors").string();
  if (!fs::exists(config_path)) {
    return absl::NotFoundError(absl::StrCat(directory, ": no config.json"));
  }
  if (!fs::exists(weights_path)) {
    if (fs::exists(dir / "pytorch_model.bin")) {
      return absl::InvalidArgumentError(absl::StrCat(
          directory,
          ": has pytorch_model.bin but no model.safetensors. Pickle checkpoints "
          "can run code when loaded and are refused; convert with Python: "
          "safetensors.torch.save_file(torch.load('pytorch_model.bin'), "
          "'model.safetensors')"));
    }
    return absl::NotFoundError(absl::StrCat(directory, ": no model.safetensors"));
  }
  std::string vocab_path = (dir / "vocab.txt").string();
  if (!fs::exists(vocab_path)) {
    if (options.fallback_vocab.empty()) {
      return absl::NotFoundError(absl::StrCat(directory, ": no vocab.txt"));
    }
    vocab_path = options.fallback_vocab;
  }
  ASSIGN_OR_RETURN(BertConfig config, ReadBertConfig(config_path));
  ASSIGN_OR_RETURN(Vocabulary vocabulary, Vocabulary::FromFile(vocab_path));
  if (vocabulary.size() != config.vocab_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        vocab_path, " has ", vocabulary.size(), " entries but ", config_path,
        " says vocab_size=", config.vocab_size));
  }
  if (!options.require_classifier && config.labels.empty()) {
    config.labels = options.labels_if_missing;
  }
  if (options.require_classifier && config.labels.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        config_path, ": no id2label: this is not a fine-tuned classifier"));
  }
  if (options.require_classifier && !config.architecture.empty() &&
      config.architecture != "BertForSequenceClassification") {
    return absl::InvalidArgumentError(absl::StrCat(
        config_path, ": architectures names ", config.architecture,
        ", a pre-trained encoder, not a fine-tuned classifier; fine-tune it first "
        "(kdbench teacher finetune --checkpoint=", directory, ")"));
  }
  ASSIGN_OR_RETURN(SafetensorsFile file, SafetensorsFile::Open(weights_path));
  LoadedTeacher loaded{BertTeacher(config), std::move(vocabulary), {}, ""};
  ASSIGN_OR_RETURN(loaded.report, LoadBertWeights(*loaded.model, file));
  std::vector<std::string> missing_required;
  for (const std::string& name : loaded.report.missing) {
    const bool head = absl::StartsWith(name, "cls.") ||
                      (!options.require_classifier && absl::StartsWith(name, "classifier."));
    if (!head) missing_required.push_back(name);
  }
  if (!missing_required.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        weights_path, ": missing ", missing_required.size(), " weight(s): ",
        absl::StrJoin(missing_required.begin(),
                      missing_required.begin() + std::min<size_t>(missing_required.size(), 8),
                      ", "),
        missing_required.size() > 8 ? ", ..." : ""));
  }
  // Tensors nothing uses: a config with fewer layers (or a smaller head)
  // than the checkpoint would silently drop them.
  if (!loaded.report.unexpected.empty()) {
    const std::vector<std::string>& unused = loaded.report.unexpected;
    return absl::InvalidArgumentError(absl::StrCat(
        weights_path, ": ", unused.size(), " tensor(s) that the model described by ", config_path,
        " (num_hidden_layers=", config.num_hidden_layers, ", hidden_size=", config.hidden_size,
        ") does not use: ",
        absl::StrJoin(unused.begin(), unused.begin() + std::min<size_t>(unused.size(), 8), ", "),
        unused.size() > 8 ? ", ..." : "",
        "; refused, as they would be dropped silently: make config.json match the checkpoint"));
  }
  ContentHasher hasher("bert-checkpoint/v1");
  for (const std::string& path : {config_path, vocab_path, weights_path}) {
    ASSIGN_OR_RETURN(std::string sha, Sha256OfFile(path));
    hasher.Add(fs::path(path).filename().string(), sha);
  }
  loaded.checkpoint_hash = hasher.HexDigest();
  return loaded;
}

absl::Status SaveBertTeacher(BertTeacher& model, const Vocabulary& vocabulary,
                             const std::string& directory, const std::string& architecture) {
  const fs::path target(directory);
  const fs::path staging = target.string() + ".staging";
  std::error_code error;
  fs::remove_all(staging, error);
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& item : model->named_parameters()) tensors.push_back({item.key(), item.value()});
  RETURN_IF_ERROR(WriteSafetensors((staging / "model.safetensors").string(), tensors,
                                   {{"format", "pt"}, {"writer", "kd-bench"}}));
  BertConfig config = model->config();
  config.architecture = architecture;
  RETURN_IF_ERROR(WriteFileAtomically((staging / "config.json").string(), BertConfigToJson(config)));
  RETURN_IF_ERROR(WriteFileAtomically((staging / "vocab.txt").string(), vocabulary.ToText()));
  // Replace the old checkpoint only once the new one is complete.
  const fs::path old = target.string() + ".old";
  fs::remove_all(old, error);
  if (fs::exists(target)) fs::rename(target, old, error);
  fs::rename(staging, target, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot move ", staging.string(), " to ", directory,
                                            ": ", error.message()));
  }
  fs::remove_all(old, error);
  return absl::OkStatus();
}

}  // namespace kdbench
