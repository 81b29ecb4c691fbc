// Where the bootstrap installs embedded data.
#ifndef KDBENCH_LIB_DATA_DATA_DIRECTORY_H_
#define KDBENCH_LIB_DATA_DATA_DIRECTORY_H_

#include <string>

namespace kdbench {

// $KDBENCH_DATA_DIR, else $XDG_CACHE_HOME/kdbench/data, else
// $HOME/.cache/kdbench/data (what tools/bootstrap.sh uses).
std::string DataDirectory();

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_DATA_DIRECTORY_H_
