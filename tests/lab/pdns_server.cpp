#include "tests/lab/pdns_server.h"

#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "tests/lab/dns_probe.h"
#include "tests/lab/free_port.h"
#include "tests/lab/nsd_server.h"

namespace ptrd::lab {
namespace {

using nlohmann::json;

constexpr int kPortAttempts = 5;
constexpr const char* kSchema = "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql";

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string randomKey() {
  std::random_device rd;
  std::string key;
  for (int i = 0; i < 4; ++i) key += std::to_string(rd());
  return key;
}

httplib::Client apiClient(const PdnsServer& s) {
  httplib::Client c("127.0.0.1", s.apiPort());
  c.set_default_headers({{"X-API-Key", s.apiKey()}});
  c.set_read_timeout(60, 0);
  return c;
}

}  // namespace

PdnsServer::PdnsServer(PdnsOptions options) : options_(options), apiKey_(randomKey()) {
  dir_ = makeTempDir("ptrd-pdns-");
  writeText(apiKeyFile(), apiKey_ + "\n");
  // The schema is loaded with the sqlite3 tool (as dns-lab.md verified); running
  // pdns_server as the same user, without setuid, keeps the database writable.
  auto r = runCommand({"sqlite3", "-init", kSchema, dir_ + "/pdns.sqlite3", ".quit"}, dir_);
  if (r.exit_code != 0) {
    std::filesystem::remove_all(dir_);
    throw std::runtime_error("PdnsServer: creating the database failed: " + r.err);
  }
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    if (startOnce()) return;
  }
  std::string log = readFile(dir_ + "/pdns.log");
  std::filesystem::remove_all(dir_);
  throw std::runtime_error("PdnsServer: pdns_server did not start; log:\n" + log);
}

PdnsServer::~PdnsServer() {
  process_.reset();  // SIGTERM (then SIGKILL) by PID before the files go away
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool PdnsServer::startOnce() {
  dnsPort_ = freePort();
  apiPort_ = freePort();
  if (apiPort_ == dnsPort_) return false;
  std::string conf =
      "launch=gsqlite3\n"
      "gsqlite3-database=" +
      dir_ +
      "/pdns.sqlite3\n"
      "security-poll-suffix=\n"
      "local-address=127.0.0.1\n"
      "local-port=" +
      std::to_string(dnsPort_) +
      "\n"
      "socket-dir=" +
      dir_ +
      "\n"
      "daemon=no\nguardian=no\ndisable-syslog=yes\nloglevel=4\n"
      "api=yes\napi-key=" +
      apiKey_ +
      "\n"
      "webserver=yes\nwebserver-address=127.0.0.1\n"
      "webserver-port=" +
      std::to_string(apiPort_) +
      "\n"
      "webserver-allow-from=127.0.0.1\n"
      "webserver-max-bodysize=256\n"
      "cache-ttl=0\nnegquery-cache-ttl=0\nquery-cache-ttl=0\nzone-cache-refresh-interval=0\n"
      "default-soa-content=ns1.lab.test. hostmaster.lab.test. 0 10800 3600 604800 30\n";
  writeText(dir_ + "/pdns.conf", conf);
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"pdns_server", "--config-dir=" + dir_}, dir_ + "/pdns.log",
      dir_ + "/pdns.log");
  auto deadline = std::chrono::steady_clock::now() + options_.startLimit;
  httplib::Client c("127.0.0.1", apiPort_);
  c.set_default_headers({{"X-API-Key", apiKey_}});
  c.set_connection_timeout(0, 200000);
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_->poll()) break;  // exited: most likely a port was taken
    // A refused connect returns at once: between tries, wait on the child (which
    // also notices at once if it exits) rather than spinning.
    auto r = c.Get("/api/v1/servers/localhost");
    if (r && r->status == 200 &&
        answersDns("127.0.0.1", dnsPort_, "lab.test", std::chrono::milliseconds(200)))
      return true;
    if (!r || r->status != 200) process_->waitFor(std::chrono::milliseconds(20));
  }
  process_.reset();
  return false;
}

void PdnsServer::createZone(const std::string& name) {
  auto c = apiClient(*this);
  json body = {{"name", name}, {"kind", "Native"}, {"nameservers", {"ns1.lab.test."}}};
  auto r = c.Post("/api/v1/servers/localhost/zones", body.dump(), "application/json");
  if (!r || r->status != 201)
    throw std::runtime_error("PdnsServer: creating zone " + name +
                             " failed: " + (r ? r->body : "no answer"));
}

void PdnsServer::setRecords(const std::string& zone, const std::vector<PdnsRecord>& records) {
  std::map<std::pair<std::string, std::string>, json> rrsets;
  for (const auto& rec : records) {
    json& rr = rrsets[{rec.name, rec.type}];
    if (rr.is_null())
      rr = {{"name", rec.name},
            {"type", rec.type},
            {"ttl", rec.ttl},
            {"changetype", "REPLACE"},
            {"records", json::array()}};
    rr["records"].push_back({{"content", rec.content}, {"disabled", false}});
  }
  json body = {{"rrsets", json::array()}};
  for (auto& [k, rr] : rrsets) body["rrsets"].push_back(std::move(rr));
  auto c = apiClient(*this);
  auto r =
      c.Patch(("/api/v1/servers/localhost/zones/" + zone).c_str(), body.dump(), "application/json");
  if (!r || r->status != 204)
    throw std::runtime_error("PdnsServer: updating zone " + zone +
                             " failed: " + (r ? r->body : "no answer"));
}

std::map<std::string, std::vector<std::string>> PdnsServer::ptrRecords(
    const std::string& zone) const {
  auto c = apiClient(*this);
  auto r = c.Get(("/api/v1/servers/localhost/zones/" + zone).c_str());
  if (!r || r->status != 200)
    throw std::runtime_error("PdnsServer: reading zone " + zone +
                             " failed: " + (r ? r->body : "no answer"));
  std::map<std::string, std::vector<std::string>> out;
  const json zoneJson =
      json::parse(r->body);  // named: a range-for over a temporary's member dangles
  for (const auto& rr : zoneJson.at("rrsets")) {
    if (rr.at("type") != "PTR") continue;
    auto& contents = out[rr.at("name").get<std::string>()];
    for (const auto& rec : rr.at("records"))
      contents.push_back(rec.at("content").get<std::string>());
    std::sort(contents.begin(), contents.end());
  }
  return out;
}

}  // namespace ptrd::lab
