// `ptrd plan` / `ptrd apply` through the hetzner-cloud provider: the real binary
// against the Hetzner Cloud emulator, which runs change_dns_ptr as asynchronous
// actions and publishes what they apply into a real PowerDNS. Asserts on the
// emulator's request log what ptrd sends, and in DNS what the world then sees.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/integration/provider_lab.h"
#include "tests/lab/child_process.h"
#include "tests/lab/hetzner_cloud_emulator_process.h"
#include "tests/lab/nsd_server.h"  // makeTempDir
#include "tests/lab/pdns_server.h"

namespace ptrd {
namespace {

using Json = nlohmann::json;

// One address of every kind and state. 2001:db8:1::9 carries a custom PTR, the
// load balancer's IPv6 already the declared one, primary IP .20 a custom one.
constexpr const char* kAccount = R"({
  "servers": [
    {"id": 1, "ipv4": "203.0.113.10", "ipv6": "2001:db8:1::/64",
     "dns_ptr": {"2001:db8:1::9": "old.example.com"}},
    {"id": 2, "ipv4": "203.0.113.60"}],
  "primary_ips": [
    {"id": 11, "type": "ipv4", "ip": "203.0.113.20", "dns_ptr": {"203.0.113.20": "relay.example.com"}},
    {"id": 12, "type": "ipv4", "ip": "203.0.113.50"}],
  "floating_ips": [{"id": 21, "type": "ipv4", "ip": "203.0.113.30"}],
  "load_balancers": [{"id": 31, "ipv4": "203.0.113.40", "ipv6": "2001:db8:3::1",
                      "dns_ptr": {"2001:db8:3::1": "lb6.example.com"}}]
})";

// Line 10 holds the invalid hostname.
constexpr const char* kMappings = R"(apiVersion: ptrd.io/v1alpha1
kind: PTRMappings
metadata:
  name: hcloud-fleet
spec:
  records:
    - {ip: 203.0.113.10, hostname: web.example.com}
    - {ip: 203.0.113.20, reset: true}
    - {ip: 203.0.113.30, hostname: fip.example.com}
    - {ip: 203.0.113.50, hostname: mail}
    - {ip: 203.0.113.40, hostname: lb.example.com}
    - {ip: 203.0.113.60, hostname: unresolvable.example.com}
    - {ip: 2001:db8:1::25, hostname: mail.example.com}
    - {ip: 2001:db8:1::9, reset: true}
    - {ip: 2001:db8:3::1, hostname: lb6.example.com}
    - {ip: 192.0.2.1, hostname: elsewhere.example.com}
    - {ip: 2001:db8:9::1, hostname: elsewhere.example.com}
)";

lab::PdnsServer& withZones(lab::PdnsServer& p) {
  p.createZone("113.0.203.in-addr.arpa.");
  p.createZone("8.b.d.0.1.0.0.2.ip6.arpa.");
  p.createZone("example.com.");
  std::vector<lab::PdnsRecord> records = {{"web.example.com.", "A", "203.0.113.10"},
                                          {"fip.example.com.", "A", "203.0.113.30"},
                                          {"lb.example.com.", "A", "203.0.113.40"},
                                          {"mail.example.com.", "AAAA", "2001:db8:1::25"},
                                          {"lb6.example.com.", "AAAA", "2001:db8:3::1"},
                                          {"elsewhere.example.com.", "A", "192.0.2.1"},
                                          {"elsewhere.example.com.", "AAAA", "2001:db8:9::1"}};
  for (int i = 1; i <= 8; ++i)
    records.push_back({fmt::format("h{}.example.com.", i), "A", fmt::format("198.51.100.{}", i)});
  p.setRecords("example.com.", records);
  p.createZone("100.51.198.in-addr.arpa.");
  return p;
}

class PlanApplyHcloudTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = lab::makeTempDir("ptrd-hcloud-test-");
    std::filesystem::create_directories(scratch_ + "/mappings");
  }
  void TearDown() override { std::filesystem::remove_all(scratch_); }

  void writeConfig(const lab::HetznerCloudEmulatorProcess& hc, const std::string& mappings) {
    std::ofstream(scratch_ + "/mappings/fleet.yaml") << mappings;
    std::ofstream(scratch_ + "/ptrd.yaml")
        << "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n"
        << "  mappings: [mappings/]\n"
        << "  provider:\n    type: hetzner-cloud\n    hetznerCloud: {url: \"" << hc.url()
        << "\", tokenFile: \"" << hc.tokenFile() << "\", stateFile: \"" << scratch_
        << "/budget.json\", jobTimeout: 30s}\n"
        << "  resolvers: [\"" << pdns_.dnsAddress() << "\"]\n"
        << "  policy: upsert-only\n  maxChangePercent: 100\n  maxChanges: 5000\n";
  }
  lab::CommandResult ptrd(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {PTRD_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"-c", scratch_ + "/ptrd.yaml", "--log-level", "debug"});
    auto r = lab::runCommand(argv, scratch_);
    output_ += r.out + r.err;
    return r;
  }
  static std::vector<Json> posts(const Json& log) {
    std::vector<Json> out;
    for (const auto& r : log)
      if (r["method"] == "POST") out.push_back(r);
    return out;
  }
  static int budget429s(const Json& log) {
    int n = 0;
    for (const auto& r : log) n += r["fault"] == "budget";
    return n;
  }
  std::string dig(const std::string& ip) { return testing::digPtr(pdns_.dnsPort(), ip, scratch_); }

  lab::PdnsServer pdns_;
  std::string scratch_;
  std::string output_;  // everything ptrd printed, searched for the token
};

TEST_F(PlanApplyHcloudTest, EveryStatePlansAsExpectedApplyConvergesResetGivesTheDefault) {
  lab::HetznerCloudEmulatorProcess hc(withZones(pdns_), {kAccount, {}, true});
  writeConfig(hc, kMappings);

  auto plan = ptrd({"plan", "-o", "json"});
  ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  Json doc = Json::parse(plan.out);
  Json summary = doc["summary"];
  EXPECT_EQ(summary["set"], 4) << plan.out;  // .10 .30 .40 and 2001:db8:1::25 (inside the /64)
  EXPECT_EQ(summary["reset"], 2) << plan.out;
  EXPECT_EQ(summary["in_sync"], 1) << plan.out;
  EXPECT_EQ(summary["invalid"], 1) << plan.out;
  EXPECT_EQ(summary["blocked_forward"], 1) << plan.out;
  EXPECT_EQ(summary["not_owned"], 2) << plan.out;
  std::map<std::string, Json> changes;
  for (const auto& c : doc["changes"]) changes[c["ip"].get<std::string>()] = c;
  EXPECT_EQ(changes["203.0.113.20"]["to"], "static.20.113.0.203.clients.your-server.de.");
  EXPECT_EQ(changes["203.0.113.20"]["from"], "relay.example.com.");
  EXPECT_TRUE(changes["2001:db8:1::9"]["to"].is_null());     // IPv6 has no default
  EXPECT_TRUE(changes["2001:db8:1::25"]["from"].is_null());  // no PTR yet
  EXPECT_TRUE(posts(hc.requests()).empty());                 // plan writes nothing

  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;  // blocked, invalid, not owned remain
  std::set<std::string> sent;
  for (const auto& p : posts(hc.requests()))
    sent.insert(Json::parse(p["body"].get<std::string>())["ip"]);
  EXPECT_EQ(sent, (std::set<std::string>{"203.0.113.10", "203.0.113.20", "203.0.113.30",
                                         "203.0.113.40", "2001:db8:1::25", "2001:db8:1::9"}));
  EXPECT_EQ(dig("203.0.113.10"), "web.example.com.");
  EXPECT_EQ(dig("203.0.113.30"), "fip.example.com.");
  EXPECT_EQ(dig("203.0.113.40"), "lb.example.com.");
  EXPECT_EQ(dig("2001:db8:1::25"), "mail.example.com.");
  EXPECT_EQ(dig("203.0.113.20"), "static.20.113.0.203.clients.your-server.de.");
  EXPECT_EQ(dig("2001:db8:1::9"), "");  // removed
  EXPECT_EQ(dig("203.0.113.50"),
            "static.50.113.0.203.clients.your-server.de.");  // invalid: untouched

  hc.clearRequests();
  auto again = ptrd({"plan"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;  // nothing left to change
  EXPECT_TRUE(posts(hc.requests()).empty());
  EXPECT_EQ(budget429s(hc.requests()), 0);
  EXPECT_EQ(output_.find(hc.token()), std::string::npos) << "the token leaked into ptrd's output";
}

// Eight servers, each PTR set once: with 10 % 5xx (half of them after the change
// took effect) and 429 bursts, and a budget so small that ptrd must pace itself,
// apply converges, no PTR is written twice and the budget is never overrun --
// neither by the first process nor by the second one that starts right after it
// and reads the budget from the shared stateFile.
TEST_F(PlanApplyHcloudTest, FaultsAndATightBudgetConvergeWithoutDuplicatesOrOverrunAcrossARestart) {
  Json account = {{"servers", Json::array()}};
  std::string mappings =
      "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata: {name: pool}\nspec:\n  "
      "records:\n";
  for (int i = 1; i <= 8; ++i) {
    account["servers"].push_back({{"id", 100 + i}, {"ipv4", fmt::format("198.51.100.{}", i)}});
    mappings += fmt::format("    - {{ip: 198.51.100.{}, hostname: h{}.example.com}}\n", i, i);
  }
  lab::HetznerCloudEmulatorProcess hc(
      withZones(pdns_),
      {account.dump(),
       {"--limit", "10", "--window-s", "10", "--error-rate", "0.1", "--rate-limit-every", "10",
        "--rate-limit-burst", "2", "--retry-after", "1", "--seed", "7"},
       true});
  writeConfig(hc, mappings);

  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  for (int i = 1; i <= 8; ++i)
    EXPECT_EQ(dig(fmt::format("198.51.100.{}", i)), fmt::format("h{}.example.com.", i));
  std::map<std::string, int> writes;
  for (const auto& w : hc.writes()) ++writes[w["ip"].get<std::string>()];
  EXPECT_EQ(writes.size(), 8u);
  for (const auto& [ip, n] : writes) EXPECT_EQ(n, 1) << ip << " written more than once";
  Json log = hc.requests();
  EXPECT_EQ(budget429s(log), 0) << log.dump(1);
  std::map<std::string, int> faults;
  for (const auto& r : log) ++faults[r["fault"].get<std::string>()];
  EXPECT_GT(faults["rate_limit"], 0);  // the faults did happen: the test means something
  EXPECT_GT(faults["fail_before"] + faults["fail_after"], 0);
  EXPECT_TRUE(std::filesystem::exists(scratch_ + "/budget.json"));

  // The second process starts with the first one's budget (nearly spent).
  auto plan = ptrd({"plan"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_EQ(budget429s(hc.requests()), 0) << hc.requests().dump(1);
  for (const auto& w : hc.writes()) EXPECT_NE(w["ip"], nullptr);
  EXPECT_EQ(hc.writes().size(), 8u);  // the plan wrote nothing
  EXPECT_EQ(output_.find(hc.token()), std::string::npos) << "the token leaked into ptrd's output";
  std::ifstream state(scratch_ + "/budget.json");
  std::string stateText((std::istreambuf_iterator<char>(state)), std::istreambuf_iterator<char>());
  EXPECT_EQ(stateText.find(hc.token()), std::string::npos);

  // The control: a process that forgot the budget (state file gone) overruns
  // it at once -- what the stateFile prevented above. The budget is emptied
  // first (8 s of refill at 1 request/s), so that a slow machine, on which it
  // refilled since the last process, still shows the overrun.
  std::filesystem::remove(scratch_ + "/budget.json");
  hc.spendBudgetElsewhere(18);
  hc.clearRequests();
  ptrd({"plan"});
  EXPECT_GT(budget429s(hc.requests()), 0) << hc.requests().dump(1);
}

}  // namespace
}  // namespace ptrd
