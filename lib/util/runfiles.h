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

// Where `bazel run` was started ($BUILD_WORKSPACE_DIRECTORY), else ".".
std::string WorkspaceDirectory();

// An input file a user names: absolute or existing as given, else under the
// workspace (bazel run), else in the runfiles; else `path` unchanged, for
// the reader's error to name.
std::string LocateInput(const std::string& path);

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_RUNFILES_H_
