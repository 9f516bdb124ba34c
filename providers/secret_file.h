// What a secret file (API key, bearer token) may hold. The secret goes into an
// HTTP header verbatim, so a CR or LF in it would let the file's content add
// headers of its own (header injection), and any other control character is a
// mistake in the file; both are refused. Exactly one trailing newline -- the one
// editors and `echo` add -- is dropped first; nothing else is trimmed.
//
// Errors name the file, never its content.
#pragma once

#include <string>

#include "core/result.h"

namespace ptrd::providers {

// `content` is what `path` holds; returns the secret or why it is unusable.
Result<std::string> secretFromFileContent(const std::string& path, std::string content);

}  // namespace ptrd::providers
