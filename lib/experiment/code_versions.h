// Versions of the code that computes results: hashes of the library sources
// behind teachers and student cells, derived at build time
// (tools/code_versions.bzl). Keys include them, so a record or a teacher made
// by other code is never reused; none is bumped by hand.
#ifndef KDBENCH_LIB_EXPERIMENT_CODE_VERSIONS_H_
#define KDBENCH_LIB_EXPERIMENT_CODE_VERSIONS_H_

#include <string>

namespace kdbench {

// The code that pre-trains and fine-tunes teachers (and TAKD assistants).
std::string TeacherCodeVersion();

// The code that computes a cell of this student architecture: everything a
// cell runs, less the files of the other students alone. An architecture
// without a component of its own gets the version of all cell code.
std::string CellCodeVersion(const std::string& student);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_CODE_VERSIONS_H_
