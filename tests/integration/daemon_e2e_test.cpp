// `ptrd run` end to end: the real binary as a child process against a real
// PowerDNS and the noc-emulator publishing into it, all on loopback, on ports
// the kernel handed out. Drift is corrected on the next pass, a moved forward
// record shows on /metrics, and a kill -9 during a bulk job is resumed after the
// restart without a second job. Every wait polls with a deadline.
// PTRD_TEST_SHOW_LOG=1 prints the daemon's log even when the test passes.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "core/ip_address.h"
#include "tests/lab/child_process.h"
#include "tests/lab/free_port.h"
#include "tests/lab/noc_emulator_process.h"
#include "tests/lab/nsd_server.h"  // makeTempDir
#include "tests/lab/pdns_server.h"

namespace ptrd {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kZone = "113.0.203.in-addr.arpa.";

std::string bulkIp(int i) {
  return fmt::format("203.0.113.{}", 20 + i);
}
constexpr int kBulk = 10;

bool waitFor(std::chrono::milliseconds limit, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return done();
}

// The value of one series ("name{labels}" exactly as exposed), or -1 when absent.
double metric(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

class DaemonE2E : public ::testing::Test {
 protected:
  static std::string account() {
    std::string a =
        "203.0.113.10 vps-1 10.static.noc.test.\n203.0.113.11 vps-1 11.static.noc.test.\n";
    for (int i = 0; i < kBulk; ++i)
      a += fmt::format("{} vps-2 {}.static.noc.test.\n", bulkIp(i), 20 + i);
    return a;
  }
  static lab::PdnsServer& withZones(lab::PdnsServer& p) {
    p.createZone(kZone);
    p.createZone("example.com.");
    std::vector<lab::PdnsRecord> fwd = {{"mail.example.com.", "A", "203.0.113.10", 1},
                                        {"web.example.com.", "A", "203.0.113.11", 1}};
    for (int i = 0; i < kBulk; ++i)
      fwd.push_back({fmt::format("h{}.example.com.", i), "A", bulkIp(i), 1});
    p.setRecords("example.com.", fwd);
    return p;
  }

  void SetUp() override {
    dir_ = lab::makeTempDir("ptrd-daemon-");
    httpPort_ = lab::freePort();
    write("mappings/web.yaml",
          "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata:\n  name: web\nspec:\n  "
          "records:\n"
          "    - {ip: 203.0.113.10, hostname: mail.example.com}\n"
          "    - {ip: 203.0.113.11, hostname: web.example.com}\n");
    write("ptrd.yaml", fmt::format(R"(apiVersion: ptrd.io/v1alpha1
kind: ReconcilerConfig
spec:
  mappings: ["mappings/"]
  provider:
    type: noc
    url: {}
    tokenFile: {}
    stateFile: state.json
  resolvers: ["{}"]
  maxChangePercent: 100
  interval: 1s
  listen: "127.0.0.1:{}"
)",
                                   noc_.url(), noc_.tokenFile(), pdns_.dnsAddress(), httpPort_));
  }
  void TearDown() override {
    if (::testing::Test::HasFailure() || std::getenv("PTRD_TEST_SHOW_LOG") != nullptr) {
      std::cerr << "--- ptrd log ---\n" << lab::readFile(dir_ + "/ptrd.err") << "\n";
    }
    ptrd_.reset();
    std::filesystem::remove_all(dir_);
  }

  void write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(dir_ + "/" + name).parent_path());
    std::ofstream(dir_ + "/" + name) << text;
  }
  void startPtrd() {
    ptrd_ = std::make_unique<lab::ChildProcess>(
        std::vector<std::string>{PTRD_BINARY, "run", "-c", dir_ + "/ptrd.yaml", "--backoff-max",
                                 "2"},
        dir_ + "/ptrd.out", dir_ + "/ptrd.err");
  }
  std::string get(const std::string& path, int* status = nullptr) {
    httplib::Client c("127.0.0.1", httpPort_);
    c.set_connection_timeout(1, 0);
    c.set_read_timeout(5, 0);
    auto r = c.Get(path.c_str());
    if (status != nullptr) *status = r ? r->status : 0;
    return r ? r->body : std::string();
  }
  double metricNow(const std::string& series) { return metric(get("/metrics"), series); }
  std::string portalPtr(const std::string& ip) {
    std::string body;
    if (noc_.getStatus("/v1/ips/" + ip, &body) != 200) return "";
    return json::parse(body).value("ptr", "");
  }
  json stateFile() {
    std::string text = lab::readFile(dir_ + "/state.json");
    return text.empty() ? json::object() : json::parse(text);
  }

  lab::PdnsServer pdns_;
  lab::NocEmulatorProcess noc_{withZones(pdns_), lab::withAccount(account())};
  std::string dir_;
  int httpPort_ = 0;
  std::unique_ptr<lab::ChildProcess> ptrd_;
};

TEST_F(DaemonE2E, CorrectsDriftSeesForwardMovesAndResumesABulkJobAfterKill9) {
  startPtrd();
  // Converges from the portal's default PTRs, then is ready.
  ASSERT_TRUE(waitFor(seconds(30), [&] {
    return metricNow("ptrd_records{state=\"in_sync\"}") == 2;
  })) << get("/status");
  int code = 0;
  get("/readyz", &code);
  EXPECT_EQ(code, 200);
  get("/healthz", &code);
  EXPECT_EQ(code, 200);
  EXPECT_EQ(portalPtr("203.0.113.10"), "mail.example.com.");
  const double appliedBefore = metricNow("ptrd_changes_total{action=\"set\",result=\"applied\"}");
  EXPECT_EQ(appliedBefore, 2);
  EXPECT_GE(
      metricNow(
          "ptrd_provider_requests_total{code=\"202\",operation=\"bulk_submit\",provider=\"noc\"}"),
      1);
  EXPECT_GT(metricNow("ptrd_dns_queries_total{result=\"answer\",type=\"PTR\"}"), 0);

  // Someone changes a PTR in the portal behind ptrd's back: corrected next pass.
  ASSERT_EQ(noc_.setPtr("203.0.113.10", "evil.example.org"), 200);
  ASSERT_TRUE(
      waitFor(seconds(20), [&] { return portalPtr("203.0.113.10") == "mail.example.com."; }));
  EXPECT_TRUE(waitFor(seconds(5), [&] {
    return metricNow("ptrd_changes_total{action=\"set\",result=\"applied\"}") == appliedBefore + 1;
  }));

  // The forward record moves away: the live PTR no longer resolves back.
  EXPECT_EQ(metricNow("ptrd_fcrdns_mismatch"), 0);
  pdns_.setRecords("example.com.", {{"mail.example.com.", "A", "198.51.100.99", 1}});
  ASSERT_TRUE(waitFor(seconds(20), [&] { return metricNow("ptrd_fcrdns_mismatch") == 1; }))
      << get("/status");
  EXPECT_NE(get("/status").find("forward_mismatch"), std::string::npos);
  EXPECT_EQ(get("/metrics").find("203.0.113"), std::string::npos);  // never an IP in a label

  // A bulk job that sits queued for a while; kill -9 while ptrd waits for it.
  noc_.setFaults({{"job_delay_ms", 4000}});
  noc_.clearRequests();
  std::string bulk;
  for (int i = 0; i < kBulk; ++i) bulk += fmt::format("{} h{}.example.com\n", bulkIp(i), i);
  write("mappings/bulk.txt", bulk);
  std::string key, jobId;
  ASSERT_TRUE(waitFor(seconds(20), [&] {
    json s = stateFile();
    if (!s.contains("jobs") || s["jobs"].empty()) return false;
    key = s["jobs"][0].value("idempotency_key", "");
    jobId = s["jobs"][0].value("job_id", "");
    return !jobId.empty();
  })) << "no job journaled";
  ASSERT_EQ(::kill(ptrd_->pid(), SIGKILL), 0);
  ASSERT_TRUE(ptrd_->waitFor(seconds(10)).has_value());
  EXPECT_NE(portalPtr(bulkIp(0)), "h0.example.com.");  // still queued when ptrd died

  startPtrd();
  ASSERT_TRUE(waitFor(seconds(40), [&] {
    for (int i = 0; i < kBulk; ++i)
      if (portalPtr(bulkIp(i)) != fmt::format("h{}.example.com.", i)) return false;
    return true;
  }));
  ASSERT_TRUE(waitFor(seconds(20), [&] {
    return metricNow("ptrd_records{state=\"in_sync\"}") == 2 + kBulk;
  })) << get("/status");

  std::map<std::string, int> postsPerKey;
  int jobReads = 0;
  for (const auto& r : noc_.requests()) {
    if (r["method"] == "POST" && r["path"] == "/v1/ptr/bulk")
      ++postsPerKey[r.value("idempotency_key", "")];
    if (r["method"] == "GET" && r["path"] == "/v1/jobs/" + jobId) ++jobReads;
  }
  EXPECT_EQ(postsPerKey,
            (std::map<std::string, int>{{key, 1}}));  // one POST, one job: resumed, not resubmitted
  EXPECT_GT(jobReads, 0);
  EXPECT_TRUE(
      waitFor(seconds(5), [&] { return stateFile().value("jobs", json::array()).empty(); }));

  // SIGTERM: drains and exits 0, promptly.
  ASSERT_EQ(::kill(ptrd_->pid(), SIGTERM), 0);
  auto rc = ptrd_->waitFor(seconds(15));
  ASSERT_TRUE(rc.has_value());
  EXPECT_EQ(*rc, 0);
}

}  // namespace
}  // namespace ptrd
