// `ptrd apply` through the noc provider: the real binary against the NOC portal
// emulator, which publishes into a real PowerDNS. Asserts on the emulator's
// request log what the reconciler sends, and in DNS what the world then sees.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/ip_address.h"
#include "tests/integration/provider_lab.h"
#include "tests/lab/child_process.h"
#include "tests/lab/noc_emulator_process.h"
#include "tests/lab/nsd_server.h"  // makeTempDir
#include "tests/lab/pdns_server.h"

namespace ptrd {
namespace {

using Json = nlohmann::json;

constexpr int kPool = 1200;  // 10.0.0.0 .. 10.0.4.175: three bulk jobs of <= 500

std::string poolIp(int i) {
  return fmt::format("10.0.{}.{}", i / 256, i % 256);
}

// The account: the pool, plus 203.0.113.1-5 of which .3 carries a custom PTR.
std::string account() {
  std::string a;
  for (int i = 1; i <= 5; ++i) {
    a += fmt::format("203.0.113.{} vps-1 203-0-113-{}.static.noc.test.{}\n", i, i,
                     i == 3 ? " relay.example.com." : "");
  }
  for (int i = 0; i < kPool; ++i) a += fmt::format("{} pool {}.static.noc.test.\n", poolIp(i), i);
  return a;
}

lab::PdnsServer& withZones(lab::PdnsServer& p) {
  p.createZone("113.0.203.in-addr.arpa.");
  for (int z = 0; z * 256 < kPool; ++z) p.createZone(fmt::format("{}.0.10.in-addr.arpa.", z));
  p.createZone("example.com.");
  p.setRecords("example.com.", {{"mail.example.com.", "A", "203.0.113.1"},
                                {"mx.example.com.", "A", "203.0.113.2"},
                                {"elsewhere.example.com.", "A", "192.0.2.1"}});
  std::vector<lab::PdnsRecord> pool;
  for (int i = 0; i < kPool; ++i) {
    pool.push_back({fmt::format("10-0-{}-{}.pool.example.com.", i / 256, i % 256), "A", poolIp(i)});
  }
  p.setRecords("example.com.", pool);
  return p;
}

// Line 10 holds the invalid hostname.
constexpr const char* kMappings = R"(apiVersion: ptrd.io/v1alpha1
kind: PTRMappings
metadata:
  name: noc-fleet
spec:
  records:
    - {ip: 203.0.113.1, hostname: mail.example.com}
    - {ip: 203.0.113.2, hostname: mx.example.com}
    - {ip: 203.0.113.3, reset: true}
    - {ip: 203.0.113.4, hostname: mail}
    - {ip: 203.0.113.5, hostname: unresolvable.example.com}
    - {ip: 192.0.2.1, hostname: elsewhere.example.com}
)";

class PlanApplyNocTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = lab::makeTempDir("ptrd-noc-");
    std::filesystem::create_directories(scratch_ + "/mappings");
    std::ofstream(scratch_ + "/mappings/fleet.yaml") << kMappings;
    std::ofstream(scratch_ + "/ptrd.yaml")
        << "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n"
        << "  mappings: [mappings/]\n"
        << "  provider: {type: noc, url: \"" << noc_.url() << "\", tokenFile: \""
        << noc_.tokenFile() << "\", batchSize: 500}\n"
        << "  resolvers: [\"" << pdns_.dnsAddress() << "\"]\n"
        << "  policy: upsert-only\n  maxChangePercent: 100\n  maxChanges: 5000\n";
    noc_.clearRequests();
  }
  void TearDown() override { std::filesystem::remove_all(scratch_); }

  lab::CommandResult ptrd(const std::string& verb) {
    return lab::runCommand({PTRD_BINARY, verb, "-c", scratch_ + "/ptrd.yaml"}, scratch_);
  }
  // Every entry of every POST /v1/ptr/bulk in the emulator's log.
  std::vector<Json> bulkPosts() {
    std::vector<Json> out;
    for (const auto& r : noc_.requests()) {
      if (r["method"] == "POST" && r["path"] == "/v1/ptr/bulk") out.push_back(r);
    }
    return out;
  }
  std::set<std::string> sentIps() {
    std::set<std::string> ips;
    for (const auto& post : bulkPosts()) {
      Json body = Json::parse(post["body"].get<std::string>());  // outlives the loop below
      for (const auto& e : body["entries"]) ips.insert(e["ip"].get<std::string>());
    }
    return ips;
  }

  lab::PdnsServer pdns_;
  lab::NocEmulatorProcess noc_{withZones(pdns_), lab::withAccount(account())};
  std::string scratch_;
};

TEST_F(PlanApplyNocTest, OnlyOwnedValidForwardConfirmedChangesAreSentAndResetReturnsTheDefault) {
  auto plan =
      lab::runCommand({PTRD_BINARY, "plan", "-c", scratch_ + "/ptrd.yaml", "-o", "json"}, scratch_);
  ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  Json summary = Json::parse(plan.out)["summary"];
  EXPECT_EQ(summary["set"], 2);
  EXPECT_EQ(summary["reset"], 1);
  EXPECT_EQ(summary["invalid"], 1);
  EXPECT_EQ(summary["blocked_forward"], 1);
  EXPECT_EQ(summary["not_owned"], 1);

  auto apply = ptrd("apply");
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;  // blocked, invalid, not owned remain
  EXPECT_EQ(sentIps(), (std::set<std::string>{"203.0.113.1", "203.0.113.2", "203.0.113.3"}));
  for (const auto& post : bulkPosts())
    EXPECT_FALSE(post["idempotency_key"].get<std::string>().empty());

  EXPECT_EQ(testing::digPtr(pdns_.dnsPort(), "203.0.113.1", scratch_), "mail.example.com.");
  EXPECT_EQ(testing::digPtr(pdns_.dnsPort(), "203.0.113.3", scratch_),
            "203-0-113-3.static.noc.test.");

  noc_.clearRequests();
  auto again = ptrd("plan");
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;  // nothing left to change
  EXPECT_TRUE(bulkPosts().empty());
}

TEST_F(PlanApplyNocTest, TwelveHundredChangesGoOutAsThreeBatchesOfAtMost500) {
  std::filesystem::remove(scratch_ + "/mappings/fleet.yaml");  // only the pool this time
  std::string bulk;
  for (int i = 0; i < kPool; ++i)
    bulk += fmt::format("{} 10-0-{}-{}.pool.example.com\n", poolIp(i), i / 256, i % 256);
  std::ofstream(scratch_ + "/mappings/pool.txt") << bulk;

  auto apply = ptrd("apply");
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  auto posts = bulkPosts();
  ASSERT_EQ(posts.size(), 3u);
  size_t total = 0;
  std::set<std::string> keys;
  for (const auto& post : posts) {
    size_t n = Json::parse(post["body"].get<std::string>())["entries"].size();
    EXPECT_LE(n, 500u);
    total += n;
    keys.insert(post["idempotency_key"].get<std::string>());
  }
  EXPECT_EQ(total, size_t(kPool));
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_EQ(testing::digPtr(pdns_.dnsPort(), poolIp(1199), scratch_),
            "10-0-4-175.pool.example.com.");
  EXPECT_EQ(ptrd("plan").exit_code, 0);
}

}  // namespace
}  // namespace ptrd
