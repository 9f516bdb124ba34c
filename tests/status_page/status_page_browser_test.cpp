// The status page in a real headless browser (Debian's chromium, driven by
// browser_check.mjs over the DevTools pipe), against `ptrd run --dry-run` and a
// real PowerDNS on loopback holding a few states at once -- among them a live PTR
// whose name is `<script>alert(1)</script>`: it must show as text and run nothing.
// The same checks run on the file `ptrd plan -o html` writes.
// PTRD_STATUS_SCREENSHOT=DIR keeps the screenshots there (docs/status-page.png
// is made this way).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/lab/child_process.h"
#include "tests/lab/free_port.h"
#include "tests/lab/nsd_server.h"  // makeTempDir
#include "tests/lab/pdns_server.h"

namespace ptrd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kReverse = "113.0.203.in-addr.arpa.";
const std::string kHostile = "<script>alert(1)</script>";

bool waitFor(milliseconds limit, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return done();
}

class StatusPageBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = lab::makeTempDir("ptrd-status-page-");
    port_ = lab::freePort();
    pdns_.createZone(kReverse);
    pdns_.createZone("example.com.");
    pdns_.setRecords("example.com.", {{"mail.example.com.", "A", "203.0.113.10", 60},
                                      {"web.example.com.", "A", "203.0.113.11", 60}});
    pdns_.setRecords(kReverse, {{"10." + kReverse, "PTR", "mail.example.com.", 60},
                                {"11." + kReverse, "PTR", "old.example.net.", 60},
                                {"12." + kReverse, "PTR", kHostile + ".example.com.", 60},
                                {"13." + kReverse, "PTR", "custom.example.net.", 60}});
    write("mappings/fleet.yaml", R"(apiVersion: ptrd.io/v1alpha1
kind: PTRMappings
metadata:
  name: fleet
spec:
  records:
    - {ip: 203.0.113.10, hostname: mail.example.com}      # in_sync
    - {ip: 203.0.113.11, hostname: web.example.com}       # set
    - {ip: 203.0.113.12, hostname: blocked.example.com}   # blocked_forward, hostile live PTR
    - {ip: 203.0.113.13, reset: true}                     # reset
    - {ip: 198.51.100.5, hostname: other.example.com}     # not_owned
    - {ip: 203.0.113.14, hostname: mail}                  # invalid
)");
    std::ofstream(dir_ + "/api-key") << pdns_.apiKey();
    std::filesystem::permissions(dir_ + "/api-key", std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::owner_write);
    write("ptrd.yaml", fmt::format(R"(apiVersion: ptrd.io/v1alpha1
kind: ReconcilerConfig
spec:
  mappings: ["mappings/"]
  provider: {{type: powerdns, url: "{}", apiKeyFile: api-key}}
  resolvers: ["{}"]
  maxChangePercent: 100
  interval: 1h
  listen: "127.0.0.1:{}"
)",
                                   pdns_.apiUrl(), pdns_.dnsAddress(), port_));
  }
  void TearDown() override {
    if (::testing::Test::HasFailure()) std::cerr << lab::readFile(dir_ + "/ptrd.err") << "\n";
    if (ptrd_) ptrd_->stop();
    std::filesystem::remove_all(dir_);
  }
  void write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(dir_ + "/" + name).parent_path());
    std::ofstream(dir_ + "/" + name) << text;
  }
  std::string get(const std::string& path, const std::string& accept = "*/*") {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(1, 0);
    c.set_read_timeout(5, 0);
    auto r = c.Get(path.c_str(), {{"Accept", accept}});
    return r && r->status == 200 ? r->body : std::string();
  }
  // node browser_check.mjs ...; the output goes to the test log.
  lab::CommandResult browser(const std::string& mode, const std::string& target,
                             const std::string& shot) {
    std::vector<std::string> argv = {"node",     PTRD_BROWSER_CHECK, mode,
                                     target,     "--expect-text",    kHostile,
                                     "--filter", "web.example"};
    if (const char* keep = std::getenv("PTRD_STATUS_SCREENSHOT")) {
      argv.push_back("--screenshot");
      argv.push_back(std::filesystem::absolute(std::string(keep) + "/" + shot).string());
    }
    auto r = lab::runCommand(argv, dir_, milliseconds(90000));
    std::cout << r.out << r.err;
    return r;
  }

  lab::PdnsServer pdns_;
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<lab::ChildProcess> ptrd_;
};

TEST_F(StatusPageBrowser, DaemonPageShowsTheDriftAsTextCountsEqualMetricsAndFilters) {
  ptrd_ = std::make_unique<lab::ChildProcess>(
      std::vector<std::string>{PTRD_BINARY, "run", "--dry-run", "-c", dir_ + "/ptrd.yaml"},
      dir_ + "/ptrd.out", dir_ + "/ptrd.err");
  ASSERT_TRUE(waitFor(seconds(30), [&] {
    std::string s = get("/status/summary");
    return !s.empty() && nlohmann::json::parse(s).value("planned", false);
  })) << get("/status/summary");
  auto summary = nlohmann::json::parse(get("/status/summary"));
  for (const char* st : {"in_sync", "set", "reset", "blocked_forward", "not_owned", "invalid"})
    EXPECT_EQ(summary["summary"][st], 1) << st << ": " << summary.dump(2);
  // A browser asking /status gets the page; a script still gets JSON.
  EXPECT_NE(get("/status", "text/html,application/xhtml+xml").find("<!doctype html>"),
            std::string::npos);
  EXPECT_EQ(get("/status").front(), '{');

  auto r = browser("live", fmt::format("http://127.0.0.1:{}/", port_), "status-page.png");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(StatusPageBrowser, PlanFileShowsTheSameViewAndRunsNothing) {
  auto plan = lab::runCommand({PTRD_BINARY, "plan", "-c", dir_ + "/ptrd.yaml", "-o", "html"}, dir_,
                              milliseconds(30000));
  ASSERT_EQ(plan.exit_code, 2) << plan.err;  // changes pending
  std::ofstream(dir_ + "/plan.html") << plan.out;
  auto r = browser("file", dir_ + "/plan.html", "plan-page.png");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace ptrd
