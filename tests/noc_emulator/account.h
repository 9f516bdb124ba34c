// The emulated customer account: which addresses it holds, each with its
// service, platform default PTR and current PTR. Not thread-safe: the API server
// guards it with one mutex.
//
// Account file: one address a line, "IP SERVICE DEFAULT_PTR [PTR]", '#' comments.
//   203.0.113.10 vps-1 203-0-113-10.static.noc.example.net.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace ptrd::noc_emulator {

struct AccountIp {
  std::string ip;  // canonical
  std::string reverseName;
  std::string service;
  std::string defaultPtr;  // canonical, trailing dot
  std::string ptr;         // canonical, trailing dot
  bool custom() const { return ptr != defaultPtr; }
};

// What the portal makes of one requested change, before anything is applied.
struct EntryCheck {
  enum class Verdict { kValid, kInvalid, kNotYours } verdict = Verdict::kInvalid;
  std::string ip;   // canonical when the IP parsed, else as given
  std::string ptr;  // normalised target (kValid, set); empty for a reset
  bool reset = false;
  std::string code;  // invalid_ip | invalid_hostname | invalid_request
  std::string reason;
};

class Account {
 public:
  static Result<Account> load(const std::string& path);

  // nullptr when the address is not on the account.
  AccountIp* find(const std::string& canonicalIp);
  const std::vector<AccountIp>& ips() const { return ips_; }
  AccountIp& at(size_t i) { return ips_[i]; }
  size_t size() const { return ips_.size(); }

  // Strict: the IP must be in canonical text (the portal lists them that way).
  EntryCheck check(const std::string& ipText, const std::optional<std::string>& ptr,
                   bool reset) const;

 private:
  std::vector<AccountIp> ips_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace ptrd::noc_emulator
