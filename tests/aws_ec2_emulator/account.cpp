#include "tests/aws_ec2_emulator/account.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/hostname.h"
#include "core/ip_address.h"
#include "providers/aws_ec2/ec2_xml.h"

namespace ptrd::aws_ec2_emulator {

std::string awsDefault(const ElasticIp& ip, const std::string& region) {
  return providers::aws_ec2::defaultPtr(ip.address, region);
}

Result<Account> Account::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::permanent(fmt::format("cannot read account file {}", path));
  Account account;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream fields(line);
    std::string text, id, ptr;
    if (!(fields >> text)) continue;
    if (!(fields >> id) || !id.starts_with("eipalloc-"))
      return Error::permanent(fmt::format("{}:{}: want IP eipalloc-ID [PTR]", path, lineno));
    fields >> ptr;
    auto ip = IpAddress::parse(text);
    if (!ip || !ip->isV4())
      return Error::permanent(fmt::format("{}:{}: not an IPv4 address: {}", path, lineno, text));
    ElasticIp entry{ip->str(), id, ip->reverseName(), "", {}};
    if (!ptr.empty()) {
      auto name = normaliseHostname(ptr);
      if (!name)
        return Error::permanent(fmt::format("{}:{}: {}", path, lineno, name.error().message));
      entry.ptr = *name;
    }
    if (account.index_.count(id))
      return Error::permanent(fmt::format("{}:{}: {} listed twice", path, lineno, id));
    account.index_[id] = account.ips_.size();
    account.ips_.push_back(std::move(entry));
  }
  return account;
}

ElasticIp* Account::byAllocation(const std::string& allocationId) {
  auto it = index_.find(allocationId);
  return it == index_.end() ? nullptr : &ips_[it->second];
}

}  // namespace ptrd::aws_ec2_emulator
