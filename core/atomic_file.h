// Writing a small state file so that a crash leaves the old or the new content,
// never a torn one: the daemon's job journal and the providers' own state (rate
// budgets) share it.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"

namespace ptrd {

// Writes `content` to `path` atomically and durably: a new temporary file next
// to it (mkostemp: an unpredictable name, so a planted symlink is never
// followed), fsync, rename, fsync of the directory. A failure is transient and
// leaves `path` as it was.
Status writeFileAtomically(const std::string& path, const std::string& content);

// Reads a state file written by writeFileAtomically: nullopt when there is none
// yet (first run), an Error when it cannot be read or is over maxBytes (a state
// file is small; a huge one is not ours, and is never read into memory whole).
// Opened with O_NOFOLLOW|O_NONBLOCK, so a symlink or a FIFO planted in its place
// is refused rather than followed or waited on.
Result<std::optional<std::string>> readStateFile(const std::string& path, size_t maxBytes);

}  // namespace ptrd
