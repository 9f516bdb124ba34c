// The lab every reliability case shares: a real PowerDNS on loopback serving the
// reverse zone the provider manages and the forward zone the FCrDNS gate reads,
// optionally the noc-emulator in front of it, and the `ptrd` binary run as a
// user runs it. Each case:
//   1. plans with no fault (`ptrd plan -o json`): the changes a fault may cause,
//   2. runs `ptrd apply` under the fault, checks exit status and what it says,
//   3. checks PowerDNS changed only as the plan says (per name: unchanged, or
//      exactly the plan's target),
//   4. switches the fault off and checks the next pass converges (exit 0).
//
// The fleet: 203.0.113.1..8 declared (1-2 already in sync, 3-8 to set), 9-10
// undeclared decoys that already carry a custom PTR (never touched under
// upsert-only; under sync only a broken read of the mappings could reset them,
// so cases that want "no reset" to bite declare them instead).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/lab/child_process.h"
#include "tests/lab/noc_emulator_process.h"
#include "tests/lab/pdns_server.h"

// Cases spell options as designated initializers naming only what they change
// ({.policy = "sync"}); g++ 12 would warn about every defaulted member.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ptrd::reliability {

using Json = nlohmann::json;
using Snapshot = std::map<std::string, std::vector<std::string>>;  // reverse name -> PTR targets

inline const std::string kReverseZone = "113.0.203.in-addr.arpa.";
inline const std::string kForwardZone = "example.com.";

struct ConfigOptions {
  std::string provider = "powerdns";   // or "noc"
  std::string url;                     // empty: the lab's PowerDNS API or emulator
  std::vector<std::string> resolvers;  // empty: the lab's PowerDNS DNS
  std::string policy = "upsert-only";
  std::string requestTimeout = "2s";
  std::string jobTimeout = "20s";
  int batchSize = 500;
  std::string extra;   // more provider keys, e.g. "caFile: ca.pem"
  std::string listen;  // the daemon's HTTP endpoint; empty: the default
};

struct PtrdRun {
  lab::CommandResult result;
  Json doc;  // stdout parsed when it was JSON; null otherwise
  std::chrono::milliseconds took{0};
};

class ReliabilityLab : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The noc-emulator over the lab's PowerDNS, holding 203.0.113.1..10.
  void startNoc();
  // Mapping file mappings/fleet.yaml: the declared records (ip -> hostname).
  void declare(const std::map<std::string, std::string>& records);
  std::string writeConfig(const ConfigOptions& o);
  void writeFile(const std::string& name, const std::string& text) const;

  PtrdRun ptrd(std::vector<std::string> args,
               std::chrono::milliseconds limit = std::chrono::seconds(60));
  // `ptrd plan -o json` under no fault: ip -> the "to" of each planned change.
  std::map<std::string, std::string> plannedChanges(const std::string& config);
  Snapshot snapshot() const { return pdns_->ptrRecords(kReverseZone); }
  // Every name whose PTR differs between before and after is in `planned` and
  // now holds exactly the planned target (an empty target = no PTR or default).
  void expectOnlyPlannedChanges(const Snapshot& before, const Snapshot& after,
                                const std::map<std::string, std::string>& planned) const;
  // The second pass with the fault off converges and the zone equals `desired`.
  void expectConverges(const std::string& config);

  // The default scenario: 1..8 declared (3..8 need a set), decoys 9..10.
  std::map<std::string, std::string> fleet() const;
  std::string ptrOf(const std::string& ip) const;  // from the API snapshot; "" = none

  std::unique_ptr<lab::PdnsServer> pdns_;
  std::unique_ptr<lab::NocEmulatorProcess> noc_;
  std::string scratch_;
};

// Polls `ready` every 50 ms until it holds or `limit` passes.
bool eventually(std::chrono::milliseconds limit, const std::function<bool()>& ready);
// GET http://127.0.0.1:port/path: the body, "" when there was no answer.
std::string httpGet(int port, const std::string& path);

std::string reverseOf(const std::string& ip);
std::string hostFor(int n);  // "host-N.example.com."
// Requests in the emulator's log matching method/path prefix and (if >= 0) status.
int countRequests(const Json& log, const std::string& method, const std::string& pathPrefix,
                  int status = -1);

}  // namespace ptrd::reliability
