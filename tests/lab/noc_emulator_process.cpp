#include "tests/lab/noc_emulator_process.h"

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

NocEmulatorProcess::NocEmulatorProcess(const PdnsServer& pdns, NocEmulatorOptions options) {
  dir_ = makeTempDir("ptrd-noc-");
  std::random_device rd;
  token_ = "tok" + std::to_string(rd()) + std::to_string(rd());
  writeText(tokenFile(), token_ + "\n");
  writeText(dir_ + "/account", options.account);
  std::vector<std::string> argv = {PTRD_NOC_EMULATOR_PATH, "--port",         "0",
                                   "--token-file",         tokenFile(),      "--account",
                                   dir_ + "/account",      "--pdns-url",     pdns.apiUrl(),
                                   "--pdns-key-file",      pdns.apiKeyFile()};
  if (options.seedDns) argv.push_back("--seed-dns");
  argv.insert(argv.end(), options.extraArgs.begin(), options.extraArgs.end());
  const std::string out = dir_ + "/stdout";
  process_ = std::make_unique<ChildProcess>(argv, out, dir_ + "/stderr");
  // The emulator binds port 0 and prints the port once it accepts connections;
  // wait for that line (or its exit) with a deadline.
  auto deadline = std::chrono::steady_clock::now() + options.startLimit;
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
  throw std::runtime_error("noc-emulator did not start:\n" + err);
}

NocEmulatorProcess::~NocEmulatorProcess() {
  process_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string NocEmulatorProcess::log() const {
  return readFile(dir_ + "/stderr");
}

nlohmann::json NocEmulatorProcess::requests() const {
  auto c = client(port_, token_);
  auto r = c.Get("/admin/requests");
  if (!r || r->status != 200) throw std::runtime_error("noc-emulator: GET /admin/requests failed");
  return nlohmann::json::parse(r->body);
}

void NocEmulatorProcess::clearRequests() const {
  auto c = client(port_, token_);
  auto r = c.Delete("/admin/requests");
  if (!r || r->status != 200)
    throw std::runtime_error("noc-emulator: DELETE /admin/requests failed");
}

void NocEmulatorProcess::setFaults(const nlohmann::json& faults) const {
  auto c = client(port_, token_);
  auto r = c.Post("/admin/faults", faults.dump(), "application/json");
  if (!r || r->status != 200) throw std::runtime_error("noc-emulator: POST /admin/faults failed");
}

int NocEmulatorProcess::getStatus(const std::string& path, std::string* body) const {
  auto c = client(port_, token_);
  auto r = c.Get(path.c_str());
  if (r && body != nullptr) *body = r->body;
  return r ? r->status : 0;
}

int NocEmulatorProcess::setPtr(const std::string& ip, const std::string& ptr) const {
  auto c = client(port_, token_);
  auto r = c.Put(("/v1/ips/" + ip + "/ptr").c_str(), nlohmann::json{{"ptr", ptr}}.dump(),
                 "application/json");
  return r ? r->status : 0;
}

}  // namespace ptrd::lab
