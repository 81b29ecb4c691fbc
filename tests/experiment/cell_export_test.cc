#include "lib/experiment/cell_export.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "lib/util/atomic_file.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

EncodedExamples Examples(std::vector<std::vector<int32_t>> ids,
                         std::vector<int32_t> labels) {
  EncodedExamples examples;
  examples.ids = std::move(ids);
  examples.labels = std::move(labels);
  return examples;
}

TEST(CellExportTest, WritesWhatPythonsTorchLoadReadsAndTheSchedule) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/export";
  EncodedExamples train = Examples({{5, 6, 7}, {8}}, {0, 1});
  EncodedExamples dev = Examples({{9, 10}}, {1});
  EncodedExamples test = Examples({{}, {11, 12, 13, 14}}, {0, 1});
  TransferSet transfer;
  transfer.examples = Examples({{3, 4}, {5}, {6, 7, 8}}, {-1, -1, -1});
  transfer.targets.logit_targets = torch::arange(6, torch::kFloat).view({3, 2});
  transfer.targets.representation = torch::ones({3, 4});
  BiLstmStudent student(BiLstmStudentOptions(20, 2)
                            .embedding_dim(4)
                            .hidden_size(3)
                            .recurrent_dropout(0.2));
  CellExport cell{.train = &train,
                  .dev = &dev,
                  .test = &test,
                  .transfer = &transfer,
                  .held_out = nullptr,
                  .student = student.get(),
                  .phases = {{.name = "joint: L_CE + L_LL",
                              .losses = {{.loss = "L_CE", .weight = 10},
                                         {.loss = "L_LL", .weight = 1}},
                              .max_epochs = 7,
                              .patience = 2,
                              .max_steps = 30}},
                  .pad_id = 0,
                  .teacher_width = 4,
                  .optimizer = StudentOptimizer::kAdam,
                  .batch_size = 2,
                  .seed = 3,
                  .representation_reduction = FeatureReduction::kMean,
                  .cell_name = "toy"};
  ASSERT_TRUE(ExportCell(dir, cell).ok());

  absl::StatusOr<std::string> bytes = ReadFileToString(dir + "/tensors.pt");
  ASSERT_TRUE(bytes.ok());
  const c10::IValue loaded =
      torch::pickle_load(std::vector<char>(bytes->begin(), bytes->end()));
  auto tensors = loaded.toGenericDict();
  auto get = [&](const std::string& name) {
    return tensors.at(name).toTensor();
  };
  EXPECT_TRUE(torch::equal(get("train_ids"),
                           torch::tensor({5, 6, 7, 8}, torch::kLong)));
  EXPECT_TRUE(torch::equal(get("train_offsets"),
                           torch::tensor({0, 3, 4}, torch::kLong)));
  EXPECT_TRUE(torch::equal(get("test_offsets"),
                           torch::tensor({0, 0, 4}, torch::kLong)));
  EXPECT_TRUE(
      torch::equal(get("dev_labels"), torch::tensor({1}, torch::kLong)));
  EXPECT_TRUE(torch::equal(get("transfer_logit_targets"),
                           transfer.targets.logit_targets));
  EXPECT_TRUE(torch::equal(get("transfer_representation"),
                           transfer.targets.representation));
  EXPECT_FALSE(
      tensors.contains("transfer_probabilities"));  // not computed, not written
  EXPECT_FALSE(tensors.contains("held_out_ids"));

  const nlohmann::json json =
      nlohmann::json::parse(*ReadFileToString(dir + "/cell.json"));
  EXPECT_EQ(json["student"]["hidden_size"], 3);
  EXPECT_EQ(json["student"]["recurrent_dropout"], 0.2);
  EXPECT_EQ(json["student"]["pooling"], "max");
  const nlohmann::json& phase = json["training"]["phases"][0];
  EXPECT_EQ(phase["losses"][0]["loss"], "L_CE");
  EXPECT_EQ(phase["losses"][0]["weight"], 10);
  EXPECT_EQ(phase["max_steps"], 30);
  EXPECT_EQ(json["training"]["seed"], 3);
}

TEST(CellExportTest, NeedsTheSplitsAndAStudent) {
  EXPECT_EQ(ExportCell("/nonexistent", CellExport{}).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kdbench
