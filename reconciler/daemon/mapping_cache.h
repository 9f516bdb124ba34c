// MappingSnapshot: what the mapping files looked like when they were last read,
// so a pass reads and parses them again only when something changed. At a
// million lines, re-parsing an unchanged tree cost every pass ~0.5 s of CPU and,
// while the new copy was built beside the old one, twice the desired state's memory.
//
// "Unchanged" is decided on everything the file watcher looks at (the list of
// configured paths, the fingerprint -- device, inode, size, mtime in ns -- of
// each path and each file below the mapping directories, following symlinks, so
// a ConfigMap `..data` swap is a change) AND on a hash of each file's content,
// read in chunks. The hash catches what a fingerprint can miss (a same-sized
// rewrite that keeps the mtime, e.g. `touch -r`); a file that cannot be read
// has no snapshot at all, so it is always loaded again and its error reported
// exactly as before. Taken BEFORE the files are loaded: an edit made during the
// load makes the next pass's snapshot differ, and that pass reads again.
//
//   auto now = MappingSnapshot::take(config.mappings);
//   if (now && lastGood && *now == *lastGood) reuse(); else { load(); if (ok) lastGood = now; }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/daemon/file_watch.h"

namespace ptrd {

struct MappingSnapshot {
  std::vector<std::string> paths;  // as configured, in order (the order of loading)
  std::vector<FileFingerprint> prints;
  std::vector<uint64_t> contentHashes;  // one per regular file in `prints`, same order

  bool operator==(const MappingSnapshot&) const = default;

  // nullopt when a path or file is missing or unreadable (no reuse is then possible).
  static std::optional<MappingSnapshot> take(const std::vector<std::string>& paths);
};

// A hash of the file's bytes, read in 64 KiB chunks; nullopt when it cannot be read.
std::optional<uint64_t> contentHashOf(const std::string& path);

}  // namespace ptrd
