#include "lib/experiment/student_cell_record.h"

#include "gtest/gtest.h"
#include "lib/util/content_hash.h"

namespace kdbench {
namespace {

TeacherUse Distilled(const std::string& hash, int64_t parameters, const std::string& cache) {
  return {.hash = hash,
          .parameters = parameters,
          .embedding_parameters = parameters / 4,
          .distilled = true,
          .cache = cache,
          .forward_passes = 10,
          .reused_from_cache = 90,
          .width = 128};
}

StudentCellResult Result() {
  StudentCellResult result;
  result.options.dataset = "wordnet";
  result.options.method = "soft";
  result.options.seed = 3;
  result.student = "bilstm";
  result.labels_per_class = 100;
  result.phases = {{.name = "joint", .epochs_run = 4, .best_epoch = 2},
                   {.name = "labels", .epochs_run = 3, .best_epoch = 3,
                    .selected_on_transfer_loss = true}};
  result.teacher.teacher = Distilled("t1", 1000, "/cache/t1");
  return result;
}

TEST(StudentCellRecordTest, OneTeacherRecordsItsOutputsAndProvenance) {
  const nlohmann::json json = StudentCellResultJson(Result());
  EXPECT_EQ(json["epochs"], 7);
  EXPECT_EQ(json["phases"][1]["selection"], "held-out transfer loss");
  EXPECT_EQ(json["phases"][0]["selection"], "dev accuracy");
  EXPECT_EQ(json["teacher"]["width"], 128);
  EXPECT_EQ(json["teacher"]["forward_passes"], 10);
  EXPECT_FALSE(json["teacher"].contains("members"));
  EXPECT_FALSE(json["teacher"].contains("checkpoint"));
  EXPECT_EQ(json["provenance"]["teacher_hash"], "t1");
  EXPECT_EQ(json["provenance"]["cache_key"], "/cache/t1");
  EXPECT_EQ(json["provenance"]["config_hash"],
            Sha256Hex(StudentCellConfigJson(Result().options).dump()));
  EXPECT_EQ(json["embedding"], nlohmann::json({{"init", "uniform(-0.1, 0.1)"}}));
  EXPECT_FALSE(json.contains("deployment"));
  EXPECT_FALSE(json["config"].contains("step_budget"));  // added later: only when set
}

// A student without distillation: the teacher gives its vocabulary only.
TEST(StudentCellRecordTest, NoDistillationRecordsNoTeacherOutputs) {
  StudentCellResult result = Result();
  result.teacher.teacher = {.hash = "t1", .parameters = 1000, .embedding_parameters = 250};
  const nlohmann::json json = StudentCellResultJson(result);
  EXPECT_EQ(json["teacher"], nlohmann::json({{"hash", "t1"},
                                             {"parameters", 1000},
                                             {"embedding_parameters", 250}}));
  EXPECT_EQ(json["provenance"]["cache_key"], "");
}

// An ensemble: its sums and weighting at the top (no single width), each
// member listed, the members after the first with their checkpoints.
TEST(StudentCellRecordTest, EnsembleListsItsMembers) {
  StudentCellResult result = Result();
  TeacherUse second = Distilled("t2", 3000, "/cache/t2");
  second.checkpoint = "/store/large";
  result.teacher.members = {result.teacher.teacher, second};
  result.teacher.ensemble = "confidence";
  result.teacher.teacher.hash = "combined";
  result.teacher.teacher.parameters = 4000;
  result.teacher.teacher.width = 0;
  const nlohmann::json json = StudentCellResultJson(result);
  EXPECT_EQ(json["teacher"]["ensemble"], "confidence");
  EXPECT_EQ(json["teacher"]["parameters"], 4000);
  EXPECT_FALSE(json["teacher"].contains("width"));
  ASSERT_EQ(json["teacher"]["members"].size(), 2u);
  EXPECT_FALSE(json["teacher"]["members"][0].contains("checkpoint"));
  EXPECT_EQ(json["teacher"]["members"][1]["checkpoint"], "/store/large");
  EXPECT_EQ(json["teacher"]["members"][1]["width"], 128);
  EXPECT_EQ(json["provenance"]["teacher_hash"], "combined");
}

TEST(StudentCellRecordTest, DeploymentPerPrecisionSaysWhyOneIsUnsupported) {
  StudentCellResult result = Result();
  result.deployment = {{.precision = InferencePrecision::kFloat32,
                        .supported = true,
                        .kernel = "packed",
                        .test_accuracy = 0.9,
                        .test_predictions = {1, 0}},
                       {.precision = InferencePrecision::kInt8,
                        .reason = "no AVX-512 VNNI"}};
  const nlohmann::json json = StudentCellResultJson(result);
  EXPECT_EQ(json["deployment"]["float32"]["kernel"], "packed");
  EXPECT_EQ(json["deployment"]["float32"]["test_predictions"], nlohmann::json({1, 0}));
  EXPECT_EQ(json["deployment"]["int8"],
            nlohmann::json({{"supported", false}, {"reason", "no AVX-512 VNNI"}}));
}

}  // namespace
}  // namespace kdbench
