// linode-emulator: a strict stand-in for the Linode API v4's reverse-DNS calls,
// for ptrd's integration tests. Prints "listening on 127.0.0.1:PORT" on stdout
// once it accepts connections; logs go to stderr.
//
//   linode-emulator --token-file T --account A --pdns-url http://127.0.0.1:8081
//                   --pdns-key-file K --dns-port 5300 [--port 0] [--seed-dns]
#include <CLI/CLI.hpp>
#include <memory>
#include <stdexcept>

#include "tests/emulator_kit/serve.h"
#include "tests/linode_emulator/api_server.h"

int main(int argc, char** argv) {
  namespace kit = ptrd::emulator_kit;
  using namespace ptrd::linode_emulator;
  CLI::App app{"Emulator of the Linode API's reverse-DNS calls"};
  int port = 0;
  std::string tokenFile, adminTokenFile, accountFile, pdnsUrl, pdnsKeyFile;
  bool seedDns = false;
  ServerOptions o;
  auto& f = o.faults;
  app.add_option("--port", port, "TCP port on 127.0.0.1 (0: any free port)");
  app.add_option("--token-file", tokenFile, "file holding the account's bearer token")->required();
  app.add_option("--admin-token-file", adminTokenFile,
                 "bearer token for /admin (default: the account's)");
  app.add_option("--account", accountFile, "account file: IP [RDNS] per line")->required();
  app.add_option("--pdns-url", pdnsUrl, "PowerDNS API on loopback where changes are published");
  app.add_option("--pdns-key-file", pdnsKeyFile, "file holding the PowerDNS API key");
  app.add_option("--dns-port", o.dnsPort,
                 "DNS port on 127.0.0.1 for Linode's forward check (0: none)");
  app.add_flag("--seed-dns", seedDns, "publish every address's current rDNS at start");
  app.add_option("--error-rate", f.errorRate, "share of API requests answered 500");
  app.add_option("--rate-limit-every", f.rateLimitEvery, "429 window length in requests (0: off)");
  app.add_option("--rate-limit-burst", f.rateLimitBurst, "429s at the start of each window");
  app.add_option("--retry-after", f.retryAfterSeconds, "Retry-After seconds on 429");
  app.add_option("--seed", f.seed, "fault RNG seed");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<ApiServer> server;
  return kit::serve("linode-emulator", port, [&] {
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
