// Knot DNS (knotd) as an UpdateServer: one ACL lets the key update and transfer
// every zone; journals and timers live in the server's own directory and the
// zone files are never written back (zonefile-sync: -1).
#include <fstream>
#include <stdexcept>

#include "tests/lab/update_server.h"

namespace ptrd::lab {
namespace {

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

class KnotServer : public UpdateServer {
 public:
  explicit KnotServer(UpdateServerOptions options) : UpdateServer(std::move(options)) { start(); }
  std::string kind() const override { return "knot"; }

 private:
  std::unique_ptr<ChildProcess> launch() override {
    std::string conf =
        "server:\n  rundir: \"" + dir_ + "\"\n  listen: 127.0.0.1@" + std::to_string(port_) + "\n";
    conf += "  udp-workers: 1\n  tcp-workers: 1\n  background-workers: 1\n";
    conf += "control:\n  listen: \"" + dir_ + "/knot.sock\"\n";
    conf += "database:\n  storage: \"" + dir_ + "\"\n";
    conf += "log:\n  - target: stderr\n    any: info\n";
    conf += "key:\n  - id: " + keyName() +
            "\n    algorithm: hmac-sha256\n    secret: " + keySecret() + "\n";
    conf += "acl:\n  - id: ptrd_acl\n    key: " + keyName() + "\n    action: [update, transfer]\n";
    conf += "template:\n  - id: default\n    storage: \"" + dir_ + "\"\n    zonefile-sync: -1\n";
    conf += "    zonefile-load: whole\n    journal-content: changes\n    semantic-checks: off\n";
    conf += "zone:\n";
    for (const auto& z : options_.zones) {
      writeText(dir_ + "/" + zoneFile(z), zoneText(z));
      conf +=
          "  - domain: \"" + z.name + "\"\n    file: \"" + zoneFile(z) + "\"\n    acl: ptrd_acl\n";
    }
    writeText(dir_ + "/knot.conf", conf);
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"knotd", "-c", dir_ + "/knot.conf"}, dir_ + "/server.log",
        dir_ + "/server.log");
  }
};

}  // namespace

std::unique_ptr<UpdateServer> startKnot(UpdateServerOptions options) {
  return std::make_unique<KnotServer>(std::move(options));
}

}  // namespace ptrd::lab
