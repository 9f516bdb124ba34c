// The Linode API's JSON documents for reverse DNS (GET /networking/ips, PUT
// /networking/ips/{address}), parsed defensively: a malformed document is an
// Error, never an empty list. Kept apart from the provider's control flow so
// parsing is tested on its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "providers/provider.h"

namespace ptrd::providers::linode {

// The IPv4 default Linode restores on {"rdns": null}: "a-b-c-d.ip.linodeusercontent.com."
// (canonical). IPv6 has no default.
std::string defaultPtrFor(const std::string& canonicalIp);

struct IpsPage {
  std::vector<OwnedAddress> items;  // public addresses only, canonical
  size_t page = 0;
  size_t pages = 0;
};
// {"data": [...], "page", "pages", "results"}.
Result<IpsPage> parseIpsPage(const std::string& body);

struct RangesPage {
  // Each routed IPv6 range or pool as the reverse zone it spans, canonical
  // ("0.0.0.0.5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa." for 2001:db8:5::/64).
  std::vector<std::string> zones;
  size_t page = 0;
  size_t pages = 0;
};
// GET /networking/ipv6/ranges: {"data": [{"range": "2001:db8:5::", "prefix": 64,
// ...}], "page", "pages", "results"}. A range whose prefix is not a multiple of 4
// spans no whole reverse zone and is left out: its addresses are then owned only
// as far as /networking/ips lists them (Linode's ranges are /56, /64 and /116).
Result<RangesPage> parseRangesPage(const std::string& body);

// The reverse zone of an IPv6 prefix on a nibble boundary (4 <= prefix <= 128,
// a multiple of 4), canonical; nullopt for any other prefix.
std::optional<std::string> ip6Zone(const IpAddress& base, int prefix);

// One IP object (the answer to a PUT): its canonical rdns, "" when null.
Result<std::string> parseRdns(const std::string& body);

// {"rdns": "host.example.com"} (no trailing dot, as Linode writes names) or
// {"rdns": null} for a reset.
std::string rdnsBody(const Change& change);

// The reasons of {"errors": [{"reason", "field"}]} joined by "; ", or "HTTP n".
std::string errorText(int httpCode, const std::string& body);

// Linode's own forward check refused the name (no matching A/AAAA, or its
// lookup failed): its words, to be reported as blocked_forward.
bool isForwardRefusal(const std::string& reasons);

}  // namespace ptrd::providers::linode
