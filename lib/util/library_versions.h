// Versions of the libraries a result was computed with, for provenance: the
// installed Debian packages (dpkg-query), since several of them (Google
// Benchmark, re2) carry no version macro.
#ifndef KDBENCH_LIB_UTIL_LIBRARY_VERSIONS_H_
#define KDBENCH_LIB_UTIL_LIBRARY_VERSIONS_H_

#include <map>
#include <string>

namespace kdbench {

// package -> version for the suite's libraries; a package that is not
// installed is absent. Computed once per process.
const std::map<std::string, std::string>& LibraryVersions();

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_LIBRARY_VERSIONS_H_
