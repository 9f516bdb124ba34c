// ovh-emulator: a strict stand-in for the OVHcloud API v1 reverse-DNS calls,
// for ptrd's integration tests. Prints "listening on 127.0.0.1:PORT" on stdout
// once it accepts connections; logs go to stderr.
//
//   ovh-emulator --application-key-file AK --application-secret-file AS
//                --consumer-key-file CK --admin-token-file T --account A
//                --pdns-url http://127.0.0.1:8081 --pdns-key-file K --dns-port 5300
//                [--port 0] [--seed-dns]
#include <CLI/CLI.hpp>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "tests/ovh_emulator/api_server.h"

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
  using namespace ptrd::ovh_emulator;
  CLI::App app{"Emulator of the OVHcloud API's reverse-DNS calls"};
  int port = 0;
  std::string akFile, asFile, ckFile, adminTokenFile, accountFile, pdnsUrl, pdnsKeyFile;
  bool seedDns = false;
  ServerOptions o;
  auto& f = o.faults;
  app.add_option("--port", port, "TCP port on 127.0.0.1 (0: any free port)");
  app.add_option("--application-key-file", akFile, "file holding the application key")->required();
  app.add_option("--application-secret-file", asFile, "file holding the application secret")
      ->required();
  app.add_option("--consumer-key-file", ckFile, "file holding the consumer key")->required();
  app.add_option("--admin-token-file", adminTokenFile, "bearer token for /admin")->required();
  app.add_option("--account", accountFile, "account file: BLOCK or IP NAME per line")->required();
  app.add_option("--pdns-url", pdnsUrl, "PowerDNS API on loopback where changes are published");
  app.add_option("--pdns-key-file", pdnsKeyFile, "file holding the PowerDNS API key");
  app.add_option("--dns-port", o.dnsPort,
                 "DNS port on 127.0.0.1 for OVH's forward check (0: none)");
  app.add_flag("--seed-dns", seedDns, "publish every address's current rDNS at start");
  app.add_option("--error-rate", f.errorRate, "share of API requests answered 500");
  app.add_option("--rate-limit-every", f.rateLimitEvery, "429 window length in requests (0: off)");
  app.add_option("--rate-limit-burst", f.rateLimitBurst, "429s at the start of each window");
  app.add_option("--retry-after", f.retryAfterSeconds, "Retry-After seconds on 429");
  app.add_option("--seed", f.seed, "fault RNG seed");
  CLI11_PARSE(app, argc, argv);

  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  try {
    auto account = Account::load(accountFile);
    if (!account) throw std::runtime_error(account.error().message);
    auto pdns = ptrd::emulator_kit::PdnsWriter::make(pdnsUrl, readSecret(pdnsKeyFile));
    if (!pdns) throw std::runtime_error(pdns.error().message);
    o.applicationKey = readSecret(akFile);
    o.applicationSecret = readSecret(asFile);
    o.consumerKey = readSecret(ckFile);
    o.adminToken = readSecret(adminTokenFile);
    ApiServer server(o, std::move(*account), std::move(*pdns));
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
    pthread_kill(signals.native_handle(), SIGTERM);
    signals.join();
  } catch (const std::exception& e) {
    std::cerr << "ovh-emulator: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
