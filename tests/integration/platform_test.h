// PlatformTest: what every platform provider's plan/apply test does around its
// emulator -- a scratch directory with mappings/fleet.yaml, a config that names
// the lab PowerDNS as resolver, the real ptrd binary run against it, its plan as
// JSON, and PTR answers from DNS. A test derives from it and adds its emulator
// as a member after these (so the emulator stops before PowerDNS does).
#pragma once

#include <gtest/gtest.h>

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
  // The real binary with `args` and -c ptrd.yaml.
  lab::CommandResult ptrd(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {PTRD_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"-c", scratch_ + "/ptrd.yaml"});
    return lab::runCommand(argv, scratch_);
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
