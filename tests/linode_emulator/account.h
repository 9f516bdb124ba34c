// The emulated Linode account: its public addresses, each with its current rDNS.
// Not thread-safe: the API server guards it with one mutex.
//
// Account file: one address a line, "IP [RDNS]", '#' comments. Without RDNS an
// IPv4 address shows Linode's default (a-b-c-d.ip.linodeusercontent.com) and an
// IPv6 address none.
//   203.0.113.10
//   203.0.113.11 relay.example.com
//   2001:db8::25
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

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

 private:
  std::vector<LinodeIp> ips_;
  std::unordered_map<std::string, size_t> index_;
};

// "a-b-c-d.ip.linodeusercontent.com" for IPv4, "" for IPv6.
std::string linodeDefault(const LinodeIp& ip);

}  // namespace ptrd::linode_emulator
