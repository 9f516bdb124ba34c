// IpAddress: an IPv4 or IPv6 address, parsed strictly and printed canonically.
//
// IPv4 accepts only the canonical dotted quad ("203.0.113.10"): no leading zeros,
// no short forms ("10.1"), no CIDR suffix, every octet 0..255. IPv6 accepts every
// valid RFC 4291 text form (including embedded IPv4) but no zone id, and prints the
// RFC 5952 canonical form, so two spellings of one address compare equal.
//
//   auto ip = IpAddress::parse("2001:DB8:0:0::25");
//   ip->str();          // "2001:db8::25"
//   ip->reverseName();  // "5.2.0.0. ... .8.b.d.0.1.0.0.2.ip6.arpa."
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ptrd {

class IpAddress {
 public:
  enum class Family : uint8_t { kV4 = 4, kV6 = 6 };

  IpAddress() = default;
  static IpAddress v4(uint32_t host_order);
  static IpAddress v6(const std::array<uint8_t, 16>& bytes);

  // Parses text; the error message says what is wrong (e.g. "leading zero in octet
  // \"010\""), without the input itself, so callers can prefix it.
  static Result<IpAddress> parse(std::string_view text);
  // Parses "d.c.b.a.in-addr.arpa." or the 32-nibble ip6.arpa form (trailing dot
  // optional, case-insensitive).
  static Result<IpAddress> fromReverseName(std::string_view name);

  Family family() const { return family_; }
  bool isV4() const { return family_ == Family::kV4; }
  // Address bytes in network order: 4 used for IPv4, 16 for IPv6.
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  uint32_t v4HostOrder() const;

  std::string str() const;  // canonical text
  // IPv6 with every group in four hex digits and nothing compressed
  // ("2001:0db8:0000:0000:0000:0000:0000:0025"), for APIs that take only that
  // form; IPv4 as str().
  std::string expandedStr() const;
  std::string reverseName() const;  // with trailing dot

  auto operator<=>(const IpAddress&) const = default;
  bool operator==(const IpAddress&) const = default;

 private:
  Family family_ = Family::kV4;
  std::array<uint8_t, 16> bytes_{};
};

struct IpAddressHash {
  size_t operator()(const IpAddress& ip) const noexcept;
};

// A CIDR prefix such as "198.51.100.0/24" or "2001:db8::/120". Host bits must be
// zero (a typo in the prefix length would otherwise silently widen the range).
struct Cidr {
  IpAddress network;
  int prefix = 0;

  static Result<Cidr> parse(std::string_view text);
  // Number of addresses, saturated at 2^63 for huge IPv6 prefixes.
  uint64_t size() const;
  // The i-th address of the range (i < size()).
  IpAddress at(uint64_t i) const;
  std::string str() const;
};

}  // namespace ptrd

template <>
struct std::hash<ptrd::IpAddress> : ptrd::IpAddressHash {};
