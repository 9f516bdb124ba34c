// HetznerCloudEmulatorProcess: runs the hetzner-cloud-emulator binary for a
// test, bound to a lab PowerDNS, with a fresh token, and talks to its /admin
// endpoints.
//
//   PdnsServer pdns;  pdns.createZone("113.0.203.in-addr.arpa.");
//   HetznerCloudEmulatorProcess hc(pdns, {.account = R"({"servers": [...]})"});
//   provider config: hetznerCloud: {url: hc.url(), tokenFile: hc.tokenFile()}
//   hc.setFaults({{"error_rate", 0.1}});  hc.requests();  hc.writes();
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/lab/child_process.h"
#include "tests/lab/pdns_server.h"

namespace ptrd::lab {

struct HetznerCloudEmulatorOptions {
  std::string account;                 // the project file (JSON)
  std::vector<std::string> extraArgs;  // e.g. {"--limit", "20", "--window-s", "20"}
  bool seedDns = true;                 // publish the project's current PTRs at start
  std::chrono::milliseconds startLimit{30000};
};

class HetznerCloudEmulatorProcess {
 public:
  HetznerCloudEmulatorProcess(const PdnsServer& pdns,
                              HetznerCloudEmulatorOptions options);  // throws
  ~HetznerCloudEmulatorProcess();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  std::string tokenFile() const { return dir_ + "/token"; }
  const std::string& token() const { return token_; }

  nlohmann::json requests() const;  // GET /admin/requests
  void clearRequests() const;
  nlohmann::json writes() const;  // GET /admin/writes
  void setFaults(const nlohmann::json& faults) const;
  // Another client of the project spends `requests` of the budget (below zero
  // too): the next request finds it empty for about requests/rate seconds.
  void spendBudgetElsewhere(int requests) const;
  std::string log() const;

 private:
  std::string dir_;
  std::string token_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace ptrd::lab
