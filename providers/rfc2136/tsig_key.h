// The TSIG key ptrd signs with, read from a file in BIND's key-file syntax, the
// one `tsig-keygen -a hmac-sha256 ptrd` prints and BIND and Knot users already have:
//
//   key "ptrd" {
//     algorithm hmac-sha256;
//     secret "base64...";
//   };
//
// Comments (#, //, /* */) are allowed; the file holds exactly one key. Errors
// name the file and line, never the secret.
#pragma once

#include <string>

#include "core/result.h"

namespace ptrd::providers::rfc2136 {

struct TsigKey {
  std::string name;           // canonical, trailing dot: "ptrd."
  std::string algorithm;      // as the key file spells it: "hmac-sha256"
  std::string wireAlgorithm;  // the TSIG algorithm name on the wire: "hmac-sha256."
  std::string secret;         // base64, as in the file; never logged
};

// `text` is what `path` holds (path only names it in errors).
Result<TsigKey> parseTsigKey(const std::string& path, const std::string& text);

// Reads and parses the file (bounded: a key file is a few hundred bytes).
Result<TsigKey> readTsigKeyFile(const std::string& path);

}  // namespace ptrd::providers::rfc2136
