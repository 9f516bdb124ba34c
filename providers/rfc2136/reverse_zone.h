// A reverse zone ptrd manages over RFC 2136, and where an address's PTR lives in
// it. Ordinary zones (113.0.203.in-addr.arpa., 8.b.d.0.1.0.0.2.ip6.arpa.) hold an
// address at its usual reverse name. RFC 2317 classless zones hold a slice of a
// /24 under an extra label, in the RFC 4183 dash form or the RFC 2317 slash form:
//
//   zone 0-25.100.51.198.in-addr.arpa.   198.51.100.5 -> 5.0-25.100.51.198.in-addr.arpa.
//   zone 0/26.100.51.198.in-addr.arpa.   198.51.100.5 -> 5.0/26.100.51.198.in-addr.arpa.
//
// (the parent zone points 5.100.51.198.in-addr.arpa. there with a CNAME).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"

namespace ptrd::providers::rfc2136 {

struct ReverseZone {
  std::string name;  // canonical, trailing dot
  bool classless = false;
  // classless only: the addresses of the slice, host order, inclusive.
  uint32_t first = 0;
  uint32_t last = 0;

  // Parses and canonicalises a zone name; the error says why it is no reverse zone.
  static Result<ReverseZone> parse(std::string_view text);

  // Where ip's PTR lives in this zone; nullopt when the zone does not hold ip.
  std::optional<std::string> ownerOf(const IpAddress& ip) const;
  // The address an owner name inside this zone stands for; nullopt for names
  // that are no address (the apex, a delegation, a name of the wrong depth).
  std::optional<IpAddress> addressOf(std::string_view owner) const;
  // Classless only: every address of the slice, in order.
  std::vector<IpAddress> addresses() const;
};

// The zone that holds ip: a classless zone first (it is where the parent's CNAME
// points), else the longest ordinary zone above ip's reverse name; null for none.
const ReverseZone* zoneFor(const std::vector<ReverseZone>& zones, const IpAddress& ip);

}  // namespace ptrd::providers::rfc2136
