// Writing a small state file so that a crash leaves the old or the new content,
// never a torn one: the daemon's job journal and the providers' own state (rate
// budgets) share it.
#pragma once

#include <string>

#include "core/result.h"

namespace ptrd {

// Writes `content` to `path` atomically and durably: a new temporary file next
// to it (mkostemp: an unpredictable name, so a planted symlink is never
// followed), fsync, rename, fsync of the directory. A failure is transient and
// leaves `path` as it was.
Status writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace ptrd
