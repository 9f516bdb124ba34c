// The emulated Hetzner Cloud project: servers, primary IPs, floating IPs and
// load balancers, each with its addresses and the PTRs set on them. Not
// thread-safe: the API server guards it with one mutex.
//
// Account file (JSON; dns_ptr maps an address to its custom PTR, names without
// the trailing dot as the API shows them):
//   {"servers": [{"id": 1, "ipv4": "203.0.113.10", "ipv6": "2001:db8:1::/64",
//                 "dns_ptr": {"2001:db8:1::5": "mail.example.com"}}],
//    "primary_ips": [{"id": 11, "type": "ipv4", "ip": "203.0.113.20"}],
//    "floating_ips": [{"id": 21, "type": "ipv6", "ip": "2001:db8:2::/64"}],
//    "load_balancers": [{"id": 31, "ipv4": "203.0.113.30", "ipv6": "2001:db8:3::1"}]}
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/ip_address.h"
#include "core/result.h"

namespace ptrd::hcloud_emulator {

enum class Kind { kServer, kPrimaryIp, kFloatingIp, kLoadBalancer };
// "servers" ... : the URL prefix and listing key; "server" ... : the singular key.
const char* plural(Kind k);
const char* singular(Kind k);
std::optional<Kind> kindOf(const std::string& plural);

struct Resource {
  Kind kind = Kind::kServer;
  uint64_t id = 0;
  std::optional<IpAddress> ipv4;
  std::optional<Cidr> ipv6Net;              // servers, primary and floating IPv6
  std::optional<IpAddress> ipv6One;         // a load balancer's single IPv6 address
  std::map<IpAddress, std::string> custom;  // set PTRs, no trailing dot
  uint64_t runningAction = 0;               // the API locks a resource while one runs

  // Whether ip is this resource's to set a PTR on.
  bool holds(const IpAddress& ip) const;
  // What the API shows for ip: the custom PTR, Hetzner's IPv4 default, or "".
  std::string ptrOf(const IpAddress& ip) const;
  nlohmann::json toJson() const;
};

// "static.d.c.b.a.clients.your-server.de" (no trailing dot, as the API shows it).
std::string defaultPtr(const IpAddress& v4);

class Account {
 public:
  static Result<Account> load(const std::string& path);
  std::vector<Resource>& resources() { return resources_; }
  Resource* find(Kind kind, uint64_t id);
  std::vector<const Resource*> ofKind(Kind kind) const;

 private:
  std::vector<Resource> resources_;
};

}  // namespace ptrd::hcloud_emulator
