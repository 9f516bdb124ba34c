// The emulated Robot account: single IPs (a server's main IPv4 has a default
// name), subnets, and the rDNS entries. Not thread-safe: the API server guards
// it with one mutex.
//
// Account file, '#' comments:
//   ip 203.0.113.1 main          a server's main IPv4 (default rDNS entry)
//   ip 203.0.113.2               an additional single IP (no entry)
//   subnet 2001:db8::/64         a subnet: every address in it is the account's
//   rdns 203.0.113.2 relay.example.com   an entry set before the test
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"

namespace ptrd::hetzner_robot_emulator {

struct SingleIp {
  std::string ip;  // canonical
  bool main = false;
};

class Account {
 public:
  static Result<Account> load(const std::string& path);

  const std::vector<SingleIp>& ips() const { return ips_; }
  const std::vector<Cidr>& subnets() const { return subnets_; }
  // ip (canonical) -> ptr (as Robot shows it: no trailing dot)
  std::map<std::string, std::string>& rdns() { return rdns_; }
  bool owns(const IpAddress& ip) const;
  // The server's main IPv4: deleting its entry puts the default back.
  bool isMain(const std::string& canonicalIp) const;

 private:
  std::vector<SingleIp> ips_;
  std::vector<Cidr> subnets_;
  std::map<std::string, std::string> rdns_;
};

// "static.d.c.b.a.clients.your-server.de"
std::string robotDefault(const std::string& canonicalIp);

}  // namespace ptrd::hetzner_robot_emulator
