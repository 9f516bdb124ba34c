// `ptrd plan` / `ptrd apply` through the rfc2136 provider: the real binary
// against a real BIND 9 and a real Knot DNS on loopback (TSIG-signed AXFR and
// UPDATE), checked in what the server then answers.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/integration/provider_lab.h"
#include "tests/integration/rfc2136_lab.h"
#include "tests/lab/child_process.h"
#include "tests/lab/nsd_server.h"  // makeTempDir

namespace ptrd {
namespace {

using Json = nlohmann::json;

class PlanApplyRfc2136Test : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = GetParam() == "bind" ? lab::startBind(testing::rfc2136Zones())
                                   : lab::startKnot(testing::rfc2136Zones());
    scratch_ = lab::makeTempDir("ptrd-rfc2136-");
    std::filesystem::create_directories(scratch_ + "/mappings");
    std::ofstream(scratch_ + "/mappings/fleet.yaml") << testing::kRfc2136Mappings;
    writeConfig(server_->keyFile());
  }
  void TearDown() override { std::filesystem::remove_all(scratch_); }

  void writeConfig(const std::string& keyFile) {
    std::ofstream(scratch_ + "/ptrd.yaml")
        << "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n"
        << "  mappings: [mappings/]\n"
        << "  provider:\n    type: rfc2136\n    rfc2136:\n"
        << "      server: \"" << server_->address() << "\"\n"
        << "      zones: " << testing::kManagedZones << "\n"
        << "      tsigKeyFile: \"" << keyFile << "\"\n"
        << "      ttl: 60\n"
        << "  resolvers: [\"" << server_->address() << "\"]\n"
        << "  policy: upsert-only\n  maxChangePercent: 100\n  maxChanges: 5000\n";
  }
  lab::CommandResult ptrd(const std::string& verb, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {PTRD_BINARY, verb, "-c", scratch_ + "/ptrd.yaml"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return lab::runCommand(argv, scratch_);
  }
  std::string dig(const std::string& ip) { return testing::digPtr(server_->port(), ip, scratch_); }

  std::unique_ptr<lab::UpdateServer> server_;
  std::string scratch_;
};

TEST_P(PlanApplyRfc2136Test, EveryStatePlansAsExpectedApplyConvergesAndASecondPlanIsClean) {
  auto plan = ptrd("plan", {"-o", "json"});
  ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  Json j = Json::parse(plan.out);
  Json summary = j["summary"];
  EXPECT_EQ(summary["in_sync"], 1) << summary;
  EXPECT_EQ(summary["set"], 4) << summary;
  EXPECT_EQ(summary["reset"], 1) << summary;
  EXPECT_EQ(summary["invalid"], 1) << summary;
  EXPECT_EQ(summary["blocked_forward"], 1) << summary;
  EXPECT_EQ(summary["not_owned"], 1) << summary;
  EXPECT_EQ(summary["lookup_error"], 0) << summary;
  std::map<std::string, std::pair<Json, Json>> changes;
  for (const auto& c : j["changes"]) changes[c["ip"].get<std::string>()] = {c["from"], c["to"]};
  EXPECT_EQ(changes["203.0.113.2"],
            std::make_pair(Json("old.example.com."), Json("mx.example.com.")));
  EXPECT_EQ(changes["203.0.113.3"], std::make_pair(Json("relay.example.com."), Json(nullptr)));
  EXPECT_EQ(changes["198.51.100.5"], std::make_pair(Json(nullptr), Json("host5.example.com.")));
  EXPECT_EQ(changes.count("2001:db8::25"), 1u);

  auto apply = ptrd("apply");
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;  // blocked, invalid, not owned remain
  EXPECT_EQ(dig("203.0.113.1"), "mail.example.com.");
  EXPECT_EQ(dig("203.0.113.2"), "mx.example.com.");
  EXPECT_EQ(dig("203.0.113.3"), "");
  EXPECT_EQ(dig("203.0.113.5"), "");
  EXPECT_EQ(dig("203.0.113.6"), "insync.example.com.");
  // Through the parent's CNAME into the RFC 2317 slice, as any resolver sees it.
  EXPECT_EQ(testing::digFollowingCname(server_->port(), "198.51.100.5", scratch_),
            "5.0-25.100.51.198.in-addr.arpa. -> host5.example.com.");
  EXPECT_EQ(dig("2001:db8::25"), "mail6.example.com.");

  auto again = ptrd("plan");
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

TEST_P(PlanApplyRfc2136Test, AWrongTsigKeyExitsOneNamingTheKeyAndChangesNothing) {
  const std::string wrongKey = scratch_ + "/wrong.key";
  const std::string secret =
      lab::writeKeyFile(wrongKey, server_->keyName());  // same name, other secret
  writeConfig(wrongKey);
  auto apply = ptrd("apply");
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  const std::string all = apply.out + apply.err;
  EXPECT_NE(all.find("TSIG key \"ptrd.\""), std::string::npos) << all;
  EXPECT_EQ(all.find(secret), std::string::npos) << "the secret must never be printed";
  EXPECT_EQ(all.find(server_->keySecret()), std::string::npos);
  EXPECT_EQ(dig("203.0.113.2"), "old.example.com.");
  EXPECT_EQ(dig("203.0.113.1"), "");
  EXPECT_EQ(dig("203.0.113.3"), "relay.example.com.");
}

// 10,000 changes across 40 zones in one apply: one UPDATE per zone per batch,
// all converged, and nothing left for the next plan.
TEST_P(PlanApplyRfc2136Test, TenThousandChangesAcrossFortyZonesConverge) {
  constexpr int kZones = 40, kPerZone = 250;
  lab::UpdateServerOptions o;
  std::string forward, bulk, zones;
  for (int z = 0; z < kZones; ++z) {
    o.zones.push_back({fmt::format("{}.0.10.in-addr.arpa", z), ""});
    zones += fmt::format("{}{}.0.10.in-addr.arpa", z == 0 ? "" : ", ", z);
    for (int h = 1; h <= kPerZone; ++h) {
      forward += fmt::format("h-{}-{} A 10.0.{}.{}\n", z, h, z, h);
      bulk += fmt::format("10.0.{}.{} h-{}-{}.example.com\n", z, h, z, h);
    }
  }
  o.zones.push_back({"example.com", forward});
  server_ = GetParam() == "bind" ? lab::startBind(o) : lab::startKnot(o);
  std::filesystem::remove(scratch_ + "/mappings/fleet.yaml");
  std::ofstream(scratch_ + "/mappings/pool.txt") << bulk;
  std::ofstream(scratch_ + "/ptrd.yaml")
      << "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n  mappings: [mappings/]\n"
      << "  provider: {type: rfc2136, rfc2136: {server: \"" << server_->address() << "\", zones: ["
      << zones << "], tsigKeyFile: \"" << server_->keyFile() << "\"}}\n"
      << "  resolvers: [\"" << server_->address() << "\"]\n"
      << "  policy: upsert-only\n  maxChangePercent: 100\n  maxChanges: 20000\n";
  auto apply = lab::runCommand({PTRD_BINARY, "apply", "-c", scratch_ + "/ptrd.yaml"}, scratch_,
                               std::chrono::milliseconds(100000));
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_EQ(dig("10.0.39.250"), "h-39-250.example.com.");
  EXPECT_EQ(dig("10.0.0.1"), "h-0-1.example.com.");
  auto again = ptrd("plan");
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

INSTANTIATE_TEST_SUITE_P(Servers, PlanApplyRfc2136Test, ::testing::Values("bind", "knot"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ptrd
