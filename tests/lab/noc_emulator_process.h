// NocEmulatorProcess: runs the noc-emulator binary for a test, bound to a lab
// PowerDNS, with a fresh token, and talks to its /admin endpoints.
//
//   PdnsServer pdns;  pdns.createZone("113.0.203.in-addr.arpa.");
//   NocEmulatorProcess noc(pdns, withAccount("203.0.113.10 vps-1 10.static.noc.test.\n"));
//   provider config: url = noc.url(), apiKeyFile = noc.tokenFile()
//   noc.setFaults({{"error_rate", 0.2}});  noc.requests();  // the /v1 request log
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/lab/child_process.h"
#include "tests/lab/pdns_server.h"

namespace ptrd::lab {

struct NocEmulatorOptions {
  std::string account;                 // account file content: "IP SERVICE DEFAULT_PTR [PTR]" lines
  std::vector<std::string> extraArgs;  // e.g. {"--error-rate", "0.2"}
  bool seedDns = true;                 // publish the account's current PTRs at start
  std::chrono::milliseconds startLimit{30000};
};

inline NocEmulatorOptions withAccount(std::string account) {
  NocEmulatorOptions o;
  o.account = std::move(account);
  return o;
}

class NocEmulatorProcess {
 public:
  NocEmulatorProcess(const PdnsServer& pdns, NocEmulatorOptions options);  // throws with the log
  ~NocEmulatorProcess();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  std::string tokenFile() const { return dir_ + "/token"; }
  const std::string& token() const { return token_; }

  nlohmann::json requests() const;  // GET /admin/requests
  void clearRequests() const;
  void setFaults(const nlohmann::json& faults) const;
  // PUT /v1/ips/{ip}/ptr as the customer would in the portal's page.
  int setPtr(const std::string& ip, const std::string& ptr) const;
  // GET with the account's token; the HTTP status (0: no answer), body into *body.
  int getStatus(const std::string& path, std::string* body = nullptr) const;
  std::string log() const;

 private:
  std::string dir_;
  std::string token_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace ptrd::lab
