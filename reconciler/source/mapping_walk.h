// listMappingFiles(): the files loadMappings reads, from files and directories.
//
// Directories are walked recursively in sorted order, taking *.yaml/*.yml and
// *.txt/*.csv; names starting with '.' are skipped, which also skips the `..data`
// and timestamped directories of a Kubernetes ConfigMap volume (their files are
// reached once, through the visible symlinks, which are followed).
//
// A mappings folder is input too (contract §7): symlinks may point anywhere, so
// the walk tracks directories by (device, inode). A link back to an ancestor, or
// to a directory already walked, is an error naming the link (`ln -s . x` would
// otherwise make the walk endless, and two such links exponential); the same real
// file reached twice is listed once; depth and the number of entries walked are
// bounded, and hitting a bound is an error naming it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/diagnostic.h"

namespace ptrd {

inline constexpr size_t kMaxWalkDepth = 32;         // directories below a given path
inline constexpr size_t kMaxWalkEntries = 100'000;  // directory entries seen, per listing

struct WalkLimits {
  size_t maxDepth = kMaxWalkDepth;
  size_t maxEntries = kMaxWalkEntries;
};

struct MappingFileList {
  std::vector<std::string> files;
  std::vector<Diagnostic> errors;
};

// Lists the files loadMappings would read, in order; errors for missing paths,
// loops and bounds (the listing is then incomplete, so loading must fail).
MappingFileList listMappingFiles(const std::vector<std::string>& paths,
                                 const WalkLimits& limits = {});

bool isYamlMappingFile(const std::string& path);
bool isBulkMappingFile(const std::string& path);

}  // namespace ptrd
