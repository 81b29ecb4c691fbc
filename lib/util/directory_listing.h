// Listing a directory in a stable order (readers and caches must see files
// in the same order on every machine).
#ifndef KDBENCH_LIB_UTIL_DIRECTORY_LISTING_H_
#define KDBENCH_LIB_UTIL_DIRECTORY_LISTING_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace kdbench {

// Paths of the entries of `directory` whose names end with `suffix`, sorted;
// empty if the directory cannot be read.
std::vector<std::string> SortedFilesEndingWith(const std::string& directory,
                                               absl::string_view suffix);

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_DIRECTORY_LISTING_H_
