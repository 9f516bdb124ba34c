// Redacting URL userinfo (http://user:password@host) from any text shown to a
// person: log lines, /status, error messages. A provider URL may carry a
// password; every place that prints a URL, or a message that might hold one,
// passes it through redactUrlUserinfo() -- the one helper, so the rule cannot
// drift between call sites. Header-only so the providers, the reconciler and the
// daemon (which do not link each other) all share it.
//
//   redactUrlUserinfo("GET http://u:pw@h:8081/api failed")
//     == "GET http://REDACTED@h:8081/api failed"
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace ptrd::providers {

inline std::string redactUrlUserinfo(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (;;) {
    const size_t sep = text.find("://", pos);
    if (sep == std::string_view::npos) break;
    const size_t start = sep + 3;
    // The URL runs to white space, a quote or an angle bracket: where a URL ends
    // inside a message. Inside it, everything up to its LAST '@' goes, not only
    // up to the first '/': a password written raw (not percent-encoded) may hold
    // '/', '?', '#' or '@', and no piece of it may survive. A path with '@' in
    // it is over-redacted, which costs nothing but detail.
    size_t end = start;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
           text[end] != '"' && text[end] != '\'' && text[end] != '<' && text[end] != '>')
      ++end;
    const size_t at = text.substr(start, end - start).rfind('@');
    out.append(text.substr(pos, start - pos));
    if (at != std::string_view::npos) {
      out += "REDACTED";
      out.append(text.substr(start + at, end - start - at));
    } else {
      out.append(text.substr(start, end - start));
    }
    pos = end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace ptrd::providers
