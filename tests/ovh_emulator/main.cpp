// ovh-emulator: a strict stand-in for the OVHcloud API v1 reverse-DNS calls,
// for ptrd's integration tests. Prints "listening on 127.0.0.1:PORT" on stdout
// once it accepts connections; logs go to stderr.
//
//   ovh-emulator --application-key-file AK --application-secret-file AS
//                --consumer-key-file CK --admin-token-file T --account A
//                --pdns-url http://127.0.0.1:8081 --pdns-key-file K --dns-port 5300
//                [--port 0] [--seed-dns]
#include <CLI/CLI.hpp>
#include <memory>
#include <stdexcept>

#include "tests/emulator_kit/serve.h"
#include "tests/ovh_emulator/api_server.h"

int main(int argc, char** argv) {
  namespace kit = ptrd::emulator_kit;
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

  std::unique_ptr<ApiServer> server;
  return kit::serve("ovh-emulator", port, [&] {
    auto account = Account::load(accountFile);
    if (!account) throw std::runtime_error(account.error().message);
    auto pdns = kit::PdnsWriter::make(pdnsUrl, kit::readSecret(pdnsKeyFile));
    if (!pdns) throw std::runtime_error(pdns.error().message);
    o.applicationKey = kit::readSecret(akFile);
    o.applicationSecret = kit::readSecret(asFile);
    o.consumerKey = kit::readSecret(ckFile);
    o.adminToken = kit::readSecret(adminTokenFile);
    server = std::make_unique<ApiServer>(o, std::move(*account), std::move(*pdns));
    if (seedDns) {
      if (auto err = server->seedDns(); !err.empty())
        throw std::runtime_error("seeding DNS: " + err);
    }
    return kit::servedBy(*server);
  });
}
