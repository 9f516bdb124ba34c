#include "core/diagnostic.h"

#include <fmt/format.h>

namespace ptrd {

std::string SourceLocation::str() const {
  if (line == 0) return file;
  if (column == 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

std::string Diagnostic::str() const {
  return fmt::format("{}: {}", where.str(), reason);
}

}  // namespace ptrd
