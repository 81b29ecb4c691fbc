#include "lib/experiment/work_plan.h"

#include <set>

#include "absl/strings/str_cat.h"

namespace kdbench {

KeyedCells DistinctCells(const std::vector<Grid>& grids, const GridRunner& runner) {
  KeyedCells cells;
  std::set<std::string> seen;
  for (const Grid& grid : grids) {
    for (const GridCell& cell : grid.cells) {
      std::string key = runner.CellKey(cell);
      if (seen.insert(key).second) cells.emplace_back(std::move(key), cell);
    }
  }
  return cells;
}

KeyedCells TeacherJobs(const KeyedCells& cells, const GridRunner& runner, bool teacher_per_seed) {
  KeyedCells jobs;
  std::set<std::string> seen;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& [key, cell] : cells) {
      if (runner.FinishedCell(cell).ok()) continue;
      if (pass == 1 && cell.method == "none") continue;
      GridCell job = cell;
      if (pass == 0) job.method = "none";
      else job.method = kTeacherMethod;
      job.student.clear();
      job.schedule.clear();
      if (pass == 0) job.labels_per_class = 0;
      if (pass == 0 || !teacher_per_seed) job.seed = 1;
      const std::string id =
          pass == 0 ? absl::StrCat(job.dataset, "/", job.teacher, "/pre-train")
                    : absl::StrCat(job.dataset, "/", job.teacher, "/fine-tune/labels:",
                                   LabelsName(job.labels_per_class), "/seed:", job.seed);
      if (seen.insert(id).second) jobs.emplace_back(id, job);
    }
  }
  return jobs;
}

}  // namespace kdbench
