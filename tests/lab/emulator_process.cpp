#include "tests/lab/emulator_process.h"

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "tests/lab/nsd_server.h"

namespace ptrd::lab {
namespace {

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

httplib::Client client(int port, const std::string& token) {
  httplib::Client c("127.0.0.1", port);
  c.set_bearer_token_auth(token.c_str());
  c.set_read_timeout(60, 0);
  return c;
}

}  // namespace

std::unique_ptr<EmulatorProcess> EmulatorProcess::linode(const PdnsServer& pdns,
                                                         const std::string& account,
                                                         std::vector<std::string> extraArgs) {
  std::random_device rd;
  std::vector<std::string> args = {"--pdns-url",      pdns.apiUrl(), "--pdns-key-file",
                                   pdns.apiKeyFile(), "--dns-port",  std::to_string(pdns.dnsPort()),
                                   "--seed-dns"};
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  return std::make_unique<EmulatorProcess>(
      PTRD_LINODE_EMULATOR_PATH,
      std::vector<std::pair<std::string, std::string>>{
          {"token", "lin" + std::to_string(rd()) + std::to_string(rd())}},
      account, std::move(args));
}

std::unique_ptr<EmulatorProcess> EmulatorProcess::hetznerRobot(const PdnsServer& pdns,
                                                               const std::string& account,
                                                               std::vector<std::string> extraArgs) {
  std::random_device rd;
  std::vector<std::string> args = {"--pdns-url", pdns.apiUrl(), "--pdns-key-file",
                                   pdns.apiKeyFile(), "--seed-dns"};
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  return std::make_unique<EmulatorProcess>(
      PTRD_HETZNER_ROBOT_EMULATOR_PATH,
      std::vector<std::pair<std::string, std::string>>{
          {"user", "#ws+" + std::to_string(rd())},
          {"password", "pw" + std::to_string(rd()) + std::to_string(rd())}},
      account, std::move(args));
}

EmulatorProcess::EmulatorProcess(const std::string& binary,
                                 const std::vector<std::pair<std::string, std::string>>& secrets,
                                 const std::string& account, std::vector<std::string> args) {
  dir_ = makeTempDir("ptrd-emu-");
  std::random_device rd;
  adminToken_ = "adm" + std::to_string(rd()) + std::to_string(rd());
  writeText(secretFile("admin-token"), adminToken_ + "\n");
  writeText(dir_ + "/account", account);
  std::vector<std::string> argv = {binary,
                                   "--port",
                                   "0",
                                   "--account",
                                   dir_ + "/account",
                                   "--admin-token-file",
                                   secretFile("admin-token")};
  for (const auto& [name, content] : secrets) {
    writeText(secretFile(name), content + "\n");
    argv.push_back("--" + name + "-file");
    argv.push_back(secretFile(name));
  }
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string out = dir_ + "/stdout";
  process_ = std::make_unique<ChildProcess>(argv, out, dir_ + "/stderr");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const std::string marker = "listening on 127.0.0.1:";
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = readFile(out);
    if (auto pos = text.find(marker);
        pos != std::string::npos && text.find('\n', pos) != std::string::npos) {
      port_ = std::stoi(text.substr(pos + marker.size()));
      return;
    }
    if (process_->waitFor(std::chrono::milliseconds(5))) break;  // it exited
  }
  std::string err = log();
  process_.reset();
  std::filesystem::remove_all(dir_);
  throw std::runtime_error(binary + " did not start:\n" + err);
}

EmulatorProcess::~EmulatorProcess() {
  process_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string EmulatorProcess::log() const {
  return readFile(dir_ + "/stderr");
}

nlohmann::json EmulatorProcess::requests() const {
  auto c = client(port_, adminToken_);
  auto r = c.Get("/admin/requests");
  if (!r || r->status != 200) throw std::runtime_error("emulator: GET /admin/requests failed");
  return nlohmann::json::parse(r->body);
}

void EmulatorProcess::clearRequests() const {
  auto c = client(port_, adminToken_);
  auto r = c.Delete("/admin/requests");
  if (!r || r->status != 200) throw std::runtime_error("emulator: DELETE /admin/requests failed");
}

void EmulatorProcess::setFaults(const nlohmann::json& faults) const {
  admin("/admin/faults", faults);
}

void EmulatorProcess::admin(const std::string& path, const nlohmann::json& body) const {
  auto c = client(port_, adminToken_);
  auto r = c.Post(path.c_str(), body.dump(), "application/json");
  if (!r || r->status != 200) throw std::runtime_error("emulator: POST " + path + " failed");
}

}  // namespace ptrd::lab
