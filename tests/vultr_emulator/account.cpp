#include "tests/vultr_emulator/account.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/hostname.h"

namespace ptrd::vultr_emulator {

std::string vultrDefault(const IpAddress& ip) {
  return ip.str() + ".vultrusercontent.com";
}

Ipv4* Instance::findIpv4(const IpAddress& ip) {
  for (auto& a : ipv4s)
    if (a.ip == ip) return &a;
  return nullptr;
}

bool Instance::inV6Network(const IpAddress& ip) const {
  if (!v6Network || ip.isV4()) return false;
  const auto& a = v6Network->network.bytes();
  const auto& b = ip.bytes();
  for (int bit = 0; bit < v6Network->prefix; ++bit) {
    const uint8_t mask = uint8_t(0x80 >> (bit % 8));
    if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
  }
  return true;
}

Result<Account> Account::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::permanent(fmt::format("cannot read account file {}", path));
  Account account;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream fields(line);
    std::string id, item, reverse;
    if (!(fields >> id)) continue;
    fields >> item >> reverse;
    auto fail = [&](const std::string& why) {
      return Error::permanent(fmt::format("{}:{}: {}", path, lineno, why));
    };
    if (item.empty()) return fail("an instance line needs an address or network");
    Instance* instance = account.find(id);
    if (instance == nullptr) {
      account.instances_.push_back({id, {}, std::nullopt, {}});
      instance = &account.instances_.back();
    }
    std::string name;
    if (!reverse.empty()) {
      auto normal = normaliseHostname(reverse);
      if (!normal) return fail(normal.error().message);
      name = normal->substr(0, normal->size() - 1);
    }
    if (item.find('/') != std::string::npos) {
      auto net = Cidr::parse(item);
      if (!net || net->network.isV4()) return fail("not an IPv6 network: " + item);
      instance->v6Network = *net;
      continue;
    }
    auto ip = IpAddress::parse(item);
    if (!ip) return fail(ip.error().message);
    if (ip->isV4()) {
      instance->ipv4s.push_back({*ip, name.empty() ? vultrDefault(*ip) : name});
    } else {
      if (name.empty() || !instance->inV6Network(*ip))
        return fail("an IPv6 line needs a name and the instance's network before it");
      instance->v6Reverses[*ip] = name;
    }
  }
  return account;
}

Instance* Account::find(const std::string& id) {
  for (auto& i : instances_)
    if (i.id == id) return &i;
  return nullptr;
}

}  // namespace ptrd::vultr_emulator
