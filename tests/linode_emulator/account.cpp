#include "tests/linode_emulator/account.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/hostname.h"
#include "core/ip_address.h"

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
    if (account.index_.count(entry.address)) continue;  // listed twice: first wins
    account.index_[entry.address] = account.ips_.size();
    account.ips_.push_back(std::move(entry));
  }
  return account;
}

LinodeIp* Account::find(const std::string& canonicalIp) {
  auto it = index_.find(canonicalIp);
  return it == index_.end() ? nullptr : &ips_[it->second];
}

}  // namespace ptrd::linode_emulator
