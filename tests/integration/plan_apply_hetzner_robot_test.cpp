// `ptrd plan/apply` through the hetzner-robot provider: the real binary against
// the Robot webservice emulator, which publishes every change into a real
// PowerDNS. Asserts on the emulator's request log what ptrd sends, and in DNS
// what the world then sees.
#include <fmt/format.h>
#include <gtest/gtest.h>

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

constexpr int kPool = 24;  // 10.0.0.0 .. 10.0.0.23, additional single IPs

// 203.0.113.1 and .3 are servers' main IPs (.3 with a custom name), the IPv6
// /64 holds one custom entry.
std::string account() {
  std::string a =
      "ip 203.0.113.1 main\nip 203.0.113.2\nip 203.0.113.3 main\nip 203.0.113.4\nip 203.0.113.5\n"
      "subnet 2001:db8::/64\nrdns 203.0.113.3 relay.example.com\nrdns 2001:db8::1 "
      "old6.example.com\n";
  for (int i = 0; i < kPool; ++i) a += fmt::format("ip 10.0.0.{}\n", i);
  return a;
}

lab::PdnsServer& withZones(lab::PdnsServer& p) {
  return testing::withEveryStateDns(p, kPool);
}

// Line 10 holds the invalid hostname.
const std::string kMappings = testing::everyStateMappings("robot-fleet", "2001:db8::");

class PlanApplyHetznerRobotTest : public testing::PlatformTest {
 protected:
  void SetUp() override {
    makeScratch("ptrd-robot-", kMappings);
    writeConfig(500);
    robot_->clearRequests();
  }

  void writeConfig(int requestsPerHour, const std::string& stateFile = "") {
    writeConfigWith(fmt::format(
        "    type: hetzner-robot\n    hetznerRobot:\n      url: \"{}\"\n      userFile: \"{}\"\n"
        "      passwordFile: \"{}\"\n      requestsPerHour: {}\n{}",
        robot_->url(), robot_->secretFile("user"), robot_->secretFile("password"), requestsPerHour,
        stateFile.empty() ? "" : "      stateFile: \"" + stateFile + "\"\n"));
  }
  // Every write (POST, PUT, DELETE) in the emulator's log.
  std::vector<Json> writes() {
    std::vector<Json> out;
    for (const auto& r : robot_->requests())
      if (r["method"] != "GET") out.push_back(r);
    return out;
  }
  std::set<std::string> writtenIps() {
    std::set<std::string> ips;
    for (const auto& w : writes())
      ips.insert(w["path"].get<std::string>().substr(std::string("/rdns/").size()));
    return ips;
  }
  std::string secret(const std::string& name) {
    std::string s = lab::readFile(robot_->secretFile(name));
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }

  std::unique_ptr<lab::EmulatorProcess> robot_ =
      lab::EmulatorProcess::hetznerRobot(withZones(pdns_), account());
};

TEST_F(PlanApplyHetznerRobotTest, EveryStatePlansAsExpectedAndApplyConverges) {
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
  // Unowned, invalid and unconfirmed entries are never sent.
  EXPECT_EQ(writtenIps(), (std::set<std::string>{"203.0.113.1", "203.0.113.2", "203.0.113.3",
                                                 "2001:db8::1", "2001:db8::2"}));
  for (const auto& w : writes()) {
    const std::string path = w["path"];
    EXPECT_EQ(w["method"],
              path == "/rdns/203.0.113.3" || path == "/rdns/2001:db8::1" ? "DELETE" : "POST")
        << path;
    if (path == "/rdns/203.0.113.1") {
      EXPECT_EQ(w["body"], "ptr=mail.example.com");
    }
  }
  EXPECT_EQ(dig("203.0.113.1"), "mail.example.com.");
  EXPECT_EQ(dig("203.0.113.2"), "mx.example.com.");
  EXPECT_EQ(dig("2001:db8::2"), "v6mail.example.com.");
  EXPECT_EQ(dig("203.0.113.3"),
            "static.3.113.0.203.clients.your-server.de.");  // the main IP's default
  EXPECT_EQ(dig("2001:db8::1"), "");                        // removed

  robot_->clearRequests();
  auto again = ptrd({"plan"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(writes().empty());
}

TEST_F(PlanApplyHetznerRobotTest, ServerErrorsAndRateLimitAnswersConvergeWithoutDuplicateWrites) {
  std::filesystem::remove(scratch_ + "/mappings/fleet.yaml");  // only the pool this time
  std::string bulk;
  for (int i = 0; i < kPool; ++i)
    bulk += fmt::format("10.0.0.{} 10-0-0-{}.pool.example.com\n", i, i);
  std::ofstream(scratch_ + "/mappings/pool.txt") << bulk;
  robot_->setFaults(
      {{"error_rate", 0.1}, {"rate_limit_every", 9}, {"rate_limit_burst", 2}, {"seed", 7}});

  auto apply = ptrd({"apply", "--log-level", "debug"});
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  std::map<std::string, int> acknowledged;  // POSTs answered 200/201 per address
  int faulted = 0;
  for (const auto& r : robot_->requests()) {
    faulted += r["fault"] != "none";
    if (r["method"] == "POST" && (r["status"] == 200 || r["status"] == 201))
      ++acknowledged[r["path"].get<std::string>()];
  }
  EXPECT_GT(faulted, 0);  // the faults did happen
  ASSERT_EQ(acknowledged.size(), size_t(kPool));
  for (const auto& [path, n] : acknowledged)
    EXPECT_EQ(n, 1) << path;  // never sent again after a success
  EXPECT_EQ(dig("10.0.0.23"), "10-0-0-23.pool.example.com.");

  robot_->setFaults({{"error_rate", 0}, {"rate_limit_every", 0}});
  EXPECT_EQ(ptrd({"plan"}).exit_code, 0);
  // The credentials are secrets: not in any output, even at debug level.
  EXPECT_EQ((apply.out + apply.err).find(secret("password")), std::string::npos);
  EXPECT_EQ((apply.out + apply.err).find(secret("user")), std::string::npos);
}

TEST_F(PlanApplyHetznerRobotTest, TheHourlyBudgetIsNeverExceededAndTheRestWaitsForTheNextPass) {
  std::filesystem::remove(scratch_ + "/mappings/fleet.yaml");
  std::string bulk;
  for (int i = 0; i < kPool; ++i)
    bulk += fmt::format("10.0.0.{} 10-0-0-{}.pool.example.com\n", i, i);
  std::ofstream(scratch_ + "/mappings/pool.txt") << bulk;
  writeConfig(30);  // 30 an hour, at most 5 in any ten minutes

  auto apply = ptrd({"apply", "-o", "json"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;
  int rdnsCalls = 0;
  for (const auto& r : robot_->requests())
    rdnsCalls += r["path"].get<std::string>().rfind("/rdns", 0) == 0;
  EXPECT_EQ(rdnsCalls, 5);  // GET /rdns and four changes; the others were not sent
  EXPECT_NE((apply.out + apply.err).find("budget"), std::string::npos) << apply.out << apply.err;
}

// The budget is Robot's, not the process's: with stateFile, a second `ptrd
// apply` right after the first (a restart, a CI job) sends nothing the first
// one's ten minutes do not allow; without it, it would start over.
TEST_F(PlanApplyHetznerRobotTest, TheBudgetHoldsAcrossProcessesThroughTheStateFile) {
  std::filesystem::remove(scratch_ + "/mappings/fleet.yaml");
  std::string bulk;
  for (int i = 0; i < kPool; ++i)
    bulk += fmt::format("10.0.0.{} 10-0-0-{}.pool.example.com\n", i, i);
  std::ofstream(scratch_ + "/mappings/pool.txt") << bulk;
  const std::string state = scratch_ + "/robot-requests.json";
  writeConfig(30, state);  // at most 5 rdns calls in any ten minutes
  auto rdnsCalls = [&] {
    int n = 0;
    for (const auto& r : robot_->requests())
      n += r["path"].get<std::string>().rfind("/rdns", 0) == 0;
    return n;
  };

  EXPECT_EQ(ptrd({"apply"}).exit_code, 2);
  EXPECT_EQ(rdnsCalls(), 5);
  ASSERT_TRUE(std::filesystem::exists(state));
  auto second = ptrd({"apply"});
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;  // nothing could even be listed
  EXPECT_EQ(rdnsCalls(), 5) << "the second process spent the first one's budget again";
  EXPECT_NE((second.out + second.err).find("budget"), std::string::npos) << second.err;

  // The control: without the state file the next process starts over.
  std::filesystem::remove(state);
  ptrd({"apply"});
  EXPECT_GT(rdnsCalls(), 5);
}

TEST_F(PlanApplyHetznerRobotTest, RefusedCredentialsStopThePassAndAreNotShown) {
  std::ofstream(robot_->secretFile("password")) << "wrong-password-value\n";
  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_NE((apply.out + apply.err).find("UNAUTHORIZED"), std::string::npos)
      << apply.out << apply.err;
  EXPECT_EQ((apply.out + apply.err).find("wrong-password-value"), std::string::npos);
  EXPECT_TRUE(writes().empty());
}

TEST_F(PlanApplyHetznerRobotTest, ValidateChecksTheHetznerRobotBlockAtFileLineAndColumn) {
  std::ofstream(scratch_ + "/bad.yaml")
      << "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n"
      << "  mappings: [mappings/]\n  provider:\n    type: hetzner-robot\n"
      << "    hetznerRobot:\n      userFile: user\n      tokenFile: t\n"
      << "      requestsPerHour: 0\n";
  auto r = lab::runCommand({PTRD_BINARY, "validate", scratch_ + "/bad.yaml"}, scratch_);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("bad.yaml:6:5: provider hetzner-robot needs passwordFile"), std::string::npos)
      << all;
  EXPECT_NE(all.find("bad.yaml:9:18: tokenFile is not a hetzner-robot setting"), std::string::npos)
      << all;
  EXPECT_NE(all.find("bad.yaml:10:24: requestsPerHour is 0, must be between 1 and 500"),
            std::string::npos)
      << all;
  auto good = lab::runCommand({PTRD_BINARY, "validate", scratch_ + "/ptrd.yaml"}, scratch_);
  // (the mapping set's invalid entry makes the whole run exit 1; the config itself is fine)
  EXPECT_NE((good.out + good.err).find("ptrd.yaml (ReconcilerConfig): ok"), std::string::npos)
      << good.out << good.err;
  EXPECT_TRUE(robot_->requests().empty());  // validate calls nothing
}

}  // namespace
}  // namespace ptrd
