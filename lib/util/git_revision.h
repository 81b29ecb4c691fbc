// The source revision a result came from, for provenance: the commit of the
// checkout at `directory`, with "-dirty" when tracked files differ from it;
// "unknown" outside a git checkout or without git.
#ifndef KDBENCH_LIB_UTIL_GIT_REVISION_H_
#define KDBENCH_LIB_UTIL_GIT_REVISION_H_

#include <string>

namespace kdbench {

std::string GitRevision(const std::string& directory);

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_GIT_REVISION_H_
