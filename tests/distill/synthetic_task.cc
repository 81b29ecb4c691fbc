#include "tests/distill/synthetic_task.h"

#include <torch/torch.h>

#include "lib/models/bilstm_student.h"

namespace kdbench {

EncodedExamples SyntheticExamples(int64_t count, uint64_t seed, bool labeled) {
  torch::manual_seed(seed);
  EncodedExamples examples;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t length = 3 + torch::randint(6, {1}).item<int64_t>();
    std::vector<int32_t> ids;
    for (int64_t t = 0; t < length; ++t) {
      ids.push_back(static_cast<int32_t>(10 + torch::randint(20, {1}).item<int64_t>()));
    }
    const int32_t label = static_cast<int32_t>(i % 2);
    ids[torch::randint(length, {1}).item<int64_t>()] = 5 + label;
    examples.ids.push_back(ids);
    examples.labels.push_back(labeled ? label : -1);
    examples.corpus_indices.push_back(i);
  }
  return examples;
}

TransferSet SyntheticTransfer(int64_t count, uint64_t seed) {
  TransferSet set;
  set.examples = SyntheticExamples(count, seed, /*labeled=*/false);
  torch::Tensor labels = torch::arange(count) % 2;
  torch::Tensor logits = torch::stack({labels.eq(0).to(torch::kFloat) * 4 - 2,
                                       labels.eq(1).to(torch::kFloat) * 4 - 2},
                                      1);
  torch::Tensor probabilities = torch::softmax(logits, 1);
  set.targets.logits = logits;
  set.targets.probabilities = probabilities;
  set.targets.logit_targets = torch::log(probabilities / (1 - probabilities));
  torch::Tensor prototypes = torch::randn({2, kTeacherWidth});
  set.targets.representation = prototypes.index_select(0, labels);
  return set;
}

StudentPtr TinyStudent(uint64_t seed) {
  torch::manual_seed(seed);
  return std::make_shared<BiLstmStudentImpl>(
      BiLstmStudentOptions(kVocab, 2).embedding_dim(8).hidden_size(8).dropout(0.1));
}

ScheduleOptions Order(int64_t max_epochs) {
  ScheduleOptions options{.max_epochs = max_epochs, .patience = max_epochs};
  options.unfreeze_order = {"classifier", "bilstm", "embedding"};
  return options;
}

}  // namespace kdbench
