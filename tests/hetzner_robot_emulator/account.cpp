#include "tests/hetzner_robot_emulator/account.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/hostname.h"

namespace ptrd::hetzner_robot_emulator {

std::string robotDefault(const std::string& canonicalIp) {
  auto ip = IpAddress::parse(canonicalIp);
  if (!ip || !ip->isV4()) return {};
  const auto& b = ip->bytes();
  return fmt::format("static.{}.{}.{}.{}.clients.your-server.de", b[3], b[2], b[1], b[0]);
}

Result<Account> Account::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::permanent(fmt::format("cannot read account file {}", path));
  Account a;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream f(line);
    std::string kind, text, extra;
    if (!(f >> kind)) continue;
    f >> text >> extra;
    auto fail = [&](const std::string& why) {
      return Error::permanent(fmt::format("{}:{}: {}", path, lineno, why));
    };
    if (kind == "subnet") {
      auto c = Cidr::parse(text);
      if (!c) return fail(c.error().message);
      a.subnets_.push_back(*c);
      continue;
    }
    auto ip = IpAddress::parse(text);
    if (!ip) return fail(ip.error().message);
    if (kind == "ip") {
      a.ips_.push_back({ip->str(), extra == "main"});
      if (extra == "main") a.rdns_[ip->str()] = robotDefault(ip->str());
    } else if (kind == "rdns") {
      auto name = normaliseHostname(extra);
      if (!name) return fail(name.error().message);
      a.rdns_[ip->str()] = name->substr(0, name->size() - 1);
    } else {
      return fail("need ip, subnet or rdns");
    }
  }
  return a;
}

bool Account::owns(const IpAddress& ip) const {
  for (const auto& s : ips_)
    if (s.ip == ip.str()) return true;
  for (const auto& c : subnets_) {
    if (c.network.family() != ip.family()) continue;
    const auto& n = c.network.bytes();
    const auto& b = ip.bytes();
    int bits = c.prefix;
    bool in = true;
    for (int i = 0; bits > 0 && in; ++i, bits -= 8) {
      uint8_t mask = bits >= 8 ? 0xff : uint8_t(0xff << (8 - bits));
      in = (n[size_t(i)] & mask) == (b[size_t(i)] & mask);
    }
    if (in) return true;
  }
  return false;
}

bool Account::isMain(const std::string& canonicalIp) const {
  for (const auto& s : ips_)
    if (s.ip == canonicalIp) return s.main;
  return false;
}

}  // namespace ptrd::hetzner_robot_emulator
