// Where something was declared, and what is wrong with it.
//
// Every user-facing error in ptrd is a Diagnostic rendered as
// `file:line:col: reason` (line and column 1-based; 0 means unknown and is left out).
#pragma once

#include <cstdint>
#include <string>

namespace ptrd {

struct SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;

  // "file:line:col", "file:line" or "file" depending on what is known.
  std::string str() const;
};

struct Diagnostic {
  SourceLocation where;
  std::string reason;

  // "file:line:col: reason"
  std::string str() const;
};

}  // namespace ptrd
