#include "tests/noc_emulator/account.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/hostname.h"
#include "core/ip_address.h"

namespace ptrd::noc_emulator {

Result<Account> Account::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::permanent(fmt::format("cannot read account file {}", path));
  Account account;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream fields(line);
    std::string ip, service, defaultPtr, ptr;
    if (!(fields >> ip)) continue;
    if (!(fields >> service >> defaultPtr))
      return Error::permanent(
          fmt::format("{}:{}: need IP SERVICE DEFAULT_PTR [PTR]", path, lineno));
    fields >> ptr;
    auto parsed = IpAddress::parse(ip);
    if (!parsed)
      return Error::permanent(fmt::format("{}:{}: {}", path, lineno, parsed.error().message));
    auto def = normaliseHostname(defaultPtr);
    if (!def) return Error::permanent(fmt::format("{}:{}: {}", path, lineno, def.error().message));
    auto cur = ptr.empty() ? def : normaliseHostname(ptr);
    if (!cur) return Error::permanent(fmt::format("{}:{}: {}", path, lineno, cur.error().message));
    AccountIp entry{parsed->str(), parsed->reverseName(), service, *def, *cur};
    if (account.index_.count(entry.ip)) continue;  // listed twice: first wins
    account.index_[entry.ip] = account.ips_.size();
    account.ips_.push_back(std::move(entry));
  }
  return account;
}

AccountIp* Account::find(const std::string& canonicalIp) {
  auto it = index_.find(canonicalIp);
  return it == index_.end() ? nullptr : &ips_[it->second];
}

EntryCheck Account::check(const std::string& ipText, const std::optional<std::string>& ptr,
                          bool reset) const {
  EntryCheck c;
  c.ip = ipText;
  c.reset = reset;
  auto ip = IpAddress::parse(ipText);
  if (!ip) {
    c.code = "invalid_ip";
    c.reason = fmt::format("invalid IP \"{}\": {}", ipText, ip.error().message);
    return c;
  }
  if (ip->str() != ipText) {
    c.code = "invalid_ip";
    c.reason = fmt::format("IP \"{}\" is not in canonical form (\"{}\")", ipText, ip->str());
    return c;
  }
  if (reset == ptr.has_value()) {
    c.code = "invalid_request";
    c.reason = "an entry needs either \"ptr\" or \"reset\": true";
    return c;
  }
  if (ptr) {
    auto name = normaliseHostname(*ptr);
    if (!name) {
      c.code = "invalid_hostname";
      c.reason = name.error().message;
      return c;
    }
    c.ptr = *name;
  }
  if (!index_.count(c.ip)) {
    c.verdict = EntryCheck::Verdict::kNotYours;
    c.code = "not_yours";
    c.reason = "the address is not on this account";
    return c;
  }
  c.verdict = EntryCheck::Verdict::kValid;
  return c;
}

}  // namespace ptrd::noc_emulator
