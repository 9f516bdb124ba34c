// aws-ec2-emulator: a strict stand-in for the EC2 Query API's Elastic IP
// reverse-DNS calls, for ptrd's integration tests. Prints "listening on
// 127.0.0.1:PORT" on stdout once it accepts connections; logs go to stderr.
//
//   aws-ec2-emulator --access-key-id-file K --secret-access-key-file S --account A
//                    --region eu-central-1 --pdns-url http://127.0.0.1:8081
//                    --pdns-key-file P --dns-port 5300 [--port 0] [--seed-dns]
#include <CLI/CLI.hpp>
#include <memory>
#include <stdexcept>

#include "tests/aws_ec2_emulator/api_server.h"
#include "tests/emulator_kit/serve.h"

int main(int argc, char** argv) {
  using namespace ptrd::aws_ec2_emulator;
  namespace kit = ptrd::emulator_kit;
  CLI::App app{"Emulator of the EC2 Query API's Elastic IP reverse-DNS calls"};
  int port = 0;
  std::string keyIdFile, secretFile, adminTokenFile, accountFile, pdnsUrl, pdnsKeyFile;
  bool seedDns = false;
  ServerOptions o;
  o.key.region = "eu-central-1";
  auto& f = o.faults;
  app.add_option("--port", port, "TCP port on 127.0.0.1 (0: any free port)");
  app.add_option("--access-key-id-file", keyIdFile, "file holding the access key id")->required();
  app.add_option("--secret-access-key-file", secretFile, "file holding the secret access key")
      ->required();
  app.add_option("--admin-token-file", adminTokenFile, "bearer token for /admin")->required();
  app.add_option("--account", accountFile, "account file: IP ALLOCATION-ID [PTR] per line")
      ->required();
  app.add_option("--region", o.key.region, "the region requests must be signed for");
  app.add_option("--pdns-url", pdnsUrl, "PowerDNS API on loopback where changes are published");
  app.add_option("--pdns-key-file", pdnsKeyFile, "file holding the PowerDNS API key");
  app.add_option("--dns-port", o.dnsPort,
                 "DNS port on 127.0.0.1 for AWS's forward check (0: none)");
  app.add_option("--pending-ms", o.pendingMs, "how long a PTR update stays PENDING");
  app.add_option("--page-size", o.pageSize, "DescribeAddressesAttribute items per page at most");
  app.add_flag("--seed-dns", seedDns, "publish every address's current PTR at start");
  app.add_option("--error-rate", f.errorRate, "share of API requests answered 500");
  app.add_option("--seed", f.seed, "fault RNG seed");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<ApiServer> server;
  return kit::serve("aws-ec2-emulator", port, [&] {
    auto account = Account::load(accountFile);
    if (!account) throw std::runtime_error(account.error().message);
    auto pdns = kit::PdnsWriter::make(pdnsUrl, kit::readSecret(pdnsKeyFile));
    if (!pdns) throw std::runtime_error(pdns.error().message);
    o.key.accessKeyId = kit::readSecret(keyIdFile);
    o.key.secretAccessKey = kit::readSecret(secretFile);
    o.adminToken = kit::readSecret(adminTokenFile);
    server = std::make_unique<ApiServer>(o, std::move(*account), std::move(*pdns));
    if (seedDns) {
      if (auto err = server->seedDns(); !err.empty())
        throw std::runtime_error("seeding DNS: " + err);
    }
    return kit::servedBy(*server);
  });
}
