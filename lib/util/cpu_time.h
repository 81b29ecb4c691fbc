// CPU time this process has used, all its threads together. A stage's CPU
// seconds, unlike its wall seconds, do not grow while the process is
// stopped (SIGSTOP, a suspended job) or waits for a busy machine: with one
// thread per worker they are its compute time.
#ifndef KDBENCH_LIB_UTIL_CPU_TIME_H_
#define KDBENCH_LIB_UTIL_CPU_TIME_H_

namespace kdbench {

// Seconds of CPU time since the process started (CLOCK_PROCESS_CPUTIME_ID).
double ProcessCpuSeconds();

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_CPU_TIME_H_
