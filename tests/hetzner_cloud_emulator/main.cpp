// hetzner-cloud-emulator: a strict stand-in for the Hetzner Cloud API's PTR
// parts, for ptrd's integration tests. Prints "listening on 127.0.0.1:PORT" on
// stdout once it accepts connections; logs go to stderr.
//
//   hetzner-cloud-emulator --token-file T --account A.json --pdns-url http://127.0.0.1:8081
//                          --pdns-key-file K [--port 0] [--limit 3600 --window-s 3600] [--seed-dns]
#include <CLI/CLI.hpp>
#include <memory>
#include <stdexcept>

#include "tests/emulator_kit/serve.h"
#include "tests/hetzner_cloud_emulator/api_server.h"

int main(int argc, char** argv) {
  namespace kit = ptrd::emulator_kit;
  using namespace ptrd::hcloud_emulator;
  CLI::App app{"Emulator of the Hetzner Cloud API's reverse-DNS parts"};
  int port = 0;
  std::string tokenFile, accountFile, pdnsUrl, pdnsKeyFile;
  bool seedDns = false;
  FaultSettings f;
  BudgetSettings b;
  app.add_option("--port", port, "TCP port on 127.0.0.1 (0: any free port)");
  app.add_option("--token-file", tokenFile, "file holding the project's API token")->required();
  app.add_option("--account", accountFile, "project file (JSON, see account.h)")->required();
  app.add_option("--pdns-url", pdnsUrl,
                 "PowerDNS API on loopback where applied PTRs are published");
  app.add_option("--pdns-key-file", pdnsKeyFile, "file holding the PowerDNS API key");
  app.add_flag("--seed-dns", seedDns, "publish every address's current PTR at start");
  app.add_option("--limit", b.limit, "requests in a full budget (RateLimit-Limit)")
      ->check(CLI::PositiveNumber);
  app.add_option("--window-s", b.windowSeconds, "seconds the budget takes to refill from empty")
      ->check(CLI::PositiveNumber);
  app.add_option("--error-rate", f.errorRate, "share of /v1 requests answered 503");
  app.add_option("--rate-limit-every", f.rateLimitEvery,
                 "injected 429 window length in requests (0: off)");
  app.add_option("--rate-limit-burst", f.rateLimitBurst, "429s at the start of each window");
  app.add_option("--retry-after", f.retryAfterSeconds, "Retry-After seconds on an injected 429");
  app.add_option("--action-delay-ms", f.jobDelayMs, "how long an action runs");
  app.add_option("--seed", f.seed, "fault RNG seed");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<ApiServer> server;
  return kit::serve("hetzner-cloud-emulator", port, [&] {
    auto account = Account::load(accountFile);
    if (!account) throw std::runtime_error(account.error().message);
    auto pdns = PdnsWriter::make(pdnsUrl, kit::readSecret(pdnsKeyFile));
    if (!pdns) throw std::runtime_error(pdns.error().message);
    server = std::make_unique<ApiServer>(kit::readSecret(tokenFile), std::move(*account),
                                         std::move(*pdns), f, b);
    if (seedDns) {
      if (auto err = server->seedDns(); !err.empty())
        throw std::runtime_error("seeding DNS: " + err);
    }
    return kit::servedBy(*server);
  });
}
