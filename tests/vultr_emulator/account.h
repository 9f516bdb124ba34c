// The emulated Vultr account: instances, each with its IPv4 addresses (every one
// with a reverse: a custom name or Vultr's default), its IPv6 network and the
// custom IPv6 reverses inside it. Not thread-safe: the API server guards it.
//
// Account file: "INSTANCE-ID ITEM [REVERSE]" per line, '#' comments. ITEM is an
// IPv4 address (without REVERSE it shows Vultr's default a.b.c.d.vultrusercontent.com),
// an IPv6 network "2001:db8:1000::/64" (the instance's; one per instance) or an
// IPv6 address inside it with its custom REVERSE.
//   cb676a46-66fd-4dfb-b839-443f2e6c0b60 203.0.113.10
//   cb676a46-66fd-4dfb-b839-443f2e6c0b60 203.0.113.11 relay.example.com
//   cb676a46-66fd-4dfb-b839-443f2e6c0b60 2001:db8:1000::/64
//   cb676a46-66fd-4dfb-b839-443f2e6c0b60 2001:db8:1000::25 v6.example.com
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"

namespace ptrd::vultr_emulator {

struct Ipv4 {
  IpAddress ip;
  std::string reverse;  // without trailing dot, as Vultr shows it
};

struct Instance {
  std::string id;
  std::vector<Ipv4> ipv4s;
  std::optional<Cidr> v6Network;
  std::map<IpAddress, std::string> v6Reverses;  // custom names only

  Ipv4* findIpv4(const IpAddress& ip);
  bool inV6Network(const IpAddress& ip) const;
};

class Account {
 public:
  static Result<Account> load(const std::string& path);

  Instance* find(const std::string& id);
  std::vector<Instance>& instances() { return instances_; }

 private:
  std::vector<Instance> instances_;  // in file order: the listing's order
};

// "a.b.c.d.vultrusercontent.com".
std::string vultrDefault(const IpAddress& ip);

}  // namespace ptrd::vultr_emulator
