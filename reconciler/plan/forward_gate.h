// The FCrDNS gate: may an IP's PTR point at a name? Only when the name's forward
// record (A for IPv4, AAAA for IPv6) is a definitive answer containing the IP.
//
// A definitive "no" (NXDOMAIN, NODATA, an answer without the IP) blocks the change;
// a failed lookup (timeout, SERVFAIL, ...) is a lookup error and never counts as a
// "no": the next pass asks again.
#pragma once

#include <string>

#include "core/ip_address.h"
#include "reconciler/dns/resolver.h"

namespace ptrd {

struct GateVerdict {
  enum class Kind { kPass, kBlocked, kLookupError };
  Kind kind = Kind::kLookupError;
  std::string reason;  // for kBlocked / kLookupError, e.g.
                       // "mail.example.com. resolves to 192.0.2.1 (A), not 203.0.113.10"
};

// lookup may be null when nobody asked the question (reported as a lookup error).
GateVerdict checkForward(const IpAddress& ip, const std::string& hostname,
                         const ForwardLookup* lookup);

// "A" or "AAAA".
const char* forwardType(IpAddress::Family family);

}  // namespace ptrd
