// The emulated Linode account: its public addresses, each with its current rDNS,
// and its routed IPv6 ranges. Not thread-safe: the API server guards it with one
// mutex.
//
// Account file: one address a line, "IP [RDNS]", or "range CIDR" for a routed
// IPv6 range or pool; '#' comments. Without RDNS an IPv4 address shows Linode's
// default (a-b-c-d.ip.linodeusercontent.com) and an IPv6 address none. An address
// of a range is listed once it has been given a name.
//   203.0.113.10
//   203.0.113.11 relay.example.com
//   2001:db8::25
//   range 2001:db8:5::/64
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"

namespace ptrd::linode_emulator {

struct LinodeIp {
  std::string address;      // canonical
  std::string reverseName;  // canonical, trailing dot
  bool v6 = false;
  std::string rdns;  // without trailing dot, as Linode shows it; empty = null
};

class Account {
 public:
  static Result<Account> load(const std::string& path);

  LinodeIp* find(const std::string& canonicalIp);
  const std::vector<LinodeIp>& ips() const { return ips_; }
  const std::vector<Cidr>& ranges() const { return ranges_; }
  bool inRange(const IpAddress& ip) const;
  // Lists an address (first listing wins); returns the listed entry.
  LinodeIp* add(LinodeIp ip);

 private:
  std::vector<LinodeIp> ips_;
  std::vector<Cidr> ranges_;
  std::unordered_map<std::string, size_t> index_;
};

// "a-b-c-d.ip.linodeusercontent.com" for IPv4, "" for IPv6.
std::string linodeDefault(const LinodeIp& ip);

}  // namespace ptrd::linode_emulator
