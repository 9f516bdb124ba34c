// noc-emulator: a strict stand-in for the hosting provider's NOC portal API, for
// ptrd's integration tests and benchmarks. Prints "listening on 127.0.0.1:PORT"
// on stdout once it accepts connections; logs go to stderr.
//
//   noc-emulator --token-file T --account A --pdns-url http://127.0.0.1:8081
//                --pdns-key-file K [--port 0] [--error-rate 0.2] [--seed-dns]
#include <CLI/CLI.hpp>
#include <memory>
#include <stdexcept>

#include "tests/emulator_kit/serve.h"
#include "tests/noc_emulator/api_server.h"

int main(int argc, char** argv) {
  namespace kit = ptrd::emulator_kit;
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

  std::unique_ptr<ApiServer> server;
  return kit::serve("noc-emulator", port, [&] {
    auto account = Account::load(accountFile);
    if (!account) throw std::runtime_error(account.error().message);
    auto pdns = PdnsWriter::make(pdnsUrl, kit::readSecret(pdnsKeyFile));
    if (!pdns) throw std::runtime_error(pdns.error().message);
    server =
        std::make_unique<ApiServer>(kit::readSecret(tokenFile), kit::readSecret(adminTokenFile),
                                    std::move(*account), std::move(*pdns), f);
    if (seedDns) {
      if (auto err = server->seedDns(); !err.empty())
        throw std::runtime_error("seeding DNS: " + err);
    }
    return kit::servedBy(*server);
  });
}
