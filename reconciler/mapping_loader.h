// loadMappings(): mapping files and directories → DesiredState (contract §1).
//
// Paths may be files or directories. Directories are walked recursively in sorted
// order, taking *.yaml/*.yml (PTRMappings documents) and *.txt/*.csv (bulk lines);
// names starting with '.' are skipped, which also skips the `..data` and
// timestamped directories of a Kubernetes ConfigMap volume (their files are
// reached once, through the visible symlinks).
//
//   auto desired = loadMappings({"mappings/"});
//   for (auto& e : desired.fileErrors) fmt::print("{}\n", e.str());
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reconciler/desired_state.h"

namespace ptrd {

struct LoadOptions {
  // A range with more addresses than this is refused rather than expanded
  // (a /8 typo would otherwise become gigabytes of records).
  uint64_t maxRangeSize = 65536;
};

DesiredState loadMappings(const std::vector<std::string>& paths, const LoadOptions& options = {});

// Lists the files loadMappings would read, in order; errors for missing paths.
struct MappingFileList {
  std::vector<std::string> files;
  std::vector<Diagnostic> errors;
};
MappingFileList listMappingFiles(const std::vector<std::string>& paths);

}  // namespace ptrd
