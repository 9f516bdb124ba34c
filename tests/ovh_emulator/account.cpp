#include "tests/ovh_emulator/account.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/hostname.h"

namespace ptrd::ovh_emulator {

bool inBlock(const Cidr& block, const IpAddress& ip) {
  if (ip.family() != block.network.family()) return false;
  for (int bit = 0; bit < block.prefix; ++bit) {
    const unsigned char mask = static_cast<unsigned char>(0x80 >> (bit % 8));
    if ((ip.bytes()[size_t(bit / 8)] & mask) != (block.network.bytes()[size_t(bit / 8)] & mask))
      return false;
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
    std::string text, name;
    if (!(fields >> text)) continue;
    fields >> name;
    auto where = [&](const std::string& why) {
      return Error::permanent(fmt::format("{}:{}: {}", path, lineno, why));
    };
    if (text.find('/') != std::string::npos) {
      auto cidr = Cidr::parse(text);
      if (!cidr) return where(cidr.error().message);
      account.blocks_.push_back(*cidr);
      continue;
    }
    auto ip = IpAddress::parse(text);
    if (!ip) return where(ip.error().message);
    bool inside = false;
    for (const auto& b : account.blocks_) inside = inside || inBlock(b, *ip);
    if (!inside) return where(ip->str() + " is in no block listed before it");
    auto host = normaliseHostname(name);
    if (!host) return where(host.error().message);
    account.reverses_[*ip] = *host;
  }
  return account;
}

const Cidr* Account::block(const std::string& text) const {
  for (const auto& b : blocks_)
    if (b.str() == text) return &b;
  return nullptr;
}

}  // namespace ptrd::ovh_emulator
