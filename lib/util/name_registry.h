// A registry of extensions by name, filled by static initialisers: the
// students (lib/models/student_registry.h) and dataset readers
// (lib/data/dataset_reader.h). Callers word their own unknown-name errors
// from Names().
#ifndef KDBENCH_LIB_UTIL_NAME_REGISTRY_H_
#define KDBENCH_LIB_UTIL_NAME_REGISTRY_H_

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace kdbench {

template <typename Entry>
class NameRegistry {
 public:
  // `what` names the kind of entry in the start-up error ("student").
  explicit NameRegistry(const char* what) : what_(what) {}

  // A second registration of a name aborts at start-up: two extensions would
  // otherwise silently share it. Returns true, for static initialisers.
  bool Add(const std::string& name, Entry entry) {
    if (!entries_.emplace(name, std::move(entry)).second) {
      std::fprintf(stderr, "kdbench: the %s '%s' is registered twice\n", what_, name.c_str());
      std::abort();
    }
    return true;
  }

  // nullptr for an unknown name.
  const Entry* Find(const std::string& name) const {
    auto found = entries_.find(name);
    return found == entries_.end() ? nullptr : &found->second;
  }

  // Sorted.
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& [name, entry] : entries_) names.push_back(name);
    return names;
  }

 private:
  const char* what_;
  std::map<std::string, Entry> entries_;
};

}  // namespace kdbench

// A unique name for a registration's static variable (one per line), for the
// KDBENCH_REGISTER_* macros.
#define KDBENCH_REGISTRATION_CONCAT_INNER(a, b) a##b
#define KDBENCH_REGISTRATION_CONCAT(a, b) KDBENCH_REGISTRATION_CONCAT_INNER(a, b)

#endif  // KDBENCH_LIB_UTIL_NAME_REGISTRY_H_
