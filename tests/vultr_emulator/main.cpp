// vultr-emulator: a strict stand-in for the Vultr API v2's reverse-DNS calls,
// for ptrd's integration tests. Prints "listening on 127.0.0.1:PORT" on stdout
// once it accepts connections; logs go to stderr.
//
//   vultr-emulator --token-file T --account A --pdns-url http://127.0.0.1:8081
//                  --pdns-key-file K [--port 0] [--seed-dns] [--requests-per-second 30]
#include <CLI/CLI.hpp>
#include <memory>
#include <stdexcept>

#include "tests/emulator_kit/serve.h"
#include "tests/vultr_emulator/api_server.h"

int main(int argc, char** argv) {
  using namespace ptrd::vultr_emulator;
  namespace kit = ptrd::emulator_kit;
  CLI::App app{"Emulator of the Vultr API's reverse-DNS calls"};
  int port = 0;
  std::string tokenFile, adminTokenFile, accountFile, pdnsUrl, pdnsKeyFile;
  bool seedDns = false;
  ServerOptions o;
  auto& f = o.faults;
  app.add_option("--port", port, "TCP port on 127.0.0.1 (0: any free port)");
  app.add_option("--token-file", tokenFile, "file holding the account's API key")->required();
  app.add_option("--admin-token-file", adminTokenFile,
                 "bearer token for /admin (default: the account's)");
  app.add_option("--account", accountFile, "account file: INSTANCE ITEM [REVERSE] per line")
      ->required();
  app.add_option("--pdns-url", pdnsUrl, "PowerDNS API on loopback where changes are published");
  app.add_option("--pdns-key-file", pdnsKeyFile, "file holding the PowerDNS API key");
  app.add_option("--requests-per-second", o.requestsPerSecond,
                 "API requests served per second before 429 (Vultr: 30)");
  app.add_flag("--seed-dns", seedDns, "publish every current reverse at start");
  app.add_option("--error-rate", f.errorRate, "share of API requests answered 500");
  app.add_option("--rate-limit-every", f.rateLimitEvery, "429 window length in requests (0: off)");
  app.add_option("--rate-limit-burst", f.rateLimitBurst, "429s at the start of each window");
  app.add_option("--seed", f.seed, "fault RNG seed");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<ApiServer> server;
  return kit::serve("vultr-emulator", port, [&] {
    auto account = Account::load(accountFile);
    if (!account) throw std::runtime_error(account.error().message);
    auto pdns = kit::PdnsWriter::make(pdnsUrl, kit::readSecret(pdnsKeyFile));
    if (!pdns) throw std::runtime_error(pdns.error().message);
    o.token = kit::readSecret(tokenFile);
    o.adminToken = kit::readSecret(adminTokenFile);
    server = std::make_unique<ApiServer>(o, std::move(*account), std::move(*pdns));
    if (seedDns) {
      if (auto err = server->seedDns(); !err.empty())
        throw std::runtime_error("seeding DNS: " + err);
    }
    return kit::servedBy(*server);
  });
}
