// hetzner-robot-emulator: a strict stand-in for the Hetzner Robot webservice's
// reverse-DNS calls, for ptrd's integration tests. Prints "listening on
// 127.0.0.1:PORT" on stdout once it accepts connections; logs go to stderr.
//
//   hetzner-robot-emulator --user-file U --password-file P --admin-token-file A --account F
//                          --pdns-url http://127.0.0.1:8081 --pdns-key-file K [--port 0]
//                          [--seed-dns]
#include <CLI/CLI.hpp>
#include <memory>
#include <stdexcept>

#include "tests/emulator_kit/serve.h"
#include "tests/hetzner_robot_emulator/api_server.h"

int main(int argc, char** argv) {
  namespace kit = ptrd::emulator_kit;
  using namespace ptrd::hetzner_robot_emulator;
  CLI::App app{"Emulator of the Hetzner Robot webservice's reverse-DNS calls"};
  int port = 0;
  std::string userFile, passwordFile, adminTokenFile, accountFile, pdnsUrl, pdnsKeyFile;
  bool seedDns = false;
  ServerOptions o;
  auto& f = o.faults;
  app.add_option("--port", port, "TCP port on 127.0.0.1 (0: any free port)");
  app.add_option("--user-file", userFile, "file holding the webservice user")->required();
  app.add_option("--password-file", passwordFile, "file holding its password")->required();
  app.add_option("--admin-token-file", adminTokenFile, "bearer token for /admin")->required();
  app.add_option("--account", accountFile, "account file: ip/subnet/rdns lines")->required();
  app.add_option("--pdns-url", pdnsUrl, "PowerDNS API on loopback where changes are published");
  app.add_option("--pdns-key-file", pdnsKeyFile, "file holding the PowerDNS API key");
  app.add_flag("--seed-dns", seedDns, "publish every rDNS entry at start");
  app.add_option("--error-rate", f.errorRate, "share of API requests answered 500");
  app.add_option("--rate-limit-every", f.rateLimitEvery,
                 "RATE_LIMIT_EXCEEDED window in requests (0: off)");
  app.add_option("--rate-limit-burst", f.rateLimitBurst,
                 "RATE_LIMIT_EXCEEDED answers at the start of each window");
  app.add_option("--seed", f.seed, "fault RNG seed");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<ApiServer> server;
  return kit::serve("hetzner-robot-emulator", port, [&] {
    auto account = Account::load(accountFile);
    if (!account) throw std::runtime_error(account.error().message);
    auto pdns = kit::PdnsWriter::make(pdnsUrl, kit::readSecret(pdnsKeyFile));
    if (!pdns) throw std::runtime_error(pdns.error().message);
    o.user = kit::readSecret(userFile);
    o.password = kit::readSecret(passwordFile);
    o.adminToken = kit::readSecret(adminTokenFile);
    server = std::make_unique<ApiServer>(o, std::move(*account), std::move(*pdns));
    if (seedDns) {
      if (auto err = server->seedDns(); !err.empty())
        throw std::runtime_error("seeding DNS: " + err);
    }
    return kit::servedBy(*server);
  });
}
