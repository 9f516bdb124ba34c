#include "tests/linode_emulator/account.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/hostname.h"

namespace ptrd::linode_emulator {

std::string linodeDefault(const LinodeIp& ip) {
  if (ip.v6) return {};
  std::string dashed = ip.address;
  for (char& c : dashed) c = c == '.' ? '-' : c;
  return dashed + ".ip.linodeusercontent.com";
}

Result<Account> Account::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::permanent(fmt::format("cannot read account file {}", path));
  Account account;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream fields(line);
    std::string text, rdns;
    if (!(fields >> text)) continue;
    fields >> rdns;
    if (text == "range") {
      auto cidr = Cidr::parse(rdns);
      if (!cidr || cidr->network.isV4())
        return Error::permanent(fmt::format("{}:{}: range needs an IPv6 CIDR", path, lineno));
      account.ranges_.push_back(*cidr);
      continue;
    }
    auto ip = IpAddress::parse(text);
    if (!ip) return Error::permanent(fmt::format("{}:{}: {}", path, lineno, ip.error().message));
    LinodeIp entry{ip->str(), ip->reverseName(), !ip->isV4(), ""};
    if (rdns.empty()) {
      entry.rdns = linodeDefault(entry);
    } else {
      auto name = normaliseHostname(rdns);
      if (!name)
        return Error::permanent(fmt::format("{}:{}: {}", path, lineno, name.error().message));
      entry.rdns = name->substr(0, name->size() - 1);
    }
    account.add(std::move(entry));
  }
  return account;
}

LinodeIp* Account::add(LinodeIp ip) {
  if (LinodeIp* listed = find(ip.address)) return listed;
  index_[ip.address] = ips_.size();
  ips_.push_back(std::move(ip));
  return &ips_.back();
}

bool Account::inRange(const IpAddress& ip) const {
  for (const auto& r : ranges_) {
    if (ip.family() != r.network.family()) continue;
    bool inside = true;
    for (int bit = 0; bit < r.prefix && inside; ++bit) {
      const int mask = 0x80 >> (bit % 8);
      inside = (ip.bytes()[size_t(bit / 8)] & mask) == (r.network.bytes()[size_t(bit / 8)] & mask);
    }
    if (inside) return true;
  }
  return false;
}

LinodeIp* Account::find(const std::string& canonicalIp) {
  auto it = index_.find(canonicalIp);
  return it == index_.end() ? nullptr : &ips_[it->second];
}

}  // namespace ptrd::linode_emulator
