// PlatformTest: what every platform provider's plan/apply test does around its
// emulator -- a scratch directory with mappings/fleet.yaml, a config that names
// the lab PowerDNS as resolver, the real ptrd binary run against it, its plan as
// JSON, and PTR answers from DNS. A test derives from it and adds its emulator
// as a member after these (so the emulator stops before PowerDNS does).
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/provider_lab.h"
#include "tests/lab/child_process.h"
#include "tests/lab/nsd_server.h"  // makeTempDir
#include "tests/lab/pdns_server.h"

namespace ptrd::testing {

// The lab DNS of the every-state fixture: reverse zones for 203.0.113.0/24,
// 10.0.0.0/24 and 2001:db8::/32, and forward records for mail, mx, elsewhere
// (192.0.2.1, on no account), v6mail.example.com (AAAA `v6mail`) and the pool
// 10-0-0-N.pool.example.com -> 10.0.0.N for N < `pool`, plus `extra`.
inline lab::PdnsServer& withEveryStateDns(lab::PdnsServer& p, int pool,
                                          const std::string& v6mail = "2001:db8::2",
                                          std::vector<lab::PdnsRecord> extra = {}) {
  p.createZone("113.0.203.in-addr.arpa.");
  p.createZone("0.0.10.in-addr.arpa.");
  p.createZone("8.b.d.0.1.0.0.2.ip6.arpa.");
  p.createZone("example.com.");
  std::vector<lab::PdnsRecord> records = {{"mail.example.com.", "A", "203.0.113.1"},
                                          {"mx.example.com.", "A", "203.0.113.2"},
                                          {"elsewhere.example.com.", "A", "192.0.2.1"},
                                          {"v6mail.example.com.", "AAAA", v6mail}};
  for (int i = 0; i < pool; ++i)
    records.push_back(
        {fmt::format("10-0-0-{}.pool.example.com.", i), "A", fmt::format("10.0.0.{}", i)});
  records.insert(records.end(), extra.begin(), extra.end());
  p.setRecords("example.com.", records);
  return p;
}

// The every-state mapping set, named `name`: 203.0.113.1 and .2 set (forward
// confirmed), .3 reset, .4 invalid (line 10: "mail" is no FQDN), .5
// blocked_forward, 192.0.2.1 not_owned, and under the IPv6 prefix `v6` (e.g.
// "2001:db8::") ::2 set and ::1 reset.
inline std::string everyStateMappings(const std::string& name, const std::string& v6) {
  return fmt::format(R"(apiVersion: ptrd.io/v1alpha1
kind: PTRMappings
metadata:
  name: {0}
spec:
  records:
    - {{ip: 203.0.113.1, hostname: mail.example.com}}
    - {{ip: 203.0.113.2, hostname: mx.example.com}}
    - {{ip: 203.0.113.3, reset: true}}
    - {{ip: 203.0.113.4, hostname: mail}}
    - {{ip: 203.0.113.5, hostname: unresolvable.example.com}}
    - {{ip: 192.0.2.1, hostname: elsewhere.example.com}}
    - {{ip: "{1}2", hostname: v6mail.example.com}}
    - {{ip: "{1}1", reset: true}}
)",
                     name, v6);
}

class PlatformTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!scratch_.empty()) std::filesystem::remove_all(scratch_);
  }

  // A fresh scratch directory (its name starts with `prefix`) holding
  // mappings/fleet.yaml.
  void makeScratch(const std::string& prefix, const std::string& mappings) {
    scratch_ = lab::makeTempDir(prefix);
    std::filesystem::create_directories(scratch_ + "/mappings");
    std::ofstream(scratch_ + "/mappings/fleet.yaml") << mappings;
  }
  // ptrd.yaml: the mappings/ directory, the provider block (`providerLines`, the
  // lines under `provider:`, each indented by four spaces), the lab's resolver,
  // upsert-only, and caps no fixture reaches.
  void writeConfigWith(const std::string& providerLines) {
    std::ofstream(scratch_ + "/ptrd.yaml")
        << "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n"
        << "  mappings: [mappings/]\n"
        << "  provider:\n"
        << providerLines << "  resolvers: [\"" << pdns_.dnsAddress() << "\"]\n"
        << "  policy: upsert-only\n  maxChangePercent: 100\n  maxChanges: 5000\n";
  }
  // The real binary with `args` and -c ptrd.yaml. Two minutes before it is
  // killed: a paced pass through faults took 40 s on a loaded two-core machine.
  lab::CommandResult ptrd(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {PTRD_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"-c", scratch_ + "/ptrd.yaml"});
    return lab::runCommand(argv, scratch_, std::chrono::minutes(2));
  }
  // `ptrd plan -o json`, which must exit 0 (in sync) or 2 (changes or problems).
  nlohmann::json planJson() {
    auto plan = ptrd({"plan", "-o", "json"});
    EXPECT_TRUE(plan.exit_code == 0 || plan.exit_code == 2) << plan.out << plan.err;
    return nlohmann::json::parse(plan.out);
  }
  std::string dig(const std::string& ip) { return digPtr(pdns_.dnsPort(), ip, scratch_); }

  lab::PdnsServer pdns_;
  std::string scratch_;
};

}  // namespace ptrd::testing
