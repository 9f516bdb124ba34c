// The Linode API's JSON documents for reverse DNS (GET /networking/ips, PUT
// /networking/ips/{address}), parsed defensively: a malformed document is an
// Error, never an empty list. Kept apart from the provider's control flow so
// parsing is tested on its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

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
