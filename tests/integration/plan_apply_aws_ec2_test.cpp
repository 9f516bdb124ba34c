// `ptrd plan/apply` through the aws-ec2 provider: the real binary against the
// EC2 emulator, which verifies every SigV4 signature, keeps each PTR update
// PENDING for a while, checks forward DNS itself when the update lands
// (against the lab PowerDNS, as AWS does against the world) and publishes what
// landed into that PowerDNS. Asserts on the emulator's request log what ptrd
// sends, and in DNS what the world then sees.
#include <fmt/format.h>
#include <gtest/gtest.h>

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

// .3 carries a name of its own, .6 one that is already what the mappings say;
// the rest show AWS's defaults. 192.0.2.1 and IPv6 are no Elastic IPs here.
constexpr const char* kAccount =
    "203.0.113.1 eipalloc-0000000000000001\n"
    "203.0.113.2 eipalloc-0000000000000002\n"
    "203.0.113.3 eipalloc-0000000000000003 relay.example.com\n"
    "203.0.113.4 eipalloc-0000000000000004\n"
    "203.0.113.5 eipalloc-0000000000000005\n"
    "203.0.113.6 eipalloc-0000000000000006 web.example.com\n";

lab::PdnsServer& withZones(lab::PdnsServer& p) {
  p.createZone("113.0.203.in-addr.arpa.");
  p.createZone("8.b.d.0.1.0.0.2.ip6.arpa.");
  p.createZone("example.com.");
  p.setRecords("example.com.", {{"mail.example.com.", "A", "203.0.113.1"},
                                {"mx.example.com.", "A", "203.0.113.2"},
                                {"web.example.com.", "A", "203.0.113.6"},
                                {"elsewhere.example.com.", "A", "192.0.2.1"},
                                {"v6mail.example.com.", "AAAA", "2001:db8::2"}});
  return p;
}

constexpr const char* kMappings = R"(apiVersion: ptrd.io/v1alpha1
kind: PTRMappings
metadata:
  name: aws-fleet
spec:
  records:
    - {ip: 203.0.113.1, hostname: mail.example.com}
    - {ip: 203.0.113.2, hostname: mx.example.com}
    - {ip: 203.0.113.3, reset: true}
    - {ip: 203.0.113.4, hostname: mail}
    - {ip: 203.0.113.5, hostname: unresolvable.example.com}
    - {ip: 203.0.113.6, hostname: web.example.com}
    - {ip: 192.0.2.1, hostname: elsewhere.example.com}
    - {ip: "2001:db8::2", hostname: v6mail.example.com}
)";

std::unique_ptr<lab::EmulatorProcess> startEmulator(const lab::PdnsServer& pdns) {
  std::random_device rd;
  return std::make_unique<lab::EmulatorProcess>(
      PTRD_AWS_EC2_EMULATOR_PATH,
      std::vector<std::pair<std::string, std::string>>{
          {"access-key-id", fmt::format("AKIA{:08X}{:08X}", rd(), rd())},
          {"secret-access-key", fmt::format("sk{}x{}y{}", rd(), rd(), rd())}},
      kAccount,
      std::vector<std::string>{"--pdns-url", pdns.apiUrl(), "--pdns-key-file", pdns.apiKeyFile(),
                               "--dns-port", std::to_string(pdns.dnsPort()), "--seed-dns",
                               "--region", "eu-central-1", "--pending-ms", "1200", "--page-size",
                               "2"});
}

class PlanApplyAwsEc2Test : public testing::PlatformTest {
 protected:
  void SetUp() override {
    makeScratch("ptrd-aws-", kMappings);
    writeConfigWith(fmt::format(
        "    type: aws-ec2\n    awsEc2:\n      url: \"{}\"\n      region: eu-central-1\n"
        "      accessKeyIdFile: \"{}\"\n      secretAccessKeyFile: \"{}\"\n"
        "      jobTimeout: 60s\n",
        aws_->url(), aws_->secretFile("access-key-id"), aws_->secretFile("secret-access-key")));
    aws_->clearRequests();
  }

  // Each logged request's form parameters, with its status.
  std::vector<std::pair<std::map<std::string, std::string>, int>> calls() {
    std::vector<std::pair<std::map<std::string, std::string>, int>> out;
    for (const auto& r : aws_->requests()) {
      std::map<std::string, std::string> p;
      std::string body = r["body"];
      size_t at = 0;
      while (at < body.size()) {
        size_t amp = body.find('&', at);
        std::string item = body.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
        size_t eq = item.find('=');
        p[item.substr(0, eq)] = eq == std::string::npos ? "" : item.substr(eq + 1);
        at = amp == std::string::npos ? body.size() : amp + 1;
      }
      out.emplace_back(std::move(p), r["status"].get<int>());
    }
    return out;
  }
  // Allocation ids of every change (Modify/Reset) sent, per action.
  std::multiset<std::string> changes() {
    std::multiset<std::string> out;
    for (const auto& [p, status] : calls())
      if (p.at("Action") == "ModifyAddressAttribute" || p.at("Action") == "ResetAddressAttribute")
        out.insert(p.at("Action").substr(0, 6) + ":" + p.at("AllocationId"));
    return out;
  }
  std::string secret() {
    return lab::readFile(aws_->secretFile("secret-access-key")).substr(0, 20);
  }

  std::unique_ptr<lab::EmulatorProcess> aws_ = startEmulator(withZones(pdns_));
};

TEST_F(PlanApplyAwsEc2Test, EveryStatePlansAsExpectedAndApplyConvergesAfterPending) {
  auto plan = ptrd({"plan", "-o", "json"});
  ASSERT_TRUE(plan.exit_code == 0 || plan.exit_code == 2) << plan.out << plan.err;
  Json summary = Json::parse(plan.out)["summary"];
  EXPECT_EQ(summary["set"], 2);
  EXPECT_EQ(summary["reset"], 1);
  EXPECT_EQ(summary["invalid"], 1);
  EXPECT_EQ(summary["blocked_forward"], 1);
  EXPECT_EQ(summary["not_owned"], 2);  // IPv6 and an address that is no Elastic IP
  EXPECT_TRUE(changes().empty());      // planning writes nothing

  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;  // invalid, blocked, not owned remain
  // Unowned, invalid and unconfirmed entries are never sent; each change once.
  EXPECT_EQ(changes(), (std::multiset<std::string>{"Modify:eipalloc-0000000000000001",
                                                   "Modify:eipalloc-0000000000000002",
                                                   "ResetA:eipalloc-0000000000000003"}));
  int pendingPolls = 0;
  for (const auto& [p, status] : calls()) {
    EXPECT_EQ(p.at("Version"), "2016-11-15");
    if (p.at("Action") == "ModifyAddressAttribute" && p.at("AllocationId").ends_with("1")) {
      EXPECT_EQ(p.at("DomainName"), "mail.example.com");
    }
    if (p.at("Action") == "ResetAddressAttribute") {
      EXPECT_EQ(p.at("Attribute"), "domain-name");
    }
    pendingPolls += p.at("Action") == "DescribeAddressesAttribute" && p.count("AllocationId.1") &&
                    !p.count("AllocationId.4");
  }
  EXPECT_GE(pendingPolls, 1);  // it waited for the PENDING updates
  EXPECT_EQ(dig("203.0.113.1"), "mail.example.com.");
  EXPECT_EQ(dig("203.0.113.2"), "mx.example.com.");
  EXPECT_EQ(dig("203.0.113.3"), "ec2-203-0-113-3.eu-central-1.compute.amazonaws.com.");
  EXPECT_EQ(dig("203.0.113.4"), "ec2-203-0-113-4.eu-central-1.compute.amazonaws.com.");

  aws_->clearRequests();
  auto again = ptrd({"plan"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(changes().empty());
}

TEST_F(PlanApplyAwsEc2Test, AwsOwnForwardRefusalIsBlockedForwardWithItsWords) {
  aws_->admin("/admin/forward", {{"resolver", "stale"}});
  auto apply = ptrd({"apply", "-o", "json"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;
  const std::string all = apply.out + apply.err;
  EXPECT_NE(all.find("does not resolve to 203.0.113.1"), std::string::npos) << all;
  EXPECT_NE(all.find("blocked_forward"), std::string::npos) << all;
  EXPECT_EQ(dig("203.0.113.1"), "ec2-203-0-113-1.eu-central-1.compute.amazonaws.com.");
  EXPECT_EQ(dig("203.0.113.3"), "ec2-203-0-113-3.eu-central-1.compute.amazonaws.com.");

  // Once AWS sees the forward records, the next pass applies them.
  aws_->admin("/admin/forward", {{"resolver", "ok"}});
  apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;
  EXPECT_EQ(dig("203.0.113.1"), "mail.example.com.");
  EXPECT_EQ(ptrd({"plan"}).exit_code, 0);
}

TEST_F(PlanApplyAwsEc2Test, ThrottlingAndServerErrorsConvergeWithoutDuplicateWrites) {
  aws_->setFaults(
      {{"error_rate", 0.15}, {"rate_limit_every", 6}, {"rate_limit_burst", 2}, {"seed", 11}});
  auto apply = ptrd({"apply", "--log-level", "debug"});
  EXPECT_EQ(apply.exit_code, 2) << apply.out << apply.err;
  std::map<std::string, int> acknowledged;  // changes answered 200, per allocation
  int faulted = 0;
  for (const auto& r : aws_->requests()) faulted += r["fault"] != "none";
  for (const auto& [p, status] : calls())
    if (status == 200 && p.at("Action").find("AddressAttribute") != std::string::npos &&
        p.at("Action") != "DescribeAddressesAttribute")
      ++acknowledged[p.at("AllocationId")];
  EXPECT_GT(faulted, 0);  // the faults did happen
  EXPECT_EQ(acknowledged.size(), 3u);
  for (const auto& [id, n] : acknowledged) EXPECT_EQ(n, 1) << id;  // never sent again
  EXPECT_EQ(dig("203.0.113.2"), "mx.example.com.");
  aws_->setFaults({{"error_rate", 0}, {"rate_limit_every", 0}});
  EXPECT_EQ(ptrd({"plan"}).exit_code, 0);
  // The secret key is never shown, even at debug level, nor sent anywhere.
  EXPECT_EQ((apply.out + apply.err).find(secret()), std::string::npos);
  EXPECT_EQ(aws_->requests().dump().find(secret()), std::string::npos);
}

TEST_F(PlanApplyAwsEc2Test, AWrongSecretIsAnAuthErrorThatChangesNothing) {
  std::ofstream(aws_->secretFile("secret-access-key")) << "wrong-secret-value\n";
  auto apply = ptrd({"apply"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_NE((apply.out + apply.err).find("SignatureDoesNotMatch"), std::string::npos)
      << apply.out << apply.err;
  EXPECT_EQ((apply.out + apply.err).find("wrong-secret-value"), std::string::npos);
  EXPECT_TRUE(changes().empty());
  EXPECT_EQ(dig("203.0.113.3"), "relay.example.com.");
}

TEST_F(PlanApplyAwsEc2Test, AClockMoreThanFiveMinutesOffIsRequestExpired) {
  aws_->admin("/admin/clock", {{"skew_s", 400}});
  auto plan = ptrd({"plan"});
  EXPECT_EQ(plan.exit_code, 1) << plan.out << plan.err;
  EXPECT_NE((plan.out + plan.err).find("RequestExpired"), std::string::npos)
      << plan.out << plan.err;
  aws_->admin("/admin/clock", {{"skew_s", 120}});  // within AWS's 5 minutes
  auto ok = ptrd({"plan"});
  EXPECT_NE(ok.exit_code, 1) << ok.out << ok.err;
}

}  // namespace
}  // namespace ptrd
