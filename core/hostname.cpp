#include "core/hostname.h"

#include <fmt/format.h>
#include <idn2.h>

#include <algorithm>
#include <array>
#include <cstdlib>

namespace ptrd {
namespace {

constexpr size_t kMaxName = 253;
constexpr size_t kMaxLabel = 63;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

// Per byte: its lower-case form when a hostname may hold it (letters, digits,
// '-', and '.' between labels), else 0. One load a character instead of range
// tests: every bulk line and every PTR name `check` judges goes through here.
constexpr std::array<char, 256> kHostChar = [] {
  std::array<char, 256> t{};
  for (char c = 'a'; c <= 'z'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = 'A'; c <= 'Z'; ++c) t[static_cast<unsigned char>(c)] = char(c - 'A' + 'a');
  for (char c = '0'; c <= '9'; ++c) t[static_cast<unsigned char>(c)] = c;
  t['-'] = '-';
  t['.'] = '.';
  return t;
}();

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
  return Error::permanent(
      fmt::format("hostname \"{}\" is not ASCII and has no valid punycode form", text));
}

Status checkLabel(std::string_view text, std::string_view label) {
  if (label.empty())
    return Error::permanent(fmt::format("hostname \"{}\" has an empty label", text));
  if (label.size() > kMaxLabel)
    return Error::permanent(
        fmt::format("hostname \"{}\": label \"{}\" is {} octets long (at most {})", text, label,
                    label.size(), kMaxLabel));
  if (label.front() == '-')
    return Error::permanent(
        fmt::format("hostname \"{}\": label \"{}\" starts with a hyphen", text, label));
  if (label.back() == '-')
    return Error::permanent(
        fmt::format("hostname \"{}\": label \"{}\" ends with a hyphen", text, label));
  return okStatus();
}

Error badCharacter(std::string_view text, std::string_view body, size_t label_start, char c) {
  if (c == ' ' || c == '\t')
    return Error::permanent(fmt::format("hostname \"{}\" contains white space", text));
  size_t end = body.find('.', label_start);
  std::string_view label =
      body.substr(label_start, end == std::string_view::npos ? end : end - label_start);
  return Error::permanent(fmt::format(
      "hostname \"{}\": label \"{}\" contains '{}' (only letters, digits and hyphens are allowed)",
      text, label, c));
}

// The one validation pass behind normaliseHostname and checkHostname: checks
// characters and label lengths and, with kWrite, lower-cases into `out`
// (body.size() + 1 bytes of '.'). This is the hot loop when loading a million
// bulk lines, and checkHostname runs it once per PTR name `check` judges: it
// must not allocate on success.
template <bool kWrite>
Status scanHostname(std::string_view text, char* out) {
  if (text.empty()) return Error::permanent("hostname is empty");
  std::string_view body = text.back() == '.' ? text.substr(0, text.size() - 1) : text;
  if (body.empty()) return Error::permanent("hostname \".\" is the root, not a host");
  size_t labels = 1, label_start = 0;
  // A label is checked (checkLabel, for its reason) only when it is wrong.
  auto badLabel = [&](size_t end) {
    const size_t size = end - label_start;
    return size == 0 || size > kMaxLabel || body[label_start] == '-' || body[end - 1] == '-';
  };
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    const char l = kHostChar[static_cast<unsigned char>(c)];
    if (l == '.') {
      if (badLabel(i)) return checkLabel(text, body.substr(label_start, i - label_start)).error();
      ++labels;
      label_start = i + 1;
      continue;
    }
    if (l == 0) {
      if (static_cast<unsigned char>(c) >= 0x80) return nonAscii(text);
      return badCharacter(text, body, label_start, c);
    }
    if constexpr (kWrite) out[i] = l;
  }
  std::string_view last = body.substr(label_start);
  if (badLabel(body.size())) return checkLabel(text, last).error();
  if (body.size() > kMaxName)
    return Error::permanent(fmt::format(
        "hostname is {} octets long (at most {} without the trailing dot)", body.size(), kMaxName));
  if (labels < 2) {
    std::string lowered = canonicalName(body);
    lowered.pop_back();
    return Error::permanent(fmt::format(
        "hostname \"{}\" has no domain (need an FQDN such as {}.example.com)", text, lowered));
  }
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return Error::permanent(fmt::format(
        "hostname \"{}\" ends in the all-numeric label \"{}\" (an IP address is not a hostname)",
        text, last));
  return okStatus();
}

}  // namespace

Result<std::string> normaliseHostname(std::string_view text) {
  const size_t body = text.empty() || text.back() != '.' ? text.size() : text.size() - 1;
  std::string name(body + 1, '.');
  if (Status st = scanHostname<true>(text, name.data()); !st) return st.error();
  return name;
}

Status checkHostname(std::string_view text) {
  return scanHostname<false>(text, nullptr);
}

std::string canonicalName(std::string_view name) {
  // Sized once and written in place: this runs for every name a DNS answer holds.
  const bool dotted = !name.empty() && name.back() == '.';
  std::string out(name.size() + (dotted ? 0 : 1), '.');
  for (size_t i = 0; i < name.size(); ++i) out[i] = lower(name[i]);
  return out;
}

std::string canonicalDnsName(std::string_view name) {
  while (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name.empty() ? std::string() : canonicalName(name);
}

bool isUnderZone(std::string_view name, std::string_view zone) {
  if (name.size() < zone.size() || !name.ends_with(zone)) return false;
  return name.size() == zone.size() || name[name.size() - zone.size() - 1] == '.';
}

}  // namespace ptrd
