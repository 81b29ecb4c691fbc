#include "lib/models/student.h"

namespace kdbench {

int64_t StudentImpl::NonEmbeddingParameterCount() const {
  int64_t total = 0;
  for (const auto& parameter : parameters()) total += parameter.numel();
  return total - EmbeddingParameterCount();
}

}  // namespace kdbench
