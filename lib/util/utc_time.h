// The current time for records: "2026-11-22T10:05:19Z" (UTC, seconds).
#ifndef KDBENCH_LIB_UTIL_UTC_TIME_H_
#define KDBENCH_LIB_UTIL_UTC_TIME_H_

#include <string>

namespace kdbench {

std::string UtcNow();

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_UTC_TIME_H_
