#include "lib/experiment/cell_counters.h"

#include "lib/experiment/claimed_work.h"

namespace kdbench {

std::vector<std::pair<std::string, double>> CellCounters(const nlohmann::json& record) {
  const nlohmann::json& result = record["result"];
  const nlohmann::json& metrics = RecordTestMetrics(record);
  std::vector<std::pair<std::string, double>> counters = {
      {"test_accuracy", metrics.value("test_accuracy", 0.0)},
      {"test_macro_f1", metrics.value("test_macro_f1", 0.0)},
      {"dev_accuracy", metrics.value("dev_accuracy", 0.0)}};
  if (record["kind"] == "teacher") {
    counters.insert(counters.end(),
                    {{"parameters", result.value("parameters", 0.0)},
                     {"embedding_parameters", result.value("embedding_parameters", 0.0)},
                     {"non_embedding_parameters", result.value("non_embedding_parameters", 0.0)},
                     {"compression", 1},
                     {"prediction_variance", result.value("mean_probability_variance", 0.0)},
                     {"one_hot_variance", result.value("one_hot_variance", 0.0)}});
    return counters;
  }
  const double embedding = result.value("embedding_parameters", 0.0);
  const double non_embedding = result.value("non_embedding_parameters", 0.0);
  counters.insert(counters.end(), {{"parameters", embedding + non_embedding},
                                   {"embedding_parameters", embedding},
                                   {"non_embedding_parameters", non_embedding}});
  const double teacher = result["teacher"].value("parameters", 0.0);
  if (teacher > 0 && embedding + non_embedding > 0) {
    counters.emplace_back("compression", teacher / (embedding + non_embedding));
  }
  counters.emplace_back("examples_per_second", result.value("train_examples_per_second", 0.0));
  counters.emplace_back("epochs", result.value("epochs", 0.0));
  return counters;
}

}  // namespace kdbench
