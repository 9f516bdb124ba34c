// A DaemonLoop over temp files, the fake provider/resolver of reconcile_fakes.h,
// a fake clock and fixed randomness: tests step time by hand and never sleep.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "reconciler/daemon/daemon_loop.h"
#include "tests/unit/daemon/daemon_fakes.h"
#include "tests/unit/apply/reconcile_fakes.h"
#include "tests/unit/support/temp_dir.h"

namespace ptrd::testing {

inline std::string mappingYaml(const std::string& ip, const std::string& host) {
  return "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata:\n  name: web\nspec:\n  "
         "records:\n"
         "    - ip: " +
         ip + "\n      hostname: " + host + "\n";
}

inline std::string configYaml(const std::string& mappings = "mappings/",
                              const std::string& interval = "1m") {
  return "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n  mappings: [\"" + mappings +
         "\"]\n  provider:\n    type: powerdns\n    url: http://127.0.0.1:1\n    apiKeyFile: key\n"
         "  resolvers: [\"127.0.0.1:1\"]\n  maxChangePercent: 100\n  interval: " +
         interval + "\n";
}

class DaemonFixture : public ::testing::Test {
 protected:
  DaemonFixture() {
    configPath = dir.write("ptrd.yaml", configYaml());
    dir.write("mappings/web.yaml", mappingYaml("203.0.113.10", "web.example.com"));
    fake.own("203.0.113.10", "", "10.static.example.net.");
    fake.own("203.0.113.11", "", "11.static.example.net.");
    resolver.forward[{"web.example.com.", IpAddress::Family::kV4}] = {
        *IpAddress::parse("203.0.113.10")};
    resolver.forward[{"api.example.com.", IpAddress::Family::kV4}] = {
        *IpAddress::parse("203.0.113.11")};
    logStream = open_memstream(&logBuf, &logSize);
    log = std::make_unique<Logger>(LogFormat::kLogfmt, logStream);
  }
  ~DaemonFixture() override {
    loop.reset();
    log.reset();
    std::fclose(logStream);
    std::free(logBuf);
  }

  DaemonLoop& make(DaemonOptions o = {}) {
    o.backoffBase = std::chrono::milliseconds(1000);
    if (o.backoffMax == DaemonOptions{}.backoffMax) o.backoffMax = std::chrono::milliseconds(8000);
    auto noDelete = [](auto*) {};
    Connector connect = [this, noDelete](const ReconcilerConfig&) -> Result<PassConnections> {
      ++connects;
      return PassConnections{std::shared_ptr<providers::Provider>(&provider, noDelete),
                             std::shared_ptr<Resolver>(&resolver, noDelete)};
    };
    loop = std::make_unique<DaemonLoop>(
        configPath, o,
        DaemonDeps{clock, random, *log, metrics, status, signal, connect, journal, nullptr});
    return *loop;
  }
  // One turn at the clock's current time; returns whether a pass ran.
  bool turn() {
    const uint64_t before = loop->passes();
    loop->tick(clock.now());
    return loop->passes() != before;
  }
  std::string metricsText() const { return metrics.render(); }
  std::string logs() {
    std::fflush(logStream);
    return std::string(logBuf, logSize);
  }

  TempDir dir;
  std::string configPath;
  FakeResolver resolver;
  FakeProvider fake{&resolver};
  HookProvider provider{fake};
  FakeDaemonClock clock;
  FixedRandom random{0};
  char* logBuf = nullptr;
  size_t logSize = 0;
  std::FILE* logStream = nullptr;
  std::unique_ptr<Logger> log;
  DaemonMetrics metrics{"test"};
  StatusBoard status{std::chrono::minutes(5)};
  WakeSignal signal;
  std::shared_ptr<providers::JobJournal> journal;
  int connects = 0;
  std::unique_ptr<DaemonLoop> loop;
};

}  // namespace ptrd::testing
