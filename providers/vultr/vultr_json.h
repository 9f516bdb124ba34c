// The Vultr API v2's JSON documents for reverse DNS, parsed defensively: a
// malformed document is an Error, never an empty list. Kept apart from the
// provider's control flow so parsing is tested on its own.
//   GET /instances            {"instances": [{id, main_ip, v6_network, v6_network_size, ...}],
//                              "meta": {"total", "links": {"next", "prev"}}}
//   GET /instances/{id}/ipv4  {"ipv4s": [{ip, netmask, gateway, type, reverse}], "meta": ...}
//   GET /instances/{id}/ipv6/reverse   {"reverse_ipv6s": [{ip, reverse}]}
//   errors                    {"error": "...", "status": N}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"

namespace ptrd::providers::vultr {

// Vultr's IPv4 default name, "a.b.c.d.vultrusercontent.com." (canonical);
// "" for IPv6, which has no default.
std::string defaultPtrFor(const IpAddress& ip);
// Whether a listed IPv4 name is one of the platform's defaults: the current
// pattern or the older "a.b.c.d.vultr.com".
bool isPlatformDefault(const IpAddress& ip, const std::string& canonicalPtr);

struct Instance {
  std::string id;                 // path-safe: letters, digits, '-'
  std::optional<Cidr> v6Network;  // the instance's IPv6 network; nullopt without IPv6
};

struct Listed {
  IpAddress ip;
  std::string ptr;  // canonical, trailing dot; "" when none
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next;  // meta.links.next; "" on the last page
};

Result<Page<Instance>> parseInstances(const std::string& body);
Result<Page<Listed>> parseIpv4s(const std::string& body);
Result<std::vector<Listed>> parseIpv6Reverses(const std::string& body);

// {"ip": "...", "reverse": "host.example.com"} (the name without its trailing
// dot, as Vultr writes names); without a name {"ip": "..."}. IPv6 goes fully
// expanded, the only form the API takes.
std::string reverseBody(const IpAddress& ip, const std::string& hostname);

// The platform's "error" text, bounded, or "HTTP n".
std::string errorText(int httpCode, const std::string& body);

}  // namespace ptrd::providers::vultr
