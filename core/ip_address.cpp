#include "core/ip_address.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstring>

namespace ptrd {
namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<IpAddress> parseV4(std::string_view s) {
  uint32_t value = 0;
  size_t pos = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (pos >= s.size() || s[pos] != '.')
        return Error::permanent("IPv4 address needs four dotted octets");
      ++pos;
    }
    size_t start = pos;
    while (pos < s.size() && isDigit(s[pos])) ++pos;
    std::string_view digits = s.substr(start, pos - start);
    if (digits.empty()) {
      if (pos < s.size() && s[pos] != '.')
        return Error::permanent(fmt::format("unexpected character '{}' in IPv4 address", s[pos]));
      return Error::permanent("IPv4 address needs four dotted octets");
    }
    if (digits.size() > 1 && digits[0] == '0')
      return Error::permanent(fmt::format("leading zero in octet \"{}\"", digits));
    if (digits.size() > 3)
      return Error::permanent(fmt::format("octet \"{}\" is out of range 0..255", digits));
    unsigned v = 0;
    for (char c : digits) v = v * 10 + unsigned(c - '0');
    if (v > 255)
      return Error::permanent(fmt::format("octet \"{}\" is out of range 0..255", digits));
    value = (value << 8) | v;
  }
  if (pos != s.size()) {
    if (s[pos] == '/')
      return Error::permanent("a CIDR prefix is not an address (use ranges: for a prefix)");
    if (s[pos] == '.') return Error::permanent("IPv4 address has more than four octets");
    return Error::permanent(fmt::format("unexpected character '{}' in IPv4 address", s[pos]));
  }
  return IpAddress::v4(value);
}

Result<IpAddress> parseV6(std::string_view s) {
  if (s.find('%') != std::string_view::npos)
    return Error::permanent("IPv6 zone ids are not allowed");
  if (s.find('/') != std::string_view::npos)
    return Error::permanent("a CIDR prefix is not an address (use ranges: for a prefix)");
  if (s.size() > 45) return Error::permanent("not a valid IPv6 address");
  char buf[64];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  std::array<uint8_t, 16> bytes{};
  // inet_pton implements RFC 4291 text forms exactly (including "::" and embedded
  // IPv4), which is what "any valid text form" means; we only add the rejections.
  if (inet_pton(AF_INET6, buf, bytes.data()) != 1)
    return Error::permanent("not a valid IPv6 address");
  return IpAddress::v6(bytes);
}

}  // namespace

IpAddress IpAddress::v4(uint32_t host_order) {
  IpAddress ip;
  ip.family_ = Family::kV4;
  ip.bytes_[0] = uint8_t(host_order >> 24);
  ip.bytes_[1] = uint8_t(host_order >> 16);
  ip.bytes_[2] = uint8_t(host_order >> 8);
  ip.bytes_[3] = uint8_t(host_order);
  return ip;
}

IpAddress IpAddress::v6(const std::array<uint8_t, 16>& bytes) {
  IpAddress ip;
  ip.family_ = Family::kV6;
  ip.bytes_ = bytes;
  return ip;
}

uint32_t IpAddress::v4HostOrder() const {
  return (uint32_t(bytes_[0]) << 24) | (uint32_t(bytes_[1]) << 16) | (uint32_t(bytes_[2]) << 8) |
         uint32_t(bytes_[3]);
}

Result<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty()) return Error::permanent("IP address is empty");
  if (text.find(':') != std::string_view::npos) return parseV6(text);
  return parseV4(text);
}

std::string IpAddress::expandedStr() const {
  if (isV4()) return str();
  std::string out;
  for (int i = 0; i < 16; i += 2) {
    if (i > 0) out += ':';
    out += fmt::format("{:02x}{:02x}", bytes_[i], bytes_[i + 1]);
  }
  return out;
}

namespace {

// Appends "a.b.c.d" (octets in the given order) without a format string: both
// run several times per address when a million are checked.
void appendDottedQuad(std::string& out, uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  char buf[16];
  char* p = buf;
  for (uint8_t octet : {a, b, c, d}) {
    if (p != buf) *p++ = '.';
    if (octet >= 100) *p++ = char('0' + octet / 100);
    if (octet >= 10) *p++ = char('0' + octet / 10 % 10);
    *p++ = char('0' + octet % 10);
  }
  out.append(buf, size_t(p - buf));
}

}  // namespace

std::string IpAddress::str() const {
  if (isV4()) {
    std::string out;
    appendDottedQuad(out, bytes_[0], bytes_[1], bytes_[2], bytes_[3]);
    return out;
  }
  uint16_t groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = uint16_t((bytes_[2 * i] << 8) | bytes_[2 * i + 1]);
  // RFC 5952 §5: IPv4-mapped addresses print their IPv4 part dotted.
  bool mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 &&
                groups[4] == 0 && groups[5] == 0xffff;
  int ngroups = mapped ? 6 : 8;
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first
  // one on a tie; never a single zero group.
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
    out += fmt::format("{}.{}.{}.{}", bytes_[12], bytes_[13], bytes_[14], bytes_[15]);
  }
  return out;
}

std::string IpAddress::reverseName() const {
  if (isV4()) {
    std::string out;
    out.reserve(29);
    appendDottedQuad(out, bytes_[3], bytes_[2], bytes_[1], bytes_[0]);
    out += ".in-addr.arpa.";
    return out;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(73);
  for (int i = 15; i >= 0; --i) {
    out += kHex[bytes_[i] & 0xf];
    out += '.';
    out += kHex[bytes_[i] >> 4];
    out += '.';
  }
  out += "ip6.arpa.";
  return out;
}

Result<IpAddress> IpAddress::fromReverseName(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  constexpr std::string_view kV4Suffix = ".in-addr.arpa";
  constexpr std::string_view kV6Suffix = ".ip6.arpa";
  std::string_view s = lower;
  if (s.size() > kV4Suffix.size() && s.ends_with(kV4Suffix)) {
    s.remove_suffix(kV4Suffix.size());
    std::string_view parts[4];
    int n = 0;
    while (n < 4) {
      size_t dot = s.rfind('.');
      parts[n++] = dot == std::string_view::npos ? s : s.substr(dot + 1);
      if (dot == std::string_view::npos) {
        s = {};
        break;
      }
      s = s.substr(0, dot);
    }
    if (n != 4 || !s.empty())
      return Error::permanent(fmt::format("\"{}\" is not a full in-addr.arpa name", name));
    auto ip = parseV4(fmt::format("{}.{}.{}.{}", parts[0], parts[1], parts[2], parts[3]));
    if (!ip) return Error::permanent(fmt::format("\"{}\": {}", name, ip.error().message));
    return ip;
  }
  if (s.size() > kV6Suffix.size() && s.ends_with(kV6Suffix)) {
    s.remove_suffix(kV6Suffix.size());
    if (s.size() != 63)
      return Error::permanent(fmt::format("\"{}\" is not a full ip6.arpa name", name));
    std::array<uint8_t, 16> bytes{};
    for (int i = 0; i < 32; ++i) {
      int v = hexValue(s[size_t(2 * i)]);
      if (v < 0 || (i < 31 && s[size_t(2 * i + 1)] != '.'))
        return Error::permanent(fmt::format("\"{}\" is not a valid ip6.arpa name", name));
      int byte = 15 - i / 2;
      bytes[size_t(byte)] |= uint8_t(i % 2 == 0 ? v : v << 4);
    }
    return IpAddress::v6(bytes);
  }
  return Error::permanent(fmt::format("\"{}\" is not a reverse DNS name", name));
}

size_t IpAddressHash::operator()(const IpAddress& ip) const noexcept {
  // FNV-1a over the used bytes: cheap and good enough for hash maps of addresses.
  uint64_t h = 1469598103934665603ull ^ uint64_t(ip.family());
  size_t n = ip.isV4() ? 4 : 16;
  for (size_t i = 0; i < n; ++i) h = (h ^ ip.bytes()[i]) * 1099511628211ull;
  return size_t(h);
}

Result<Cidr> Cidr::parse(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos)
    return Error::permanent("CIDR needs a prefix length such as /24");
  auto ip = IpAddress::parse(text.substr(0, slash));
  if (!ip) return ip.error();
  std::string_view len = text.substr(slash + 1);
  int max = ip->isV4() ? 32 : 128;
  int prefix = 0;
  if (len.empty() || len.size() > 3 || (len.size() > 1 && len[0] == '0'))
    return Error::permanent(fmt::format("prefix length \"{}\" is not a number 0..{}", len, max));
  for (char c : len) {
    if (!isDigit(c))
      return Error::permanent(fmt::format("prefix length \"{}\" is not a number 0..{}", len, max));
    prefix = prefix * 10 + (c - '0');
  }
  if (prefix > max)
    return Error::permanent(fmt::format("prefix length /{} is out of range 0..{}", prefix, max));
  const auto& b = ip->bytes();
  int nbytes = ip->isV4() ? 4 : 16;
  for (int bit = prefix; bit < nbytes * 8; ++bit) {
    if (b[size_t(bit / 8)] & (0x80 >> (bit % 8))) {
      return Error::permanent(fmt::format(
          "{} has host bits set after /{} (did you mean a different prefix?)", ip->str(), prefix));
    }
  }
  return Cidr{*ip, prefix};
}

uint64_t Cidr::size() const {
  int host_bits = (network.isV4() ? 32 : 128) - prefix;
  if (host_bits >= 63) return uint64_t(1) << 63;
  return uint64_t(1) << host_bits;
}

IpAddress Cidr::at(uint64_t i) const {
  if (network.isV4()) return IpAddress::v4(network.v4HostOrder() + uint32_t(i));
  auto bytes = network.bytes();
  // Add i to the low 64 bits with carry (i < size() keeps it inside the prefix).
  for (int k = 15; k >= 0 && i != 0; --k) {
    uint64_t sum = uint64_t(bytes[size_t(k)]) + (i & 0xff);
    bytes[size_t(k)] = uint8_t(sum);
    i = (i >> 8) + (sum >> 8);
  }
  return IpAddress::v6(bytes);
}

std::string Cidr::str() const {
  return fmt::format("{}/{}", network.str(), prefix);
}

}  // namespace ptrd
