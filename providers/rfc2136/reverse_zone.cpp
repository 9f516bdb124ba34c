#include "providers/rfc2136/reverse_zone.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/hostname.h"

namespace ptrd::providers::rfc2136 {
namespace {

constexpr std::string_view kV4Suffix = "in-addr.arpa.";
constexpr std::string_view kV6Suffix = "ip6.arpa.";

std::vector<std::string_view> labels(std::string_view name) {
  std::vector<std::string_view> out;
  while (!name.empty()) {
    size_t dot = name.find('.');
    if (dot == std::string_view::npos) dot = name.size();
    out.push_back(name.substr(0, dot));
    name.remove_prefix(std::min(name.size(), dot + 1));
  }
  return out;
}

// A decimal 0..max without sign, leading zeros or anything else.
std::optional<uint32_t> number(std::string_view s, uint32_t max) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

}  // namespace

Result<ReverseZone> ReverseZone::parse(std::string_view text) {
  ReverseZone z;
  z.name = canonicalName(text);
  auto bad = [&](std::string_view why) {
    return Error::permanent(fmt::format("zone \"{}\" {}", text, why));
  };
  if (z.name.ends_with(kV6Suffix) &&
      (z.name.size() == kV6Suffix.size() || z.name[z.name.size() - kV6Suffix.size() - 1] == '.')) {
    auto l = labels(std::string_view(z.name).substr(0, z.name.size() - kV6Suffix.size()));
    if (l.size() > 32) return bad("has more than 32 nibbles");
    for (auto n : l) {
      if (n.size() != 1 || !std::isxdigit(static_cast<unsigned char>(n[0])))
        return bad("is not an ip6.arpa zone (labels must be single hex digits)");
    }
    return z;
  }
  if (!z.name.ends_with(kV4Suffix) ||
      (z.name.size() > kV4Suffix.size() && z.name[z.name.size() - kV4Suffix.size() - 1] != '.'))
    return bad("is not a reverse zone (in-addr.arpa or ip6.arpa)");
  auto l = labels(std::string_view(z.name).substr(0, z.name.size() - kV4Suffix.size()));
  if (l.empty()) return z;
  const std::string_view head = l[0];
  const size_t dash = head.find('-'), slash = head.find('/');
  if (dash == std::string_view::npos && slash == std::string_view::npos) {
    if (l.size() > 4) return bad("has more than four octets");
    for (auto o : l) {
      if (!number(o, 255)) return bad("is not an in-addr.arpa zone (labels must be octets 0-255)");
    }
    return z;
  }
  // RFC 2317 / RFC 4183: FIRST-LAST or FIRST/PREFIX, then the /24's three octets.
  if (l.size() != 4) return bad("is a classless (RFC 2317) zone but not inside a /24");
  uint32_t base = 0;
  for (size_t i = 3; i >= 1; --i) {
    auto o = number(l[i], 255);
    if (!o) return bad("is not an in-addr.arpa zone (labels must be octets 0-255)");
    base = (base << 8) | *o;
  }
  base <<= 8;
  std::optional<uint32_t> first, last;
  if (dash != std::string_view::npos) {
    first = number(head.substr(0, dash), 255);
    last = number(head.substr(dash + 1), 255);
    if (!first || !last || *first > *last)
      return bad("has no valid FIRST-LAST range in its first label");
  } else {
    first = number(head.substr(0, slash), 255);
    auto prefix = number(head.substr(slash + 1), 32);
    if (!first || !prefix || *prefix < 24)
      return bad("has no valid FIRST/PREFIX in its first label");
    const uint32_t size = 1u << (32 - *prefix);
    if (*first % size != 0)
      return bad("has a FIRST/PREFIX whose FIRST is not aligned to the prefix");
    last = *first + size - 1;
  }
  z.classless = true;
  z.first = base | *first;
  z.last = base | *last;
  return z;
}

std::optional<std::string> ReverseZone::ownerOf(const IpAddress& ip) const {
  if (classless) {
    if (!ip.isV4() || ip.v4HostOrder() < first || ip.v4HostOrder() > last) return std::nullopt;
    return fmt::format("{}.{}", ip.v4HostOrder() & 0xff, name);
  }
  std::string owner = ip.reverseName();
  if (!isUnderZone(owner, name)) return std::nullopt;
  return owner;
}

std::optional<IpAddress> ReverseZone::addressOf(std::string_view owner) const {
  const std::string o = canonicalName(owner);
  if (classless) {
    if (o.size() <= name.size() + 1 || !o.ends_with(name) || o[o.size() - name.size() - 1] != '.')
      return std::nullopt;
    auto last = number(std::string_view(o).substr(0, o.size() - name.size() - 1), 255);
    if (!last) return std::nullopt;
    IpAddress ip = IpAddress::v4((first & 0xffffff00u) | *last);
    if (ip.v4HostOrder() < first || ip.v4HostOrder() > this->last) return std::nullopt;
    return ip;
  }
  if (!isUnderZone(o, name)) return std::nullopt;
  auto ip = IpAddress::fromReverseName(o);
  if (!ip) return std::nullopt;
  return *ip;
}

std::vector<IpAddress> ReverseZone::addresses() const {
  std::vector<IpAddress> out;
  if (!classless) return out;
  for (uint32_t a = first; a <= last; ++a) out.push_back(IpAddress::v4(a));
  return out;
}

const ReverseZone* zoneFor(const std::vector<ReverseZone>& zones, const IpAddress& ip) {
  const ReverseZone* best = nullptr;
  for (const auto& z : zones) {
    if (!z.ownerOf(ip)) continue;
    if (z.classless) return &z;
    if (best == nullptr || z.name.size() > best->name.size()) best = &z;
  }
  return best;
}

}  // namespace ptrd::providers::rfc2136
