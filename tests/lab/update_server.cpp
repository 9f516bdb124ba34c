#include "tests/lab/update_server.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "tests/lab/free_port.h"
#include "tests/lab/nsd_server.h"  // makeTempDir

namespace ptrd::lab {
namespace {

constexpr int kPortAttempts = 5;

std::string base64(const std::vector<unsigned char>& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = uint32_t(in[i]) << 16;
    if (i + 1 < in.size()) v |= uint32_t(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= in[i + 2];
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += i + 1 < in.size() ? k[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? k[v & 63] : '=';
  }
  return out;
}

}  // namespace

std::string writeKeyFile(const std::string& path, const std::string& name) {
  std::random_device rd;
  std::vector<unsigned char> bytes(32);
  for (auto& b : bytes) b = static_cast<unsigned char>(rd());
  std::string secret = base64(bytes);
  std::ofstream out(path);
  out << "key \"" << name << "\" {\n\talgorithm hmac-sha256;\n\tsecret \"" << secret << "\";\n};\n";
  if (!out) throw std::runtime_error("cannot write " + path);
  return secret;
}

UpdateServer::UpdateServer(UpdateServerOptions options) : options_(std::move(options)) {
  if (options_.zones.empty()) throw std::runtime_error("UpdateServer: need at least one zone");
  dir_ = makeTempDir("ptrd-update-");
  secret_ = writeKeyFile(keyFile(), options_.keyName);
}

UpdateServer::~UpdateServer() {
  process_.reset();  // stops the server by PID before its files go away
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string UpdateServer::zoneFile(const UpdateZone& z) {
  std::string f = z.name;
  for (char& c : f)
    if (c == '/') c = '_';
  return f + ".zone";
}

std::string UpdateServer::zoneText(const UpdateZone& z) {
  return "$ORIGIN " + z.name +
         ".\n$TTL 60\n@ SOA ns1.lab.test. hostmaster.lab.test. 1 3600 600 86400 30\n"
         "@ NS ns1.lab.test.\n" +
         z.records;
}

bool UpdateServer::allZonesAnswer() const {
  for (const auto& z : options_.zones) {
    auto r = runCommand({"dig", "@127.0.0.1", "-p", std::to_string(port_), z.name, "SOA", "+short",
                         "+time=1", "+tries=1"},
                        dir_, std::chrono::milliseconds(5000));
    if (r.exit_code != 0 || r.out.find("ns1.lab.test.") == std::string::npos) return false;
  }
  return true;
}

void UpdateServer::start() {
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    port_ = freePort();
    process_ = launch();
    const auto deadline = std::chrono::steady_clock::now() + options_.startLimit;
    while (std::chrono::steady_clock::now() < deadline && !process_->poll()) {
      if (allZonesAnswer()) return;
      process_->waitFor(std::chrono::milliseconds(50));
    }
    const bool exited = process_->poll().has_value();
    process_.reset();
    const std::string log = readFile(dir_ + "/server.log");
    if (exited && (log.find("in use") != std::string::npos ||
                   log.find("address already") != std::string::npos))
      continue;  // lost the race for the port
    throw std::runtime_error("UpdateServer (" + kind() + "): did not serve its zones on port " +
                             std::to_string(port_) + "; log:\n" + log);
  }
  throw std::runtime_error("UpdateServer (" + kind() + "): no free port after retries");
}

}  // namespace ptrd::lab
