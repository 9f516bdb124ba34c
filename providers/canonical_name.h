// Canonical DNS names for provider adapters: lower case with one trailing dot,
// the form the Provider interface speaks. Providers cannot use reconciler/'s
// hostname.h (layering), and need no validation here: the reconciler validated
// what it sends, and what an API reports is only compared.
#pragma once

#include <string>
#include <string_view>

namespace ptrd::providers {

inline std::string canonicalDnsName(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  for (char c : name) out += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  while (!out.empty() && out.back() == '.') out.pop_back();
  if (!out.empty()) out += '.';
  return out;
}

}  // namespace ptrd::providers
