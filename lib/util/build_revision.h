// The source revision a binary was built from, for provenance: the commit of
// the checkout, with "-dirty" when tracked files differed from it; "unknown"
// when built outside a git checkout. Stamped at build time
// (tools/build_revision.bzl), so records made anywhere carry it.
#ifndef KDBENCH_LIB_UTIL_BUILD_REVISION_H_
#define KDBENCH_LIB_UTIL_BUILD_REVISION_H_

#include <string>

namespace kdbench {

std::string BuildRevision();

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_BUILD_REVISION_H_
