#include "lib/util/build_revision.h"

namespace kdbench {

std::string BuildRevision() {
  return
#include "lib/util/build_revision.inc"
      ;
}

}  // namespace kdbench
