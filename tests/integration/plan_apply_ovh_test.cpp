// `ptrd plan/apply` through the ovh provider: the real binary against the OVHcloud
// emulator, which checks every request's signature and timestamp, checks forward
// DNS itself (against the lab PowerDNS, as OVH does against the world) and
// publishes every change into that PowerDNS. Asserts on the emulator's request
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

constexpr int kPool = 24;  // 10.0.0.0 .. 10.0.0.23 of 10.0.0.0/27, for the fault run

// 203.0.113.3 and 2001:db8::1 carry custom names; the rest have OVH's defaults.
std::string account() {
  return "203.0.113.0/29\n203.0.113.3 relay.example.com\n2001:db8::/64\n"
         "2001:db8::1 old6.example.com\n10.0.0.0/27\n";
}

lab::PdnsServer& withZones(lab::PdnsServer& p) {
  return testing::withEveryStateDns(p, kPool);
}

std::unique_ptr<lab::EmulatorProcess> startOvh(const lab::PdnsServer& pdns) {
  std::random_device rd;
  auto secret = [&](const char* prefix) {
    return prefix + std::to_string(rd()) + std::to_string(rd());
  };
  return std::make_unique<lab::EmulatorProcess>(
      PTRD_OVH_EMULATOR_PATH,
      std::vector<std::pair<std::string, std::string>>{{"application-key", secret("ak")},
                                                       {"application-secret", secret("as")},
                                                       {"consumer-key", secret("ck")}},
      account(),
      std::vector<std::string>{"--pdns-url", pdns.apiUrl(), "--pdns-key-file", pdns.apiKeyFile(),
                               "--dns-port", std::to_string(pdns.dnsPort()), "--seed-dns"});
}

// Line 10 holds the invalid hostname.
const std::string kMappings = testing::everyStateMappings("ovh-fleet", "2001:db8::");

// "/1.0/ip/2001%3Adb8%3A%3A%2F64/reverse/2001%3Adb8%3A%3A1" -> "2001:db8::1"
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

class PlanApplyOvhTest : public testing::PlatformTest {
 protected:
  void SetUp() override {
    makeScratch("ptrd-ovh-", kMappings);
    writeConfig(600);
    ovh_->clearRequests();
  }

  void writeConfig(int requestsPerMinute) {
    writeConfigWith(fmt::format(
        "    type: ovh\n    ovh:\n      url: \"{}/1.0\"\n      applicationKeyFile: \"{}\"\n"
        "      applicationSecretFile: \"{}\"\n      consumerKeyFile: \"{}\"\n"
        "      requestsPerMinute: {}\n",
        ovh_->url(), ovh_->secretFile("application-key"), ovh_->secretFile("application-secret"),
        ovh_->secretFile("consumer-key"), requestsPerMinute));
  }
  // Every POST and DELETE in the emulator's log.
  std::vector<Json> writes() {
    std::vector<Json> out;
    for (const auto& r : ovh_->requests())
      if (r["method"] == "POST" || r["method"] == "DELETE") out.push_back(r);
    return out;
  }
  // The address each write was about.
  static std::string writtenIp(const Json& w) {
    if (w["method"] == "POST") return Json::parse(w["body"].get<std::string>())["ipReverse"];
    std::string path = w["path"];
    return unescape(path.substr(path.rfind('/') + 1));
  }
  std::set<std::string> writtenIps() {
    std::set<std::string> ips;
    for (const auto& w : writes()) ips.insert(writtenIp(w));
    return ips;
  }
  std::vector<std::string> secrets() {
    std::vector<std::string> out;
    for (const char* name : {"application-key", "application-secret", "consumer-key"}) {
      std::string s = lab::readFile(ovh_->secretFile(name));
      out.push_back(s.substr(0, s.find('\n')));
    }
    return out;
  }

  std::unique_ptr<lab::EmulatorProcess> ovh_ = startOvh(withZones(pdns_));
};

TEST_F(PlanApplyOvhTest, EveryStatePlansAsExpectedAndApplyConverges) {
  Json plan = planJson();
  Json summary = plan["summary"];
  EXPECT_EQ(summary["set"], 3);
  EXPECT_EQ(summary["reset"], 2);
  EXPECT_EQ(summary["invalid"], 1);
  EXPECT_EQ(summary["blocked_forward"], 1);
  EXPECT_EQ(summary["not_owned"], 1);
  for (const auto& c : plan["changes"]) {
    if (c["ip"] == "203.0.113.3") {
      EXPECT_EQ(c["from"], "relay.example.com.");
      EXPECT_TRUE(c["to"].is_null());  // OVH's default, whose name the API never shows
    }
  }
  EXPECT_TRUE(writes().empty());  // planning writes nothing

  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;  // blocked, invalid, not owned remain
  // Unowned, invalid and unconfirmed entries are never sent.
  EXPECT_EQ(writtenIps(), (std::set<std::string>{"203.0.113.1", "203.0.113.2", "203.0.113.3",
                                                 "2001:db8::1", "2001:db8::2"}));
  for (const auto& w : writes()) {
    if (writtenIp(w) == "203.0.113.3") {
      EXPECT_EQ(w["path"], "/1.0/ip/203.0.113.0%2F29/reverse/203.0.113.3");  // reset = DELETE
    }
    if (writtenIp(w) == "2001:db8::1") {
      EXPECT_EQ(w["method"], "DELETE");
    }
    if (writtenIp(w) == "203.0.113.1") {
      EXPECT_EQ(w["path"], "/1.0/ip/203.0.113.0%2F29/reverse");
      EXPECT_EQ(Json::parse(w["body"].get<std::string>())["reverse"], "mail.example.com.");
    }
  }
  EXPECT_EQ(dig("203.0.113.1"), "mail.example.com.");
  EXPECT_EQ(dig("2001:db8::2"), "v6mail.example.com.");
  EXPECT_EQ(dig("203.0.113.3"), "");  // the custom name is gone
  EXPECT_EQ(dig("2001:db8::1"), "");

  ovh_->clearRequests();
  auto again = ptrd({"plan"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(writes().empty());
}

TEST_F(PlanApplyOvhTest, OvhsOwnForwardRefusalIsBlockedForwardWithItsWords) {
  ovh_->admin("/admin/forward", {{"resolver", "stale"}});
  auto apply = ptrd({"apply", "-o", "json"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;
  std::string all = apply.out + apply.err;
  EXPECT_NE(all.find("mail.example.com. does not resolve to 203.0.113.1"), std::string::npos)
      << all;
  EXPECT_NE(all.find("blocked_forward"), std::string::npos) << all;
  EXPECT_NE(all.find("\"failed\": 0"), std::string::npos) << all;  // never counted as failed
  EXPECT_EQ(dig("203.0.113.1"), "");                               // nothing changed

  ovh_->admin("/admin/forward", {{"resolver", "failing"}});
  apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2);
  EXPECT_NE((apply.out + apply.err).find("Cannot check if mail.example.com. resolves to"),
            std::string::npos)
      << apply.out << apply.err;

  // Once OVH sees the forward records, the next pass applies them.
  ovh_->admin("/admin/forward", {{"resolver", "ok"}});
  apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;  // invalid, blocked, not owned remain
  EXPECT_EQ(dig("203.0.113.1"), "mail.example.com.");
  EXPECT_EQ(ptrd({"plan"}).exit_code, 0);
}

TEST_F(PlanApplyOvhTest, ServerErrorsAndRateLimitsConvergeWithoutDuplicateWritesWithinTheRate) {
  std::filesystem::remove(scratch_ + "/mappings/fleet.yaml");  // only the pool this time
  std::string bulk;
  for (int i = 0; i < kPool; ++i)
    bulk += fmt::format("10.0.0.{} 10-0-0-{}.pool.example.com\n", i, i);
  std::ofstream(scratch_ + "/mappings/pool.txt") << bulk;
  constexpr int kPerMinute = 240;  // 4 a second
  writeConfig(kPerMinute);
  ovh_->setFaults({{"error_rate", 0.1},
                   {"rate_limit_every", 9},
                   {"rate_limit_burst", 2},
                   {"retry_after_s", 1},
                   {"seed", 7}});

  auto apply = ptrd({"apply", "--log-level", "debug"});
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  auto log = ovh_->requests();
  std::map<std::string, int> acknowledged;  // POSTs answered 200 per address
  std::vector<int64_t> times;
  int faulted = 0;
  for (const auto& r : log) {
    faulted += r["fault"] != "none";
    if (r["path"] != "/1.0/auth/time") times.push_back(r["t_ms"].get<int64_t>());
    if (r["method"] == "POST" && r["status"] == 200) ++acknowledged[writtenIp(r)];
  }
  EXPECT_GT(faulted, 0);  // the faults did happen
  ASSERT_EQ(acknowledged.size(), size_t(kPool));
  for (const auto& [ip, n] : acknowledged) EXPECT_EQ(n, 1) << ip;  // never sent again
  // Never more than 4 signed requests a second, as sent. Arrival times are checked, and
  // on a loaded two-core machine arrivals bunched by up to 253 ms: 500 ms
  // allowed. Unpaced, all five would arrive within a few ms.
  std::sort(times.begin(), times.end());
  for (size_t i = 0; i + 4 < times.size(); ++i)
    EXPECT_GE(times[i + 4] - times[i], 500) << "requests " << i;
  EXPECT_EQ(dig("10.0.0.23"), "10-0-0-23.pool.example.com.");

  ovh_->setFaults({{"error_rate", 0}, {"rate_limit_every", 0}});
  EXPECT_EQ(ptrd({"plan"}).exit_code, 0);
  // The keys are secrets: not in any output, even at debug level.
  for (const auto& s : secrets()) EXPECT_EQ((apply.out + apply.err).find(s), std::string::npos);
}

TEST_F(PlanApplyOvhTest, AWrongSecretOrConsumerKeyStopsThePassAndChangesNothing) {
  const auto good = secrets();
  std::ofstream(ovh_->secretFile("application-secret")) << "wrong-secret-value\n";
  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  std::string all = apply.out + apply.err;
  EXPECT_NE(all.find("Invalid signature"), std::string::npos) << all;
  EXPECT_EQ(all.find("wrong-secret-value"), std::string::npos);
  for (const auto& s : good) EXPECT_EQ(all.find(s), std::string::npos);

  std::ofstream(ovh_->secretFile("application-secret")) << good[1] << "\n";
  std::ofstream(ovh_->secretFile("consumer-key")) << "wrong-consumer-key\n";
  apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  all = apply.out + apply.err;
  EXPECT_NE(all.find("This credential is not valid"), std::string::npos) << all;
  EXPECT_EQ(all.find("wrong-consumer-key"), std::string::npos);

  for (const auto& w : writes()) EXPECT_NE(w["status"], 200) << w.dump();
  EXPECT_EQ(dig("203.0.113.1"), "");
  EXPECT_EQ(dig("203.0.113.3"), "relay.example.com.");
}

TEST_F(PlanApplyOvhTest, AFiveMinuteSkewedClockSignsRightThroughAuthTime) {
  // The API's clock runs five minutes ahead of this machine's: only a client
  // that reads /auth/time signs with a timestamp OVH accepts.
  ovh_->admin("/admin/clock", {{"skewSeconds", 300}, {"authTime", "honest"}});
  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;  // invalid, blocked, not owned remain
  EXPECT_EQ(dig("203.0.113.1"), "mail.example.com.");
  int timeReads = 0;
  for (const auto& r : ovh_->requests()) timeReads += r["path"] == "/1.0/auth/time";
  EXPECT_GE(timeReads, 1);

  // With /auth/time answering this machine's time (what a client without it
  // would sign with), every signed call is refused as out of time.
  ovh_->admin("/admin/clock", {{"authTime", "local"}});
  auto plan = ptrd({"plan"});
  EXPECT_EQ(plan.exit_code, 1) << plan.out << plan.err;
  EXPECT_NE((plan.out + plan.err).find("Query out of time"), std::string::npos)
      << plan.out << plan.err;
}

TEST_F(PlanApplyOvhTest, ValidateChecksTheOvhBlockAtFileLineAndColumn) {
  std::ofstream(scratch_ + "/bad.yaml")
      << "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n"
      << "  mappings: [mappings/]\n  provider:\n    type: ovh\n    ovh:\n"
      << "      applicationKeyFile: ak\n      tokenFile: key\n"
      << "      requestsPerMinute: 5000\n      bogus: 1\n";
  auto r = lab::runCommand({PTRD_BINARY, "validate", scratch_ + "/bad.yaml"}, scratch_);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("bad.yaml:9:18: tokenFile is not a ovh setting"), std::string::npos) << all;
  EXPECT_NE(all.find("bad.yaml:10:26: requestsPerMinute is 5000, must be between 1 and 1200"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("bad.yaml:11:7: unknown field \"bogus\""), std::string::npos) << all;
  EXPECT_NE(all.find("applicationSecretFile"), std::string::npos) << all;  // required, missing
  EXPECT_TRUE(ovh_->requests().empty());                                   // validate calls nothing
}

}  // namespace
}  // namespace ptrd
