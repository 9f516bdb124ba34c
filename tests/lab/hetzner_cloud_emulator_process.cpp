#include "tests/lab/hetzner_cloud_emulator_process.h"

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

HetznerCloudEmulatorProcess::HetznerCloudEmulatorProcess(const PdnsServer& pdns,
                                                         HetznerCloudEmulatorOptions options) {
  dir_ = makeTempDir("ptrd-hcloud-");
  std::random_device rd;
  token_ = "hc" + std::to_string(rd()) + std::to_string(rd());
  writeText(tokenFile(), token_ + "\n");
  writeText(dir_ + "/account.json", options.account);
  std::vector<std::string> argv = {PTRD_HCLOUD_EMULATOR_PATH,
                                   "--port",
                                   "0",
                                   "--token-file",
                                   tokenFile(),
                                   "--account",
                                   dir_ + "/account.json",
                                   "--pdns-url",
                                   pdns.apiUrl(),
                                   "--pdns-key-file",
                                   pdns.apiKeyFile()};
  if (options.seedDns) argv.push_back("--seed-dns");
  argv.insert(argv.end(), options.extraArgs.begin(), options.extraArgs.end());
  const std::string out = dir_ + "/stdout";
  process_ = std::make_unique<ChildProcess>(argv, out, dir_ + "/stderr");
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
  throw std::runtime_error("hetzner-cloud-emulator did not start:\n" + err);
}

HetznerCloudEmulatorProcess::~HetznerCloudEmulatorProcess() {
  process_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string HetznerCloudEmulatorProcess::log() const {
  return readFile(dir_ + "/stderr");
}

nlohmann::json HetznerCloudEmulatorProcess::requests() const {
  auto r = client(port_, token_).Get("/admin/requests");
  if (!r || r->status != 200)
    throw std::runtime_error("hetzner-cloud-emulator: GET /admin/requests failed");
  return nlohmann::json::parse(r->body);
}

void HetznerCloudEmulatorProcess::clearRequests() const {
  auto r = client(port_, token_).Delete("/admin/requests");
  if (!r || r->status != 200)
    throw std::runtime_error("hetzner-cloud-emulator: DELETE /admin/requests failed");
}

nlohmann::json HetznerCloudEmulatorProcess::writes() const {
  auto r = client(port_, token_).Get("/admin/writes");
  if (!r || r->status != 200)
    throw std::runtime_error("hetzner-cloud-emulator: GET /admin/writes failed");
  return nlohmann::json::parse(r->body);
}

void HetznerCloudEmulatorProcess::setFaults(const nlohmann::json& faults) const {
  auto r = client(port_, token_).Post("/admin/faults", faults.dump(), "application/json");
  if (!r || r->status != 200)
    throw std::runtime_error("hetzner-cloud-emulator: POST /admin/faults failed");
}

void HetznerCloudEmulatorProcess::spendBudgetElsewhere(int requests) const {
  nlohmann::json body = {{"spent_elsewhere", requests}};
  auto r = client(port_, token_).Post("/admin/budget", body.dump(), "application/json");
  if (!r || r->status != 200)
    throw std::runtime_error("hetzner-cloud-emulator: POST /admin/budget failed");
}

}  // namespace ptrd::lab
