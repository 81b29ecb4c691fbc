// BERT checkpoints in Hugging Face's directory layout: config.json,
// vocab.txt and model.safetensors. The suite reads checkpoints users bring
// (the paper profile) and writes its own teachers the same way.
#ifndef KDBENCH_LIB_MODELS_BERT_CHECKPOINT_H_
#define KDBENCH_LIB_MODELS_BERT_CHECKPOINT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/models/bert.h"
#include "lib/models/safetensors.h"
#include "lib/text/vocabulary.h"

namespace kdbench {

struct WeightLoadReport {
  std::vector<std::string> loaded;      // module parameter names
  std::vector<std::string> missing;     // parameters the file lacks (left as initialised)
  std::vector<std::string> unexpected;  // file tensors nothing used
  std::vector<std::string> ignored;     // file tensors known to be unneeded
                                        // (position_ids, tied decoder, NSP head)
};

// Copies the file's tensors into `model` by Hugging Face name. Accepted
// variants: with or without the "bert." prefix, and the older
// LayerNorm.gamma / LayerNorm.beta names. A shape mismatch is an
// InvalidArgumentError naming the tensor and both shapes.
absl::StatusOr<WeightLoadReport> LoadBertWeights(torch::nn::Module& model,
                                                 const SafetensorsFile& file);

struct LoadedTeacher {
  BertTeacher model{nullptr};
  Vocabulary vocabulary;
  WeightLoadReport report;
  std::string checkpoint_hash;  // over config.json, vocab.txt, model.safetensors
};

struct TeacherLoadOptions {
  // A fine-tuned teacher must have its classifier; a pre-trained encoder
  // (to be fine-tuned) may not.
  bool require_classifier = true;
  // Used when the directory has no vocab.txt.
  std::string fallback_vocab;
  // A checkpoint without labels (a pre-trained encoder) gets these, and a
  // classifier initialised anew; needs require_classifier = false.
  std::vector<std::string> labels_if_missing;
};

// Errors name the directory and what is missing or wrong: no config.json;
// with require_classifier, a config whose "architectures" names a
// pre-trained encoder rather than a sequence classifier; a
// pytorch_model.bin without model.safetensors (refused, with how to
// convert); missing encoder weights (listed); tensors the config's model
// does not use (listed), e.g. a config with fewer layers than the file.
absl::StatusOr<LoadedTeacher> LoadBertTeacher(const std::string& directory,
                                              const TeacherLoadOptions& options);

// Writes config.json, vocab.txt and model.safetensors into `directory`
// atomically: a staging directory is filled, then renamed into place.
// `architecture` goes into config.json's "architectures": a pre-trained
// encoder is "BertForMaskedLM", so that it is never taken for a fine-tuned
// teacher.
absl::Status SaveBertTeacher(BertTeacher& model, const Vocabulary& vocabulary,
                             const std::string& directory,
                             const std::string& architecture = "BertForSequenceClassification");

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_BERT_CHECKPOINT_H_
