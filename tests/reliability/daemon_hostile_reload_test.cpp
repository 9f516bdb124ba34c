// A running daemon whose files turn hostile (issue #10, contract §7): each edit a
// user or an attacker with write access to the repository could make -- a
// config holding a stray ',' line, a FIFO or a looping symlink in the mappings
// folder, a YAML alias bomb, a mapping file rewritten half-way -- must leave it
// running on its last good state, answering /healthz within one second,
// reporting the failed reload, and sending the provider nothing. After the edit
// is undone the next reload succeeds.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "tests/lab/free_port.h"
#include "tests/reliability/reliability_lab.h"

namespace ptrd::reliability {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

class DaemonHostileReload : public ReliabilityLab {
 protected:
  // /healthz answers 200 "ok"-ish within one second, measured from here.
  void expectHealthyWithinOneSecond(const std::string& what) {
    const auto start = std::chrono::steady_clock::now();
    const std::string body = httpGet(port_, "/healthz");
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_FALSE(body.empty()) << what << ": /healthz did not answer";
    EXPECT_LT(took, seconds(1)) << what;
  }
  bool reloadSuccessful(bool want) {
    const std::string metric =
        std::string("ptrd_config_last_reload_successful ") + (want ? "1" : "0");
    return httpGet(port_, "/metrics").find(metric) != std::string::npos;
  }
  // Makes the edit, waits for the daemon to report the failed reload, checks it
  // is alive, healthy and wrote nothing, then undoes the edit and waits for a
  // successful reload.
  void survive(const std::string& what, const std::function<void()>& edit,
               const std::function<void()>& undo) {
    SCOPED_TRACE(what);
    const Snapshot before = snapshot();
    edit();
    ASSERT_TRUE(eventually(seconds(30), [&] { return reloadSuccessful(false); }))
        << "the failed reload is not reported\n"
        << httpGet(port_, "/metrics") << lab::readFile(scratch_ + "/run.err");
    ASSERT_FALSE(daemon_->poll()) << "the daemon died\n" << lab::readFile(scratch_ + "/run.err");
    expectHealthyWithinOneSecond(what);
    EXPECT_EQ(snapshot(), before) << "the provider was sent a change";
    undo();
    ASSERT_TRUE(eventually(seconds(30), [&] { return reloadSuccessful(true); }))
        << "no good reload after the edit was undone\n"
        << lab::readFile(scratch_ + "/run.err");
    EXPECT_EQ(snapshot(), before);
  }

  int port_ = 0;
  std::unique_ptr<lab::ChildProcess> daemon_;
};

TEST_F(DaemonHostileReload, EveryHostileEditKeepsTheLastGoodStateAndChangesNothing) {
  declare(fleet());
  port_ = lab::freePort();
  // sync: a hostile edit read as "nothing is declared" would reset the whole fleet.
  const std::string config =
      writeConfig({.policy = "sync", .listen = "127.0.0.1:" + std::to_string(port_)});
  const std::string goodConfig = lab::readFile(config);
  const std::string mappings = scratch_ + "/mappings";
  const std::string fleetFile = mappings + "/fleet.yaml";
  const std::string goodFleet = lab::readFile(fleetFile);
  daemon_ = std::make_unique<lab::ChildProcess>(
      std::vector<std::string>{PTRD_BINARY, "run", "-c", config, "--backoff-max", "1"},
      scratch_ + "/run.out", scratch_ + "/run.err");
  ASSERT_TRUE(eventually(seconds(30), [&] {
    return httpGet(port_, "/status").find("\"result\": \"success\"") != std::string::npos;
  })) << lab::readFile(scratch_ + "/run.err");
  for (const auto& [ip, host] : fleet()) ASSERT_EQ(ptrOf(ip), host) << ip;

  survive(
      "a stray ',' line in the config (yaml-cpp 0.7 LoadAll loop)",
      [&] { std::ofstream(config, std::ios::app) << "---\n,\n"; },
      [&] { std::ofstream(config) << goodConfig; });
  survive(
      "a FIFO named *.yaml in the mappings folder",
      [&] { ASSERT_EQ(::mkfifo((mappings + "/pipe.yaml").c_str(), 0600), 0); },
      [&] { fs::remove(mappings + "/pipe.yaml"); });
  survive(
      "symlinks that point back up",
      [&] {
        fs::create_directory_symlink(".", mappings + "/x");
        fs::create_directory_symlink(".", mappings + "/y");
      },
      [&] {
        fs::remove(mappings + "/x");
        fs::remove(mappings + "/y");
      });
  survive(
      "YAML aliases repeating a /16 range",
      [&] {
        std::string bomb =
            "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata: {name: bomb}\nspec:\n"
            "  ranges: [&r {cidr: 10.0.0.0/16, hostname: \"{dashed}.pool.example.net\"}";
        for (int i = 0; i < 200; ++i) bomb += ", *r";
        std::ofstream(mappings + "/bomb.yaml") << bomb << "]\n";
      },
      [&] { fs::remove(mappings + "/bomb.yaml"); });
  survive(
      "the fleet file cut off in the middle of a record",
      [&] {
        std::ofstream(fleetFile) << goodFleet.substr(0, goodFleet.size() / 2) << "  - {ip: [\n";
      },
      [&] { std::ofstream(fleetFile) << goodFleet; });

  daemon_->stop();
}

}  // namespace
}  // namespace ptrd::reliability
