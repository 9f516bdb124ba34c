#include "core/hostname.h"

#include <fmt/format.h>
#include <idn2.h>

#include <cstdlib>

namespace ptrd {
namespace {

constexpr size_t kMaxName = 253;
constexpr size_t kMaxLabel = 63;

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

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

}  // namespace

Result<std::string> normaliseHostname(std::string_view text) {
  // The usual, valid name (every bulk line `check` loads): isHostname's short
  // loop, then only lower-casing. The walk below is for the reason of an error.
  if (isHostname(text)) return canonicalName(text);
  if (text.empty()) return Error::permanent("hostname is empty");
  std::string_view body = text.back() == '.' ? text.substr(0, text.size() - 1) : text;
  if (body.empty()) return Error::permanent("hostname \".\" is the root, not a host");

  // One pass that lower-cases into the result and checks characters and label
  // lengths; this is the hot loop when loading a million bulk lines.
  std::string name(body.size() + 1, '.');
  size_t labels = 1, label_start = 0;
  bool last_all_digits = true;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (static_cast<unsigned char>(c) >= 0x80) return nonAscii(text);
    if (c == '.') {
      if (Status st = checkLabel(text, body.substr(label_start, i - label_start)); !st)
        return st.error();
      ++labels;
      label_start = i + 1;
      last_all_digits = true;
      continue;
    }
    char l = lower(c);
    if (!isAlnum(l) && l != '-') return badCharacter(text, body, label_start, c);
    last_all_digits = last_all_digits && l >= '0' && l <= '9';
    name[i] = l;
  }
  std::string_view last = body.substr(label_start);
  if (Status st = checkLabel(text, last); !st) return st.error();
  if (body.size() > kMaxName)
    return Error::permanent(fmt::format(
        "hostname is {} octets long (at most {} without the trailing dot)", body.size(), kMaxName));
  if (labels < 2) {
    return Error::permanent(
        fmt::format("hostname \"{}\" has no domain (need an FQDN such as {}.example.com)", text,
                    name.substr(0, body.size())));
  }
  if (last_all_digits)
    return Error::permanent(fmt::format(
        "hostname \"{}\" ends in the all-numeric label \"{}\" (an IP address is not a hostname)",
        text, last));
  return name;
}

namespace {

// What each octet is in a hostname; a table keeps isHostname's loop short.
enum : unsigned char { kBad = 0, kDigit, kLetter, kHyphen, kDot };
struct HostCharTable {
  unsigned char kind[256] = {};
  constexpr HostCharTable() {
    for (int c = '0'; c <= '9'; ++c) kind[c] = kDigit;
    for (int c = 'a'; c <= 'z'; ++c) kind[c] = kLetter;
    for (int c = 'A'; c <= 'Z'; ++c) kind[c] = kLetter;
    kind[int('-')] = kHyphen;
    kind[int('.')] = kDot;
  }
};
constexpr HostCharTable kHostChar;

}  // namespace

bool isHostname(std::string_view text) {
  if (text.empty()) return false;
  std::string_view body = text.back() == '.' ? text.substr(0, text.size() - 1) : text;
  if (body.empty() || body.size() > kMaxName) return false;
  size_t labels = 1, label_start = 0;
  bool last_all_digits = true;
  auto labelOk = [&](size_t end) {
    const size_t n = end - label_start;
    return n != 0 && n <= kMaxLabel && body[label_start] != '-' && body[end - 1] != '-';
  };
  for (size_t i = 0; i < body.size(); ++i) {
    const unsigned char kind = kHostChar.kind[static_cast<unsigned char>(body[i])];
    if (kind == kDot) {
      if (!labelOk(i)) return false;
      ++labels;
      label_start = i + 1;
      last_all_digits = true;
      continue;
    }
    if (kind == kBad) return false;  // also every octet >= 0x80
    last_all_digits = last_all_digits && kind == kDigit;
  }
  return labelOk(body.size()) && labels >= 2 && !last_all_digits;
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
