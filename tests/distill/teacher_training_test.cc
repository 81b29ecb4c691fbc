// Teacher training on real text (the embedded fortunes): masked-LM loss
// falls, fine-tuning beats chance on dev and restores the best epoch.
#include "lib/distill/teacher_training.h"

#include <torch/torch.h>

#include <algorithm>

#include "gtest/gtest.h"
#include "lib/data/dataset_registry.h"
#include "lib/data/splits.h"
#include "lib/models/bert_config.h"
#include "lib/models/teacher_outputs.h"
#include "lib/text/wordpiece_trainer.h"

namespace kdbench {
namespace {

class TeacherTrainingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    torch::set_num_threads(1);
    absl::StatusOr<Corpus> corpus = ReadDataset("fortunes", {});
    ASSERT_TRUE(corpus.ok()) << corpus.status() << " (run ./kdbench bootstrap)";
    corpus_ = new Corpus(*std::move(corpus));
    absl::StatusOr<DataSplit> split = MakeSplit(*corpus_, {.labels_per_class = 60});
    ASSERT_TRUE(split.ok());
    split_ = new DataSplit(*std::move(split));
    WordpieceTrainer trainer({.vocab_size = 1500});
    for (int64_t index : split_->unlabeled) trainer.AddText(CorpusExample(*corpus_, index).text);
    tokenizer_ = new BertTokenizer(*trainer.Train());
  }
  static void TearDownTestSuite() {
    delete tokenizer_;
    delete split_;
    delete corpus_;
  }

  static BertTeacher TinyTeacher() {
    absl::StatusOr<BertConfig> config =
        TeacherSizeConfig("tiny", tokenizer_->vocabulary().size(), 48);
    config->labels = corpus_->label_names;
    torch::manual_seed(11);
    return BertTeacher(*config);
  }

  static Corpus* corpus_;
  static DataSplit* split_;
  static BertTokenizer* tokenizer_;
};
Corpus* TeacherTrainingTest::corpus_ = nullptr;
DataSplit* TeacherTrainingTest::split_ = nullptr;
BertTokenizer* TeacherTrainingTest::tokenizer_ = nullptr;

TEST_F(TeacherTrainingTest, MaskedLmLossFallsOnRealText) {
  BertTeacher teacher = TinyTeacher();
  EncodedExamples transfer = EncodeExamples(*corpus_, split_->unlabeled, *tokenizer_, 48);
  const Vocabulary& vocab = tokenizer_->vocabulary();
  PretrainOptions options{.epochs = 3, .batch_size = 32, .progress = false};
  options.optimizer.learning_rate = 2e-3;
  absl::StatusOr<PretrainReport> report =
      PretrainMaskedLm(teacher, transfer, vocab.mask_id(), vocab.pad_id(), vocab.cls_id(),
                       vocab.sep_id(), options, torch::kCPU);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->epoch_losses.size(), 3u);
  // Untrained, the loss is about ln(vocab) = 7.3 and stays there if nothing
  // learns; here it must fall clearly (6.71 -> 6.22 when written).
  EXPECT_LT(report->last_epoch_loss, report->first_epoch_loss - 0.3)
      << report->first_epoch_loss << " -> " << report->last_epoch_loss;
}

TEST_F(TeacherTrainingTest, FinetuningBeatsChanceAndKeepsTheBestEpoch) {
  BertTeacher teacher = TinyTeacher();
  EncodedExamples train = EncodeExamples(*corpus_, split_->train, *tokenizer_, 48);
  EncodedExamples dev = EncodeExamples(*corpus_, split_->dev, *tokenizer_, 48);
  FinetuneOptions options{.max_epochs = 8, .patience = 3, .batch_size = 16, .progress = false};
  options.optimizer.learning_rate = 3e-3;
  absl::StatusOr<FinetuneReport> report = FinetuneClassifier(
      teacher, train, dev, tokenizer_->vocabulary().pad_id(), options, torch::kCPU);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GT(report->best_dev_accuracy, 0.25 + 0.1);  // 4 classes
  const double restored =
      Accuracy(PredictClasses(teacher, dev, tokenizer_->vocabulary().pad_id(), 16, torch::kCPU),
               dev.labels);
  EXPECT_DOUBLE_EQ(restored, report->best_dev_accuracy);
}

// A teacher assistant learns a larger teacher's outputs beside its labels:
// here the "teacher" always says class 2, so the assistant, fine-tuned with
// a heavy KL weight, agrees with it on the transfer set far more often than
// one fine-tuned on the labels alone.
TEST_F(TeacherTrainingTest, AnAssistantLearnsTheTeachersOutputs) {
  EncodedExamples train = EncodeExamples(*corpus_, split_->train, *tokenizer_, 48);
  EncodedExamples dev = EncodeExamples(*corpus_, split_->dev, *tokenizer_, 48);
  std::vector<int64_t> rows(split_->unlabeled.begin(), split_->unlabeled.begin() + 200);
  EncodedExamples transfer = EncodeExamples(*corpus_, rows, *tokenizer_, 48);
  torch::Tensor says_two = torch::full({transfer.size(), 4}, -4.0);
  says_two.select(1, 2).fill_(4.0);
  const int32_t pad = tokenizer_->vocabulary().pad_id();
  auto agreement = [&](bool distil) {
    BertTeacher assistant = TinyTeacher();
    FinetuneOptions options{.max_epochs = 3, .patience = 3, .batch_size = 16, .progress = false};
    options.optimizer.learning_rate = 3e-3;
    if (distil) options.distillation = {.transfer = &transfer, .teacher_logits = says_two,
                                        .temperature = 2, .weight = 5};
    absl::StatusOr<FinetuneReport> report =
        FinetuneClassifier(assistant, train, dev, pad, options, torch::kCPU);
    EXPECT_TRUE(report.ok()) << report.status();
    const std::vector<int32_t> predicted = PredictClasses(assistant, transfer, pad, 32, torch::kCPU);
    return std::count(predicted.begin(), predicted.end(), 2) / static_cast<double>(predicted.size());
  };
  const double plain = agreement(false), distilled = agreement(true);
  EXPECT_GT(distilled, 0.9) << "plain " << plain;
  EXPECT_GT(distilled, plain + 0.2);
}

TEST_F(TeacherTrainingTest, DistillationNeedsOneTeacherRowPerTransferExample) {
  BertTeacher assistant = TinyTeacher();
  EncodedExamples train = EncodeExamples(*corpus_, split_->train, *tokenizer_, 48);
  EncodedExamples dev = EncodeExamples(*corpus_, split_->dev, *tokenizer_, 48);
  EncodedExamples transfer = EncodeExamples(*corpus_, split_->unlabeled, *tokenizer_, 48);
  FinetuneOptions options{.progress = false};
  options.distillation = {.transfer = &transfer, .teacher_logits = torch::zeros({3, 4})};
  absl::StatusOr<FinetuneReport> report = FinetuneClassifier(
      assistant, train, dev, tokenizer_->vocabulary().pad_id(), options, torch::kCPU);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("one row of teacher logits per example"),
            std::string::npos);
}

TEST(TeacherOutputsTest, LogOddsIsLogitOfProbabilityAndFinite) {
  torch::Tensor p = torch::tensor({{0.5, 0.5}, {0.9, 0.1}, {1.0, 0.0}});
  torch::Tensor odds = LogOdds(p);
  EXPECT_NEAR(odds[0][0].item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(odds[1][0].item<double>(), std::log(9.0), 1e-5);
  EXPECT_TRUE(torch::isfinite(odds).all().item<bool>());
  // For two classes log-odds are twice the centred logits.
  torch::Tensor logits = torch::tensor({{1.5, -0.5}});
  torch::Tensor two_class = LogOdds(torch::softmax(logits, -1));
  EXPECT_NEAR(two_class[0][0].item<double>(), 2.0, 1e-5);
}

}  // namespace
}  // namespace kdbench
