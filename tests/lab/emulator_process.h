// EmulatorProcess: runs one of the single-call platform emulators
// (linode-emulator, hetzner-robot-emulator) for a test, bound to a lab PowerDNS,
// with fresh credentials in files, and talks to its /admin endpoints
// (tests/emulator_kit/api_front.h).
//
//   PdnsServer pdns;  pdns.createZone("113.0.203.in-addr.arpa.");
//   auto linode = EmulatorProcess::linode(pdns, "203.0.113.10\n");
//   provider config: url = linode->url() + "/v4", tokenFile = linode->secretFile("token")
//   linode->setFaults({{"error_rate", 0.1}});  linode->requests();  // the API request log
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/lab/child_process.h"
#include "tests/lab/pdns_server.h"

namespace ptrd::lab {

class EmulatorProcess {
 public:
  // linode-emulator with its forward check against pdns's DNS port; account:
  // "IP [RDNS]" lines.
  static std::unique_ptr<EmulatorProcess> linode(const PdnsServer& pdns, const std::string& account,
                                                 std::vector<std::string> extraArgs = {});
  // hetzner-robot-emulator; account: ip/subnet/rdns lines; secrets "user", "password".
  static std::unique_ptr<EmulatorProcess> hetznerRobot(const PdnsServer& pdns,
                                                       const std::string& account,
                                                       std::vector<std::string> extraArgs = {});
  // binary: the emulator; secrets: name -> content, each written to a file and
  // passed as --<name>-file; args: the rest. Throws with the log if it does not start.
  EmulatorProcess(const std::string& binary,
                  const std::vector<std::pair<std::string, std::string>>& secrets,
                  const std::string& account, std::vector<std::string> args);
  ~EmulatorProcess();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string secretFile(const std::string& name) const { return dir_ + "/" + name; }
  const std::string& adminToken() const { return adminToken_; }

  nlohmann::json requests() const;  // GET /admin/requests
  void clearRequests() const;
  void setFaults(const nlohmann::json& faults) const;
  // POST to another /admin path; throws unless 200.
  void admin(const std::string& path, const nlohmann::json& body) const;
  std::string log() const;

 private:
  std::string dir_;
  std::string adminToken_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace ptrd::lab
