#include "providers/powerdns/reverse_name.h"

#include <fmt/format.h>

#include <vector>

#include "providers/canonical_name.h"

namespace ptrd::providers::powerdns {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<ReverseAddress> parseV4Labels(std::string_view s) {
  // s = "d.c.b.a" (reversed octets).
  std::vector<std::string_view> labels;
  size_t start = 0;
  for (;;) {
    size_t dot = s.find('.', start);
    labels.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels.size() != 4) return std::nullopt;
  ReverseAddress out;
  for (size_t i = 0; i < 4; ++i) {
    std::string_view l = labels[i];
    if (l.empty() || l.size() > 3 || (l.size() > 1 && l[0] == '0')) return std::nullopt;
    unsigned v = 0;
    for (char c : l) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + unsigned(c - '0');
    }
    if (v > 255) return std::nullopt;
    out.bytes[3 - i] = uint8_t(v);
  }
  return out;
}

std::optional<ReverseAddress> parseV6Nibbles(std::string_view s) {
  if (s.size() != 63) return std::nullopt;
  ReverseAddress out;
  out.v4 = false;
  for (size_t i = 0; i < 32; ++i) {
    int v = hexValue(s[2 * i]);
    if (v < 0 || (i < 31 && s[2 * i + 1] != '.')) return std::nullopt;
    out.bytes[15 - i / 2] |= uint8_t(i % 2 == 0 ? v : v << 4);
  }
  return out;
}

}  // namespace

std::optional<ReverseAddress> parseReverseName(std::string_view name) {
  std::string lower = canonicalDnsName(name);
  std::string_view s = lower;
  constexpr std::string_view kV4 = ".in-addr.arpa.";
  constexpr std::string_view kV6 = ".ip6.arpa.";
  if (s.ends_with(kV4)) return parseV4Labels(s.substr(0, s.size() - kV4.size()));
  if (s.ends_with(kV6)) return parseV6Nibbles(s.substr(0, s.size() - kV6.size()));
  return std::nullopt;
}

std::string canonicalIpText(const ReverseAddress& a) {
  const auto& b = a.bytes;
  if (a.v4) return fmt::format("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
  uint16_t groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = uint16_t((b[2 * i] << 8) | b[2 * i + 1]);
  // Same rules as reconciler/ip_address.cpp: IPv4-mapped tail dotted (RFC 5952 §5);
  // longest run of >= 2 zero groups compressed, the first on a tie (§4.2).
  bool mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 &&
                groups[4] == 0 && groups[5] == 0xffff;
  int ngroups = mapped ? 6 : 8;
  int best_start = -1, best_len = 0;
  for (int i = 0; i < ngroups;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < ngroups && groups[j] == 0) ++j;
    if (j - i > best_len) best_start = i, best_len = j - i;
    i = j;
  }
  if (best_len < 2) best_start = -1;
  std::string out;
  for (int i = 0; i < ngroups; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", groups[i]);
  }
  if (mapped) {
    if (out.back() != ':') out += ':';
    out += fmt::format("{}.{}.{}.{}", b[12], b[13], b[14], b[15]);
  }
  return out;
}

std::string renderTemplate(std::string_view tmpl, const ReverseAddress& a) {
  const auto& b = a.bytes;
  std::string dashed;
  if (a.v4) {
    dashed = fmt::format("{}-{}-{}-{}", b[0], b[1], b[2], b[3]);
  } else {
    for (int i = 0; i < 8; ++i)
      dashed += fmt::format("{}{:02x}{:02x}", i == 0 ? "" : "-", b[2 * i], b[2 * i + 1]);
  }
  std::string out;
  for (size_t i = 0; i < tmpl.size();) {
    auto take = [&](std::string_view key, const std::string& value) {
      if (tmpl.substr(i, key.size()) != key) return false;
      out += value;
      i += key.size();
      return true;
    };
    if (take("{dashed}", dashed)) continue;
    if (a.v4 && (take("{a}", std::to_string(b[0])) || take("{b}", std::to_string(b[1])) ||
                 take("{c}", std::to_string(b[2])) || take("{d}", std::to_string(b[3]))))
      continue;
    out += tmpl[i++];
  }
  return canonicalDnsName(out);
}

bool isUnderZone(std::string_view name, std::string_view zone) {
  if (name.size() < zone.size() || !name.ends_with(zone)) return false;
  return name.size() == zone.size() || name[name.size() - zone.size() - 1] == '.';
}

}  // namespace ptrd::providers::powerdns
