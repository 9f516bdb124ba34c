// `ptrd plan/apply` through the linode provider: the real binary against the
// Linode emulator, which checks forward DNS itself (against the lab PowerDNS, as
// Linode does against the world) and publishes every change into that PowerDNS.
// Asserts on the emulator's request log what ptrd sends, and in DNS what the
// world then sees.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
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

constexpr int kPool = 24;  // 10.0.0.0 .. 10.0.0.23, for the fault run

// 203.0.113.3 and 2001:db8::1 carry custom names; the rest show Linode's defaults.
// 2001:db8:5::/64 is a routed range: none of its addresses is listed yet.
std::string account() {
  std::string a =
      "203.0.113.1\n203.0.113.2\n203.0.113.3 relay.example.com\n203.0.113.4\n203.0.113.5\n"
      "2001:db8::1 old6.example.com\n2001:db8::2\nrange 2001:db8:5::/64\n";
  for (int i = 0; i < kPool; ++i) a += fmt::format("10.0.0.{}\n", i);
  return a;
}

lab::PdnsServer& withZones(lab::PdnsServer& p) {
  return testing::withEveryStateDns(p, kPool, "2001:db8::2",
                                    {{"v6range.example.com.", "AAAA", "2001:db8:5::25"},
                                     {"v6outside.example.com.", "AAAA", "2001:db8:6::25"}});
}

// Line 10 holds the invalid hostname.
const std::string kMappings = testing::everyStateMappings("linode-fleet", "2001:db8::");

class PlanApplyLinodeTest : public testing::PlatformTest {
 protected:
  void SetUp() override {
    makeScratch("ptrd-linode-", kMappings);
    writeConfig(400);
    linode_->clearRequests();
  }

  void writeConfig(int requestsPerMinute) {
    writeConfigWith(
        fmt::format("    type: linode\n    linode:\n      url: \"{}/v4\"\n      tokenFile: \"{}\"\n"
                    "      requestsPerMinute: {}\n",
                    linode_->url(), linode_->secretFile("token"), requestsPerMinute));
  }
  // Every PUT in the emulator's log.
  std::vector<Json> puts() {
    std::vector<Json> out;
    for (const auto& r : linode_->requests())
      if (r["method"] == "PUT") out.push_back(r);
    return out;
  }
  std::set<std::string> putIps() {
    std::set<std::string> ips;
    for (const auto& p : puts())
      ips.insert(p["path"].get<std::string>().substr(std::string("/v4/networking/ips/").size()));
    return ips;
  }
  std::string token() { return lab::readFile(linode_->secretFile("token")).substr(0, 20); }

  std::unique_ptr<lab::EmulatorProcess> linode_ =
      lab::EmulatorProcess::linode(withZones(pdns_), account());
};

TEST_F(PlanApplyLinodeTest, EveryStatePlansAsExpectedAndApplyConverges) {
  Json summary = planJson()["summary"];
  EXPECT_EQ(summary["set"], 3);
  EXPECT_EQ(summary["reset"], 2);
  EXPECT_EQ(summary["invalid"], 1);
  EXPECT_EQ(summary["blocked_forward"], 1);
  EXPECT_EQ(summary["not_owned"], 1);
  EXPECT_TRUE(puts().empty());  // planning writes nothing

  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;  // blocked, invalid, not owned remain
  // Unowned, invalid and unconfirmed entries are never sent.
  EXPECT_EQ(putIps(), (std::set<std::string>{"203.0.113.1", "203.0.113.2", "203.0.113.3",
                                             "2001:db8::1", "2001:db8::2"}));
  for (const auto& p : puts()) {
    if (p["path"] == "/v4/networking/ips/203.0.113.3" ||
        p["path"] == "/v4/networking/ips/2001:db8::1") {
      EXPECT_EQ(p["body"], R"({"rdns":null})");  // a reset is an explicit null
    }
  }
  EXPECT_EQ(dig("203.0.113.1"), "mail.example.com.");
  EXPECT_EQ(dig("2001:db8::2"), "v6mail.example.com.");
  EXPECT_EQ(dig("203.0.113.3"),
            "203-0-113-3.ip.linodeusercontent.com.");  // IPv4: the platform default
  EXPECT_EQ(dig("2001:db8::1"), "");                   // IPv6: removed

  linode_->clearRequests();
  auto again = ptrd({"plan"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(puts().empty());
}

// An address of a routed IPv6 range that Linode does not list yet is owned
// through the range and named; one outside every range is never sent.
TEST_F(PlanApplyLinodeTest, AnAddressOfARoutedIpv6RangeIsNamedOneOutsideIsNotOwned) {
  std::ofstream(scratch_ + "/mappings/fleet.yaml") << R"(apiVersion: ptrd.io/v1alpha1
kind: PTRMappings
metadata:
  name: linode-ranges
spec:
  records:
    - {ip: "2001:db8:5::25", hostname: v6range.example.com}
    - {ip: "2001:db8:6::25", hostname: v6outside.example.com}
)";
  Json summary = planJson()["summary"];
  EXPECT_EQ(summary["set"], 1);
  EXPECT_EQ(summary["not_owned"], 1);

  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;  // the unowned one remains
  EXPECT_EQ(putIps(), (std::set<std::string>{"2001:db8:5::25"}));
  EXPECT_EQ(dig("2001:db8:5::25"), "v6range.example.com.");
  EXPECT_EQ(dig("2001:db8:6::25"), "");

  linode_->clearRequests();
  summary = planJson()["summary"];  // Linode lists it now, with its name
  EXPECT_EQ(summary["in_sync"], 1);
  EXPECT_EQ(summary["set"], 0);
  EXPECT_TRUE(puts().empty());
}

TEST_F(PlanApplyLinodeTest, LinodesOwnForwardRefusalIsBlockedForwardWithItsWords) {
  linode_->admin("/admin/forward", {{"resolver", "stale"}});
  auto apply = ptrd({"apply", "-o", "json"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;
  const std::string all = apply.out + apply.err;
  EXPECT_NE(all.find("Reverse DNS must have a matching forward entry"), std::string::npos) << all;
  EXPECT_NE(all.find("blocked_forward"), std::string::npos) << all;
  EXPECT_EQ(dig("203.0.113.1"), "203-0-113-1.ip.linodeusercontent.com.");  // nothing changed

  linode_->admin("/admin/forward", {{"resolver", "failing"}});
  apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2);
  EXPECT_NE((apply.out + apply.err).find("unable to preform a lookup"), std::string::npos)
      << apply.out << apply.err;

  // Once Linode sees the forward records, the next pass applies them.
  linode_->admin("/admin/forward", {{"resolver", "ok"}});
  apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;  // invalid, blocked, not owned remain
  EXPECT_EQ(dig("203.0.113.1"), "mail.example.com.");
  EXPECT_EQ(ptrd({"plan"}).exit_code, 0);
}

TEST_F(PlanApplyLinodeTest, ServerErrorsAndRateLimitsConvergeWithoutDuplicateWritesWithinTheRate) {
  std::filesystem::remove(scratch_ + "/mappings/fleet.yaml");  // only the pool this time
  std::string bulk;
  for (int i = 0; i < kPool; ++i)
    bulk += fmt::format("10.0.0.{} 10-0-0-{}.pool.example.com\n", i, i);
  std::ofstream(scratch_ + "/mappings/pool.txt") << bulk;
  constexpr int kPerMinute = 240;  // 4 a second
  writeConfig(kPerMinute);
  linode_->setFaults({{"error_rate", 0.1},
                      {"rate_limit_every", 9},
                      {"rate_limit_burst", 2},
                      {"retry_after_s", 1},
                      {"seed", 7}});

  auto apply = ptrd({"apply", "--log-level", "debug"});
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  auto log = linode_->requests();
  std::map<std::string, int> acknowledged;  // PUTs answered 200 per address
  std::vector<int64_t> times;
  int faulted = 0;
  for (const auto& r : log) {
    times.push_back(r["t_ms"].get<int64_t>());
    faulted += r["fault"] != "none";
    if (r["method"] == "PUT" && r["status"] == 200) ++acknowledged[r["path"].get<std::string>()];
  }
  EXPECT_GT(faulted, 0);  // the faults did happen
  ASSERT_EQ(acknowledged.size(), size_t(kPool));
  for (const auto& [path, n] : acknowledged)
    EXPECT_EQ(n, 1) << path;  // never sent again after a success
  // Never more than 4 requests a second, as sent. Arrival times are checked, and
  // on a loaded two-core machine arrivals bunched by up to 253 ms: 500 ms
  // allowed. Unpaced, all five would arrive within a few ms.
  std::sort(times.begin(), times.end());
  for (size_t i = 0; i + 4 < times.size(); ++i)
    EXPECT_GE(times[i + 4] - times[i], 500) << "requests " << i;
  EXPECT_EQ(dig("10.0.0.23"), "10-0-0-23.pool.example.com.");

  linode_->setFaults({{"error_rate", 0}, {"rate_limit_every", 0}});
  EXPECT_EQ(ptrd({"plan"}).exit_code, 0);
  // The token is a secret: not in any output, even at debug level.
  EXPECT_EQ((apply.out + apply.err).find(token()), std::string::npos);
}

TEST_F(PlanApplyLinodeTest, ARefusedTokenStopsThePassAndIsNotShown) {
  std::ofstream(linode_->secretFile("token")) << "wrong-token-value\n";
  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_NE((apply.out + apply.err).find("Invalid Token"), std::string::npos)
      << apply.out << apply.err;
  EXPECT_EQ((apply.out + apply.err).find("wrong-token-value"), std::string::npos);
  EXPECT_TRUE(puts().empty());
}

TEST_F(PlanApplyLinodeTest, ValidateChecksTheLinodeBlockAtFileLineAndColumn) {
  std::ofstream(scratch_ + "/bad.yaml")
      << "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n"
      << "  mappings: [mappings/]\n  provider:\n    type: linode\n    linode:\n"
      << "      tokenFile: token\n      apiKeyFile: key\n"
      << "      requestsPerMinute: 1000\n      bogus: 1\n";
  auto r = lab::runCommand({PTRD_BINARY, "validate", scratch_ + "/bad.yaml"}, scratch_);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("bad.yaml:9:19: apiKeyFile is not a linode setting (use tokenFile)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("bad.yaml:10:26: requestsPerMinute is 1000, must be between 1 and 400"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("bad.yaml:11:7: unknown field \"bogus\""), std::string::npos) << all;
  auto good = lab::runCommand({PTRD_BINARY, "validate", scratch_ + "/ptrd.yaml"}, scratch_);
  // (the mapping set's invalid entry makes the whole run exit 1; the config itself is fine)
  EXPECT_NE((good.out + good.err).find("ptrd.yaml (ReconcilerConfig): ok"), std::string::npos)
      << good.out << good.err;
  EXPECT_TRUE(linode_->requests().empty());  // validate calls nothing
}

}  // namespace
}  // namespace ptrd
