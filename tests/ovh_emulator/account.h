// The emulated OVHcloud account: its IP blocks and the custom reverses set in
// them. An address without an entry has OVH's default (never shown by the API).
// Not thread-safe: the API server guards it with one mutex.
//
// Account file, '#' comments:
//   203.0.113.0/29                 a block (IPv4 or IPv6)
//   203.0.113.3 relay.example.com  a custom reverse, inside a block listed above
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"

namespace ptrd::ovh_emulator {

class Account {
 public:
  static Result<Account> load(const std::string& path);

  const std::vector<Cidr>& blocks() const { return blocks_; }
  // The listed block whose text is `text` exactly ("203.0.113.0/29"), or null.
  const Cidr* block(const std::string& text) const;
  // Custom reverses (canonical address -> name with trailing dot), ordered.
  const std::map<IpAddress, std::string>& reverses() const { return reverses_; }
  std::map<IpAddress, std::string>& reverses() { return reverses_; }

 private:
  std::vector<Cidr> blocks_;
  std::map<IpAddress, std::string> reverses_;
};

bool inBlock(const Cidr& block, const IpAddress& ip);

}  // namespace ptrd::ovh_emulator
