// BIND 9 (named) as an UpdateServer: the recipe of the project's DNS lab notes.
// named runs as the current user in the foreground (-g logs to stderr), in its
// own directory (journals, session key, managed keys), on 127.0.0.1 only.
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

class BindServer : public UpdateServer {
 public:
  explicit BindServer(UpdateServerOptions options) : UpdateServer(std::move(options)) { start(); }
  std::string kind() const override { return "bind"; }

 private:
  std::unique_ptr<ChildProcess> launch() override {
    std::string conf = "include \"" + keyFile() + "\";\n";
    conf += "options {\n  directory \"" + dir_ + "\";\n  pid-file \"" + dir_ + "/named.pid\";\n";
    conf += "  session-keyfile \"" + dir_ + "/session.key\";\n";
    conf += "  listen-on port " + std::to_string(port_) +
            " { 127.0.0.1; };\n  listen-on-v6 { none; };\n";
    conf +=
        "  recursion no;\n  notify no;\n  dnssec-validation no;\n  allow-query { 127.0.0.1; "
        "};\n};\n";
    conf += "controls { };\n";
    for (const auto& z : options_.zones) {
      writeText(dir_ + "/" + zoneFile(z), zoneText(z));
      conf += "zone \"" + z.name + "\" {\n  type primary;\n  file \"" + dir_ + "/" + zoneFile(z) +
              "\";\n";
      conf += "  allow-update { key \"" + keyName() + "\"; };\n";
      conf += "  allow-transfer { key \"" + keyName() + "\"; };\n};\n";
    }
    writeText(dir_ + "/named.conf", conf);
    // -n 1: one worker thread; the machine's cores are shared by every test.
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"named", "-g", "-n", "1", "-c", dir_ + "/named.conf"},
        dir_ + "/server.log", dir_ + "/server.log");
  }
};

}  // namespace

std::unique_ptr<UpdateServer> startBind(UpdateServerOptions options) {
  return std::make_unique<BindServer>(std::move(options));
}

}  // namespace ptrd::lab
