// `ptrd plan/apply` through the vultr provider: the real binary against the
// Vultr emulator (strict about expanded IPv6, 30 requests a second), which
// publishes every change into a lab PowerDNS. Asserts on the emulator's request
// log what ptrd sends, and in DNS what the world then sees.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "tests/integration/platform_test.h"
#include "tests/integration/provider_lab.h"
#include "tests/lab/child_process.h"
#include "tests/lab/emulator_process.h"
#include "tests/lab/nsd_server.h"  // makeTempDir
#include "tests/lab/pdns_server.h"

namespace ptrd {
namespace {

using Json = nlohmann::json;

constexpr int kPool = 40;  // 10.0.0.0 .. 10.0.0.39 on two instances, for the fault run
const std::string kWeb = "aaaaaaaa-0000-4000-8000-000000000001";

// The web instance: 203.0.113.1-5 (.3 with a custom name), the IPv6 network
// 2001:db8:1000::/64 with one custom name on ::1. Two pool instances.
std::string account() {
  std::string a = fmt::format(
      "{0} 203.0.113.1\n{0} 203.0.113.2\n{0} 203.0.113.3 relay.example.com\n{0} 203.0.113.4\n"
      "{0} 203.0.113.5\n{0} 2001:db8:1000::/64\n{0} 2001:db8:1000::1 old6.example.com\n",
      kWeb);
  for (int i = 0; i < kPool; ++i)
    a += fmt::format("bbbbbbbb-0000-4000-8000-00000000000{} 10.0.0.{}\n", i % 2, i);
  return a;
}

lab::PdnsServer& withZones(lab::PdnsServer& p) {
  return testing::withEveryStateDns(p, kPool, "2001:db8:1000::2");
}

std::unique_ptr<lab::EmulatorProcess> vultr(const lab::PdnsServer& pdns) {
  std::random_device rd;
  return std::make_unique<lab::EmulatorProcess>(
      PTRD_VULTR_EMULATOR_PATH,
      std::vector<std::pair<std::string, std::string>>{
          {"token", "VUL" + std::to_string(rd()) + std::to_string(rd())}},
      account(),
      std::vector<std::string>{"--pdns-url", pdns.apiUrl(), "--pdns-key-file", pdns.apiKeyFile(),
                               "--seed-dns"});
}

const std::string kMappings = testing::everyStateMappings("vultr-fleet", "2001:db8:1000::");

class PlanApplyVultrTest : public testing::PlatformTest {
 protected:
  void SetUp() override {
    makeScratch("ptrd-vultr-", kMappings);
    writeConfigWith(
        fmt::format("    type: vultr\n    vultr:\n      url: \"{}/v2\"\n"
                    "      tokenFile: \"{}\"\n",
                    vultr_->url(), vultr_->secretFile("token")));
    vultr_->clearRequests();
  }

  // Every request that writes (POST, DELETE) in the emulator's log.
  std::vector<Json> writes() {
    std::vector<Json> out;
    for (const auto& r : vultr_->requests())
      if (r["method"] != "GET") out.push_back(r);
    return out;
  }
  std::string token() { return lab::readFile(vultr_->secretFile("token")).substr(0, 20); }

  std::unique_ptr<lab::EmulatorProcess> vultr_ = vultr(withZones(pdns_));
};

TEST_F(PlanApplyVultrTest, EveryStatePlansAsExpectedAndApplyConverges) {
  auto plan = ptrd({"plan", "-o", "json"});
  ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  Json summary = Json::parse(plan.out)["summary"];
  EXPECT_EQ(summary["set"], 3);
  EXPECT_EQ(summary["reset"], 2);
  EXPECT_EQ(summary["invalid"], 1);
  EXPECT_EQ(summary["blocked_forward"], 1);
  EXPECT_EQ(summary["not_owned"], 1);
  EXPECT_TRUE(writes().empty());  // planning writes nothing

  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;  // blocked, invalid, not owned remain
  const std::string base = "/v2/instances/" + kWeb;
  std::map<std::string, Json> sent;  // "METHOD path" -> body
  for (const auto& w : writes()) {
    EXPECT_EQ(w["status"], 204) << w;
    sent[w["method"].get<std::string>() + " " + w["path"].get<std::string>() + " " +
         w["body"].get<std::string>()] = w;
  }
  // Exactly these five calls: unowned, invalid and unconfirmed entries are never
  // sent, and IPv6 always goes fully expanded.
  std::set<std::string> keys;
  for (const auto& [k, w] : sent) keys.insert(k);
  EXPECT_EQ(
      keys,
      (std::set<std::string>{
          "DELETE " + base + "/ipv6/reverse/2001:0db8:1000:0000:0000:0000:0000:0001 ",
          "POST " + base + R"(/ipv4/reverse {"ip":"203.0.113.1","reverse":"mail.example.com"})",
          "POST " + base + R"(/ipv4/reverse {"ip":"203.0.113.2","reverse":"mx.example.com"})",
          "POST " + base + R"(/ipv4/reverse/default {"ip":"203.0.113.3"})",
          "POST " + base +
              R"(/ipv6/reverse {"ip":"2001:0db8:1000:0000:0000:0000:0000:0002","reverse":"v6mail.example.com"})"}));
  EXPECT_EQ(dig("203.0.113.1"), "mail.example.com.");
  EXPECT_EQ(dig("2001:db8:1000::2"), "v6mail.example.com.");
  EXPECT_EQ(dig("203.0.113.3"), "203.0.113.3.vultrusercontent.com.");  // IPv4: the default
  EXPECT_EQ(dig("2001:db8:1000::1"), "");                              // IPv6: removed

  vultr_->clearRequests();
  auto again = ptrd({"plan"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;  // nothing left to change
  EXPECT_TRUE(writes().empty());
}

TEST_F(PlanApplyVultrTest,
       ServerErrorsAndRateLimitsConvergeWithoutDuplicateWritesUnder30PerSecond) {
  std::filesystem::remove(scratch_ + "/mappings/fleet.yaml");  // only the pool this time
  std::string bulk;
  for (int i = 0; i < kPool; ++i)
    bulk += fmt::format("10.0.0.{} 10-0-0-{}.pool.example.com\n", i, i);
  std::ofstream(scratch_ + "/mappings/pool.txt") << bulk;
  vultr_->setFaults(
      {{"error_rate", 0.1}, {"rate_limit_every", 12}, {"rate_limit_burst", 3}, {"seed", 7}});

  auto apply = ptrd({"apply", "--log-level", "debug"});
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  std::map<std::string, int> acknowledged;  // writes answered 204, per address
  std::vector<int64_t> times;
  int faulted = 0, limitedByRate = 0;
  for (const auto& r : vultr_->requests()) {
    times.push_back(r["t_ms"].get<int64_t>());
    faulted += r["fault"] != "none";
    limitedByRate += r["fault"] == "none" && r["status"] == 429;  // the emulator's own 30/s
    if (r["method"] == "POST" && r["status"] == 204) ++acknowledged[r["body"].get<std::string>()];
  }
  EXPECT_GT(faulted, 0);  // the faults did happen
  EXPECT_EQ(limitedByRate, 0);
  ASSERT_EQ(acknowledged.size(), size_t(kPool));
  for (const auto& [body, n] : acknowledged) EXPECT_EQ(n, 1) << body;  // never again after a 204
  // Never more than 30 requests in any second.
  std::sort(times.begin(), times.end());
  ASSERT_GT(times.size(), 31u);
  for (size_t i = 0; i + 30 < times.size(); ++i)
    EXPECT_GE(times[i + 30] - times[i], 1000) << "requests " << i;
  EXPECT_EQ(dig("10.0.0.39"), "10-0-0-39.pool.example.com.");

  vultr_->setFaults({{"error_rate", 0}, {"rate_limit_every", 0}});
  EXPECT_EQ(ptrd({"plan"}).exit_code, 0);
  // The API key is a secret: not in any output, even at debug level.
  EXPECT_EQ((apply.out + apply.err).find(token()), std::string::npos);
}

TEST_F(PlanApplyVultrTest, ARefusedTokenStopsThePassAndIsNotShown) {
  std::ofstream(vultr_->secretFile("token")) << "wrong-token-value\n";
  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_NE((apply.out + apply.err).find("Invalid API token."), std::string::npos)
      << apply.out << apply.err;
  EXPECT_EQ((apply.out + apply.err).find("wrong-token-value"), std::string::npos);
  EXPECT_TRUE(writes().empty());
}

TEST_F(PlanApplyVultrTest, ValidateChecksTheVultrBlockAtFileLineAndColumn) {
  std::ofstream(scratch_ + "/bad.yaml")
      << "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n"
      << "  mappings: [mappings/]\n  provider:\n    type: vultr\n    vultr:\n"
      << "      tokenFile: token\n      apiKeyFile: key\n"
      << "      requestsPerSecond: 31\n";
  auto r = lab::runCommand({PTRD_BINARY, "validate", scratch_ + "/bad.yaml"}, scratch_);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("bad.yaml:9:19: apiKeyFile is not a vultr setting (use tokenFile)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("bad.yaml:10:26: requestsPerSecond is 31, must be between 1 and 30"),
            std::string::npos)
      << all;
  EXPECT_TRUE(vultr_->requests().empty());  // validate calls nothing
}

}  // namespace
}  // namespace ptrd
