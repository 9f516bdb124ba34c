// noc-emulator: a strict stand-in for the hosting provider's NOC portal API, for
// ptrd's integration tests and benchmarks. Prints "listening on 127.0.0.1:PORT"
// on stdout once it accepts connections; logs go to stderr.
//
//   noc-emulator --token-file T --account A --pdns-url http://127.0.0.1:8081
//                --pdns-key-file K [--port 0] [--error-rate 0.2] [--seed-dns]
#include <CLI/CLI.hpp>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "tests/noc_emulator/api_server.h"

namespace {

std::string readSecret(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ptrd::noc_emulator;
  CLI::App app{"Emulator of the NOC portal's reverse-DNS API"};
  int port = 0;
  std::string tokenFile, adminTokenFile, accountFile, pdnsUrl, pdnsKeyFile;
  bool seedDns = false;
  FaultSettings f;
  app.add_option("--port", port, "TCP port on 127.0.0.1 (0: any free port)");
  app.add_option("--token-file", tokenFile, "file holding the account's bearer token")->required();
  app.add_option("--admin-token-file", adminTokenFile,
                 "bearer token for /admin (default: the account's)");
  app.add_option("--account", accountFile, "account file: IP SERVICE DEFAULT_PTR [PTR] per line")
      ->required();
  app.add_option("--pdns-url", pdnsUrl,
                 "PowerDNS API on loopback where applied PTRs are published");
  app.add_option("--pdns-key-file", pdnsKeyFile, "file holding the PowerDNS API key");
  app.add_flag("--seed-dns", seedDns, "publish every address's current PTR at start");
  app.add_option("--error-rate", f.errorRate, "share of /v1 requests answered 503");
  app.add_option("--rate-limit-every", f.rateLimitEvery, "429 window length in requests (0: off)");
  app.add_option("--rate-limit-burst", f.rateLimitBurst, "429s at the start of each window");
  app.add_option("--retry-after", f.retryAfterSeconds, "Retry-After seconds on 429");
  app.add_option("--latency-ms", f.latencyMs, "added to every /v1 answer");
  app.add_option("--job-delay-ms", f.jobDelayMs, "time a job waits before it runs");
  app.add_option("--seed", f.seed, "fault RNG seed");
  CLI11_PARSE(app, argc, argv);

  // Signals are taken by one thread with sigwait so shutdown can call stop().
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  try {
    auto account = Account::load(accountFile);
    if (!account) throw std::runtime_error(account.error().message);
    auto pdns = PdnsWriter::make(pdnsUrl, readSecret(pdnsKeyFile));
    if (!pdns) throw std::runtime_error(pdns.error().message);
    ApiServer server(readSecret(tokenFile), readSecret(adminTokenFile), std::move(*account),
                     std::move(*pdns), f);
    if (seedDns) {
      if (auto err = server.seedDns(); !err.empty())
        throw std::runtime_error("seeding DNS: " + err);
    }
    int bound = server.bind(port);
    if (bound <= 0) throw std::runtime_error("cannot bind 127.0.0.1:" + std::to_string(port));
    std::thread signals([&] {
      int sig = 0;
      sigwait(&sigs, &sig);
      server.stop();
    });
    std::cout << "listening on 127.0.0.1:" << bound << std::endl;
    server.listen();
    pthread_kill(signals.native_handle(), SIGTERM);  // wakes sigwait if listen ended otherwise
    signals.join();
  } catch (const std::exception& e) {
    std::cerr << "noc-emulator: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
