// Worker processes for a run: `jobs` copies of the running binary, each
// told its phase, and the parent showing progress and an ETA from the event
// lines they print (claimed_work.h).
#ifndef KDBENCH_LIB_EXPERIMENT_WORKER_POOL_H_
#define KDBENCH_LIB_EXPERIMENT_WORKER_POOL_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kdbench {

// Runs `phase` in `jobs` copies of this binary (argv: --phase=PHASE --worker
// --parent_pid=PID, then `pass_flags`) and shows progress per kind of work
// ("teacher", "cell": the events' second word) against `totals`, with an
// overall ETA since `start`; worker logs go to <results_dir>/logs/. Returns
// 0 when every worker exited cleanly and nothing failed, else 1.
int RunWorkers(int jobs, const std::string& phase, const std::vector<std::string>& pass_flags,
               const std::string& results_dir, const std::map<std::string, int64_t>& totals,
               std::chrono::steady_clock::time_point start);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_WORKER_POOL_H_
