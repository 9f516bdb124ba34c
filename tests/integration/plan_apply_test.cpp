// `ptrd plan` and `ptrd apply` as a user runs them: the real binary against a
// real PowerDNS (API + DNS) on loopback, which serves both the reverse zones the
// provider manages and the forward zone the FCrDNS gate reads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/ip_address.h"
#include "tests/integration/provider_lab.h"
#include "tests/lab/child_process.h"
#include "tests/lab/free_port.h"
#include "tests/lab/nsd_server.h"  // makeTempDir
#include "tests/lab/pdns_server.h"

namespace ptrd {
namespace {

using Json = nlohmann::json;

const std::string kV4Zone = "113.0.203.in-addr.arpa.";
const std::string kV6Zone = "8.b.d.0.1.0.0.2.ip6.arpa.";

std::string rev(const std::string& ip) {
  return IpAddress::parse(ip)->reverseName();
}

// Line 9 declares the invalid hostname (column 35); the test asserts that location.
constexpr const char* kEveryState = R"(apiVersion: ptrd.io/v1alpha1
kind: PTRMappings
metadata:
  name: every-state
spec:
  records:
    - {ip: 203.0.113.1, hostname: insync.example.com}
    - {ip: 203.0.113.2, hostname: Mail.Example.com}
    - {ip: 203.0.113.6, hostname: mail}
    - {ip: 2001:db8::25, hostname: mail6.example.com}
    - {ip: 203.0.113.3, reset: true}
    - {ip: 203.0.113.5, hostname: new.example.com}
    - {ip: 198.51.100.7, hostname: mail.example.com}
    - {ip: 203.0.113.8, hostname: host.unserved.test}
)";

class PlanApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = lab::makeTempDir("ptrd-plan-");
    pdns_.createZone(kV4Zone);
    pdns_.createZone(kV6Zone);
    pdns_.createZone("example.com.");
    pdns_.setRecords(kV4Zone, {{rev("203.0.113.1"), "PTR", "insync.example.com."},
                               {rev("203.0.113.3"), "PTR", "old.example.org."},
                               {rev("203.0.113.4"), "PTR", "stray.example.org."}});
    pdns_.setRecords("example.com.", {{"insync.example.com.", "A", "203.0.113.1"},
                                      {"mail.example.com.", "A", "203.0.113.2"},
                                      {"mail.example.com.", "A", "198.51.100.7"},
                                      {"mail6.example.com.", "AAAA", "2001:db8::25"}});
  }
  void TearDown() override { std::filesystem::remove_all(scratch_); }

  void writeFile(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(scratch_ + "/" + name).parent_path());
    std::ofstream(scratch_ + "/" + name) << text;
  }
  // The config names its mappings and key file relative to itself.
  std::string writeConfig(const std::string& policy, int maxChangePercent) {
    std::filesystem::copy_file(pdns_.apiKeyFile(), scratch_ + "/api-key",
                               std::filesystem::copy_options::overwrite_existing);
    writeFile("ptrd.yaml",
              "apiVersion: ptrd.io/v1alpha1\n"
              "kind: ReconcilerConfig\n"
              "spec:\n"
              "  mappings: [mappings/]\n"
              "  provider: {type: powerdns, url: \"" +
                  pdns_.apiUrl() +
                  "\", apiKeyFile: api-key}\n"
                  "  resolvers: [\"" +
                  pdns_.dnsAddress() +
                  "\"]\n"
                  "  policy: " +
                  policy +
                  "\n"
                  "  maxChangePercent: " +
                  std::to_string(maxChangePercent) + "\n");
    return scratch_ + "/ptrd.yaml";
  }
  lab::CommandResult ptrd(std::vector<std::string> args) {
    args.insert(args.begin(), PTRD_BINARY);
    return lab::runCommand(args, scratch_);
  }
  std::string ptrOf(const std::string& ip) {
    return testing::digPtr(pdns_.dnsPort(), ip, scratch_);
  }

  lab::PdnsServer pdns_;
  std::string scratch_;
};

TEST_F(PlanApplyTest, EveryStatePlansExactlyThenApplyConvergesWhatItCan) {
  writeFile("mappings/fleet.yaml", kEveryState);
  std::string config = writeConfig("sync", 100);

  auto plan = ptrd({"plan", "-c", config, "-o", "json"});
  ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  Json doc = Json::parse(plan.out);
  EXPECT_EQ(doc["summary"],
            Json::parse(R"({"in_sync": 1, "set": 2, "reset": 1, "blocked_forward": 1,
      "not_owned": 1, "invalid": 1, "lookup_error": 1, "propagating": 0})"));
  EXPECT_EQ(doc["changes"], Json::parse(R"([
      {"ip": "203.0.113.2", "action": "set", "from": null, "to": "mail.example.com."},
      {"ip": "203.0.113.3", "action": "reset", "from": "old.example.org.", "to": null},
      {"ip": "2001:db8::25", "action": "set", "from": null, "to": "mail6.example.com."}])"));
  std::map<std::string, Json> records;
  for (const auto& r : doc["records"]) records[r["ip"].get<std::string>()] = r;
  EXPECT_EQ(records["203.0.113.5"]["state"], "blocked_forward");
  EXPECT_NE(records["203.0.113.5"]["reason"].get<std::string>().find("NXDOMAIN"),
            std::string::npos);
  EXPECT_EQ(records["198.51.100.7"]["state"], "not_owned");
  EXPECT_EQ(records["203.0.113.6"]["state"], "invalid");
  EXPECT_EQ(records["203.0.113.6"]["source"], scratch_ + "/mappings/fleet.yaml:9:35");
  EXPECT_EQ(records["203.0.113.8"]["state"], "lookup_error");
  // Contract §7: the invalid entry could have declared the stray 203.0.113.4, so
  // sync resets nothing undeclared this pass (the declared reset still goes).
  EXPECT_EQ(doc["sync_suppressed"], true);

  auto text = ptrd({"plan", "-c", config});
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_NE(text.out.find("3 change(s) pending (2 set, 1 reset)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  blocked_forward 203.0.113.5"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("fleet.yaml:12:"), std::string::npos) << text.out;

  auto apply = ptrd({"apply", "-c", config});
  EXPECT_EQ(apply.exit_code, 2) << "blocked, not owned, invalid and lookup_error remain\n"
                                << apply.out << apply.err;
  EXPECT_NE(apply.out.find(
                "applied 3 (3 verified in DNS, 0 propagating), invalid 0, not yours 0, failed 0, "
                "blocked by forward DNS 1"),
            std::string::npos)
      << apply.out;
  EXPECT_EQ(ptrOf("203.0.113.2"), "mail.example.com.");
  EXPECT_EQ(ptrOf("2001:db8::25"), "mail6.example.com.");
  EXPECT_EQ(ptrOf("203.0.113.3"), "");
  EXPECT_EQ(ptrOf("203.0.113.4"), "stray.example.org.") << "held back by the invalid entry";
  EXPECT_EQ(ptrOf("198.51.100.7"), "") << "not owned: never sent";

  auto again = ptrd({"plan", "-c", config, "-o", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  Json doc2 = Json::parse(again.out);
  EXPECT_TRUE(doc2["changes"].empty());
  EXPECT_EQ(doc2["summary"]["in_sync"], 4);
  EXPECT_EQ(doc2["summary"]["blocked_forward"], 1);

  // The owner adds the forward record; the next pass sets the PTR.
  pdns_.setRecords("example.com.", {{"new.example.com.", "A", "203.0.113.5"}});
  auto fixed = ptrd({"apply", "-c", config, "-o", "json"});
  EXPECT_EQ(fixed.exit_code, 2) << fixed.out << fixed.err;
  Json doc3 = Json::parse(fixed.out);
  EXPECT_EQ(doc3["result"]["applied"], 1);
  EXPECT_EQ(doc3["summary"]["blocked_forward"], 0);
  EXPECT_EQ(ptrOf("203.0.113.5"), "new.example.com.");
}

TEST_F(PlanApplyTest, CleanMappingsConvergeAndTheSecondPlanIsEmpty) {
  writeFile("mappings/mail.txt", "203.0.113.2 mail.example.com\n2001:db8::25,mail6.example.com\n");
  std::string config = writeConfig("upsert-only", 100);
  auto apply = ptrd({"apply", "-c", config});
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_EQ(ptrOf("203.0.113.4"), "stray.example.org.")
      << "upsert-only never touches undeclared IPs";
  auto plan = ptrd({"plan", "-c", config});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("nothing to do"), std::string::npos) << plan.out;
}

TEST_F(PlanApplyTest, SafetyCapRefusesUntilAPersonAllowsIt) {
  writeFile("mappings/mail.txt", "203.0.113.2 mail.example.com\n203.0.113.1 insync.example.com\n");
  std::string config = writeConfig("sync", 20);  // 3 changes (1 set, 2 sync resets) of 4 managed
  auto plan = ptrd({"plan", "-c", config, "-o", "json"});
  ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  Json doc = Json::parse(plan.out);
  EXPECT_EQ(doc["cap_exceeded"], true);
  EXPECT_EQ(doc["managed"], 4);

  auto refused = ptrd({"apply", "-c", config});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("the plan changes 3 of 4 managed IPs (75.0%)"), std::string::npos)
      << refused.err;
  EXPECT_EQ(ptrOf("203.0.113.2"), "") << "nothing may change";
  EXPECT_EQ(ptrOf("203.0.113.4"), "stray.example.org.");

  auto allowed = ptrd({"apply", "-c", config, "--allow-large-change"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  EXPECT_EQ(ptrOf("203.0.113.2"), "mail.example.com.");
  EXPECT_EQ(ptrOf("203.0.113.4"), "");
}

TEST_F(PlanApplyTest, RunDryRunPlansButNeverWrites) {
  writeFile("mappings/mail.txt", "203.0.113.2 mail.example.com\n");
  std::string config = writeConfig("sync", 100);
  std::ofstream(config, std::ios::app) << "  listen: \"127.0.0.1:" << lab::freePort() << "\"\n";
  auto run = ptrd({"run", "-c", config, "--once", "--dry-run", "--log-level", "debug"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("dry_run=true"), std::string::npos) << run.err;
  EXPECT_EQ(ptrOf("203.0.113.2"), "") << "a dry run sets nothing";
  EXPECT_EQ(ptrOf("203.0.113.4"), "stray.example.org.") << "nor resets anything";
  auto plan = ptrd({"plan", "-c", config});
  EXPECT_EQ(plan.exit_code, 2) << "the changes are still pending: " << plan.out << plan.err;
}

TEST_F(PlanApplyTest, ConfigErrorsExitOneWithFileLine) {
  writeFile("bad.yaml",
            "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n  mappings: [m]\n  "
            "polcy: sync\n");
  auto r = ptrd({"plan", "-c", scratch_ + "/bad.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(scratch_ + "/bad.yaml:5:3: unknown field \"polcy\""), std::string::npos)
      << r.err;
}

// A spreadsheet's "CSV UTF-8" export starts with a byte-order mark. It used to
// make the first line invalid, so under sync its IP counted as undeclared and
// ptrd reset the PTR the line declares.
TEST_F(PlanApplyTest, ByteOrderMarkedCsvUnderSyncResetsNothingItDeclares) {
  writeFile("mappings/fleet.csv",
            "\xEF\xBB\xBF"
            "203.0.113.4,stray.example.org\r\n"
            "203.0.113.1,insync.example.com\r\n"
            "203.0.113.3,old.example.org\r\n");
  std::string config = writeConfig("sync", 100);
  auto plan = ptrd({"plan", "-c", config, "-o", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  Json doc = Json::parse(plan.out);
  EXPECT_EQ(doc["summary"]["in_sync"], 3);
  EXPECT_EQ(doc["summary"]["invalid"], 0);
  EXPECT_TRUE(doc["changes"].empty());
  auto apply = ptrd({"apply", "-c", config});
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_EQ(ptrOf("203.0.113.4"), "stray.example.org.");
}

TEST_F(PlanApplyTest, ABrokenMappingFileHoldsSyncResetsBackAndIsAnError) {
  writeFile("mappings/good.txt", "203.0.113.2 mail.example.com\n");
  writeFile("mappings/broken.yaml", "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nspec: [\n");
  std::string config = writeConfig("sync", 100);
  auto r = ptrd({"plan", "-c", config, "-o", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  Json doc = Json::parse(r.out);
  EXPECT_EQ(doc["sync_suppressed"], true);
  EXPECT_EQ(doc["summary"]["reset"], 0) << "no sync reset while a file is broken";
  EXPECT_EQ(doc["summary"]["set"], 1) << "the good file still plans";
  ASSERT_EQ(doc["errors"].size(), 1u);
  EXPECT_NE(doc["errors"][0].get<std::string>().find("broken.yaml:"), std::string::npos);
}

}  // namespace
}  // namespace ptrd
