// Files that travel with a binary (Bazel `data` dependencies), found the same
// way whether it runs under `bazel run`, `bazel test`, from bazel-bin/ or
// from the repository root.
#ifndef KDBENCH_LIB_UTIL_RUNFILES_H_
#define KDBENCH_LIB_UTIL_RUNFILES_H_

#include <string>

namespace kdbench {

// `relative` is a workspace-relative path such as
// "datasets/vocab/bert-base-uncased-vocab.txt". Looks in $RUNFILES_DIR and
// $TEST_SRCDIR, next to the executable (<exe>.runfiles/kdbench/), then the
// current directory; returns the first that exists, else `relative`.
std::string FindRunfile(const std::string& relative);

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_RUNFILES_H_
