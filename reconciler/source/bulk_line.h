// The NOC portal's bulk format, one mapping a line:
//
//   203.0.113.20 smtp1.example.com        IP and hostname separated by any run of
//   203.0.113.21,smtp2.example.com        spaces and tabs with at most one comma
//   203.0.113.22, smtp3.example.com  # a comment; blank lines are fine
//
// parseBulkLine() only splits a line (CR, comments and white space handled); the
// caller validates the IP and the hostname so that each error has its column.
#pragma once

#include <cstdint>
#include <string_view>

namespace ptrd {

struct BulkLine {
  enum class Kind { kBlank, kEntry, kError };
  Kind kind = Kind::kBlank;
  std::string_view ip;
  uint32_t ipColumn = 0;  // 1-based within the line
  std::string_view hostname;
  uint32_t hostnameColumn = 0;
  std::string_view error;  // static text for kError
  uint32_t errorColumn = 0;
};

// `allowIpOnly`: a line with an address and no hostname is an entry with an empty
// hostname (ptrd check -f takes plain address lists); otherwise it is an error.
BulkLine parseBulkLine(std::string_view line, bool allowIpOnly = false);

}  // namespace ptrd
