#include "reconciler/hostname.h"

#include <fmt/format.h>
#include <idn2.h>

#include <cstdlib>

namespace ptrd {
namespace {

constexpr size_t kMaxName = 253;
constexpr size_t kMaxLabel = 63;

bool isAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

Error nonAscii(std::string_view text) {
  std::string input(text);
  if (!input.empty() && input.back() == '.') input.pop_back();
  char* ascii = nullptr;
  int rc = idn2_to_ascii_8z(input.c_str(), &ascii, IDN2_NONTRANSITIONAL);
  if (rc == IDN2_OK && ascii != nullptr) {
    std::string puny(ascii);
    idn2_free(ascii);
    return Error::permanent(fmt::format(
        "hostname \"{}\" is not ASCII; PTR records hold the punycode form \"{}\", declare that",
        text, puny));
  }
  return Error::permanent(fmt::format("hostname \"{}\" is not ASCII and has no valid punycode form", text));
}

}  // namespace

Result<std::string> normaliseHostname(std::string_view text) {
  if (text.empty()) return Error::permanent("hostname is empty");
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return nonAscii(text);
  }
  std::string name;
  name.reserve(text.size() + 1);
  for (char c : text) name += lower(c);
  if (name.back() == '.') name.pop_back();
  if (name.empty()) return Error::permanent("hostname \".\" is the root, not a host");
  if (name.size() > kMaxName)
    return Error::permanent(
        fmt::format("hostname is {} octets long (at most {} without the trailing dot)", name.size(), kMaxName));

  size_t labels = 0;
  size_t start = 0;
  std::string_view last;
  std::string_view all = name;
  while (start <= all.size()) {
    size_t dot = all.find('.', start);
    if (dot == std::string_view::npos) dot = all.size();
    std::string_view label = all.substr(start, dot - start);
    if (label.empty()) return Error::permanent(fmt::format("hostname \"{}\" has an empty label", text));
    if (label.size() > kMaxLabel)
      return Error::permanent(
          fmt::format("hostname \"{}\": label \"{}\" is {} octets long (at most {})", text, label, label.size(), kMaxLabel));
    for (char c : label) {
      if (!isAlnum(c) && c != '-') {
        if (c == ' ' || c == '\t')
          return Error::permanent(fmt::format("hostname \"{}\" contains white space", text));
        return Error::permanent(fmt::format(
            "hostname \"{}\": label \"{}\" contains '{}' (only letters, digits and hyphens are allowed)", text, label, c));
      }
    }
    if (label.front() == '-')
      return Error::permanent(fmt::format("hostname \"{}\": label \"{}\" starts with a hyphen", text, label));
    if (label.back() == '-') return Error::permanent(fmt::format("hostname \"{}\": label \"{}\" ends with a hyphen", text, label));
    ++labels;
    last = label;
    start = dot + 1;
  }
  if (labels < 2)
    return Error::permanent(fmt::format(
        "hostname \"{}\" has no domain (need an FQDN such as {}.example.com)", text, name));
  bool numeric_tld = true;
  for (char c : last) numeric_tld = numeric_tld && c >= '0' && c <= '9';
  if (numeric_tld)
    return Error::permanent(fmt::format(
        "hostname \"{}\" ends in the all-numeric label \"{}\" (an IP address is not a hostname)", text, last));
  name += '.';
  return name;
}

std::string canonicalName(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  for (char c : name) out += lower(c);
  if (out.empty() || out.back() != '.') out += '.';
  return out;
}

}  // namespace ptrd
