// Reverse DNS names <-> canonical IP text for the PowerDNS provider, which lists
// PTR rrsets by owner name and must report the addresses as canonical IP text.
//
// This duplicates a little of reconciler/ip_address.cpp on purpose: providers sit
// below the reconciler and may not include it. A unit test compares both on many
// addresses so the two canonical forms cannot drift apart.
//
//   auto a = parseReverseName("5.2.0.0.[...].8.b.d.0.1.0.0.2.ip6.arpa.");
//   canonicalIpText(*a);                                // "2001:db8::25"
//   renderTemplate("{dashed}.static.example.net", *a);  // "2001-0db8-0000-...-0025.static.example.net."
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ptrd::providers::powerdns {

struct ReverseAddress {
  bool v4 = true;
  std::array<uint8_t, 16> bytes{};  // network order; 4 used for IPv4
};

// Only full names: 4 decimal labels + in-addr.arpa, or 32 nibbles + ip6.arpa
// (case-insensitive, trailing dot optional). Anything else (a delegation label
// such as "0/25", a short name) is nullopt.
std::optional<ReverseAddress> parseReverseName(std::string_view name);

// RFC 5952 text, identical to ptrd::IpAddress::str().
std::string canonicalIpText(const ReverseAddress& address);

// Renders a default-PTR template: {dashed} is 203-0-113-10 for IPv4 and the eight
// four-digit hex groups joined by '-' for IPv6; {a}..{d} are the IPv4 octets.
// The result is a canonical name (lower case, trailing dot).
std::string renderTemplate(std::string_view tmpl, const ReverseAddress& address);

// True when `name` equals `zone` or lies below it (both canonical).
bool isUnderZone(std::string_view name, std::string_view zone);

}  // namespace ptrd::providers::powerdns
