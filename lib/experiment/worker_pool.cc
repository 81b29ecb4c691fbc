#include "lib/experiment/worker_pool.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/util/atomic_file.h"
#include "lib/util/progress.h"

extern char** environ;

namespace kdbench {

int RunWorkers(int jobs, const std::string& phase, const std::vector<std::string>& pass_flags,
               const std::string& results_dir, const std::map<std::string, int64_t>& totals,
               std::chrono::steady_clock::time_point start) {
  std::vector<pid_t> pids;
  std::vector<FILE*> outputs;
  const std::string logs = results_dir + "/logs";
  if (!CreateDirectories(logs).ok()) return 1;
  std::error_code error;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe", error).string();
  if (error) {
    std::fprintf(stderr, "kdbench: cannot find this binary (/proc/self/exe): %s\n",
                 error.message().c_str());
    return 1;
  }
  for (int worker = 0; worker < jobs; ++worker) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return 1;
    const std::string log = absl::StrCat(logs, "/", phase, "-worker-", worker, ".log");
    // argv[0] is the binary's real path, so that ps and pkill name workers
    // like their parent.
    std::vector<std::string> arguments = {self, absl::StrCat("--phase=", phase), "--worker",
                                          absl::StrCat("--parent_pid=", getpid())};
    arguments.insert(arguments.end(), pass_flags.begin(), pass_flags.end());
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (spawned != 0) {
      std::fprintf(stderr, "kdbench: cannot start a worker\n");
      return 1;
    }
    pids.push_back(pid);
    outputs.push_back(fdopen(pipe_fds[0], "r"));
  }
  // One reader thread per worker; the main thread prints.
  std::mutex mutex;
  int64_t failed = 0;
  // Per kind: items finished and their summed seconds (the events' own).
  std::map<std::string, std::pair<int64_t, double>> finished;
  std::vector<std::thread> readers;
  for (FILE* output : outputs) {
    readers.emplace_back([&, output] {
      char* line = nullptr;
      size_t capacity = 0;
      while (getline(&line, &capacity, output) > 0) {
        std::string text(line);
        if (!text.empty() && text.back() == '\n') text.pop_back();
        std::lock_guard<std::mutex> lock(mutex);
        const bool is_done = text.rfind("DONE ", 0) == 0;
        const bool is_failed = text.rfind("FAILED ", 0) == 0;
        if (!is_done && !is_failed) continue;
        if (is_failed) ++failed;
        // "DONE what seconds name record" / "FAILED what name: why".
        std::vector<std::string> fields = absl::StrSplit(text, absl::MaxSplits(' ', 4));
        const std::string kind = fields.size() > 1 ? fields[1] : "";
        double seconds = 0;
        if (is_done && fields.size() > 2 && !absl::SimpleAtod(fields[2], &seconds)) seconds = 0;
        auto& [count, summed] = finished[kind];
        ++count;
        summed += seconds;
        // What is left, at each kind's mean so far, shared by the workers.
        // A kind with nothing finished yet (cells while teachers train) has
        // no mean: the ETA then says it leaves them out.
        double left = 0;
        std::string untimed;
        for (const auto& [name, total] : totals) {
          const auto seen = finished.find(name);
          const int64_t made = seen == finished.end() ? 0 : seen->second.first;
          if (made == 0) {
            if (total > 0) absl::StrAppend(&untimed, " + ", name, "s");
            continue;
          }
          left += seen->second.second / static_cast<double>(made) *
                  static_cast<double>(std::max<int64_t>(0, total - made));
        }
        std::string shown = is_failed ? text.substr(0, 300)
                                      : absl::StrCat(fields.size() > 3 ? fields[3] : "", " (",
                                                     fields.size() > 2 ? fields[2].substr(0, 5)
                                                                       : "",
                                                     " s)");
        const auto total = totals.find(kind);
        const std::string counted = total != totals.end() && total->second > 0
                                        ? absl::StrCat(count, "/", total->second)
                                        : absl::StrCat(count);
        std::fprintf(stderr, "[%ss %s] %s | elapsed %s, ETA %s%s\n", kind.c_str(),
                     counted.c_str(), shown.c_str(), FormatDuration(SecondsSince(start)).c_str(),
                     FormatDuration(left / jobs).c_str(), untimed.c_str());
      }
      free(line);
      fclose(output);
    });
  }
  for (std::thread& reader : readers) reader.join();
  int status = 0;
  for (size_t worker = 0; worker < pids.size(); ++worker) {
    int wait_status = 0;
    waitpid(pids[worker], &wait_status, 0);
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) continue;
    status = 1;
    std::fprintf(stderr, "kdbench: %s worker %zu %s; its log: %s/%s-worker-%zu.log\n",
                 phase.c_str(), worker,
                 WIFSIGNALED(wait_status)
                     ? absl::StrCat("was killed by signal ", WTERMSIG(wait_status)).c_str()
                     : absl::StrCat("exited with status ", WEXITSTATUS(wait_status)).c_str(),
                 logs.c_str(), phase.c_str(), worker);
  }
  if (failed > 0 || status != 0) {
    std::fprintf(stderr, "kdbench: %lld teacher(s) or cell(s) failed; see %s\n",
                 static_cast<long long>(failed), logs.c_str());
    return 1;
  }
  return 0;
}

}  // namespace kdbench
