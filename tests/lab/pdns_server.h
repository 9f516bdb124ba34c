// PdnsServer: a real PowerDNS Authoritative server (gsqlite3 backend, HTTP API)
// on loopback for one test or benchmark, in a fresh temporary directory, with DNS
// and API on ports the kernel chose; stopped by PID when the object goes away.
// The configuration carries security-poll-suffix= (so it
// never asks the internet, all caches off so API writes show in DNS at once).
//
//   PdnsServer pdns;
//   pdns.createZone("113.0.203.in-addr.arpa.");
//   pdns.setRecords("113.0.203.in-addr.arpa.", {{"10.113.0.203.in-addr.arpa.", "PTR",
//   "a.example."}}); provider config: url = pdns.apiUrl(), apiKeyFile = pdns.apiKeyFile()
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/lab/child_process.h"

namespace ptrd::lab {

struct PdnsOptions {
  std::chrono::milliseconds startLimit{30000};
};

struct PdnsRecord {
  std::string name;     // absolute, trailing dot
  std::string type;     // "PTR", "A", ...
  std::string content;  // "mail.example.com."
  uint32_t ttl = 60;
};

class PdnsServer {
 public:
  explicit PdnsServer(PdnsOptions options = {});  // throws std::runtime_error with the server's log
  ~PdnsServer();
  PdnsServer(const PdnsServer&) = delete;
  PdnsServer& operator=(const PdnsServer&) = delete;

  int dnsPort() const { return dnsPort_; }
  int apiPort() const { return apiPort_; }
  std::string dnsAddress() const { return "127.0.0.1:" + std::to_string(dnsPort_); }
  std::string apiUrl() const { return "http://127.0.0.1:" + std::to_string(apiPort_); }
  const std::string& apiKey() const { return apiKey_; }
  std::string apiKeyFile() const { return dir_ + "/api-key"; }
  const std::string& dir() const { return dir_; }

  // A Native zone (no NOTIFY) with an NS record; throws on failure.
  void createZone(const std::string& name);
  // REPLACEs the rrset of each (name, type) with the given records, one PATCH.
  void setRecords(const std::string& zone, const std::vector<PdnsRecord>& records);
  // Owner name -> PTR contents (sorted) of every PTR rrset in the zone, via the API.
  std::map<std::string, std::vector<std::string>> ptrRecords(const std::string& zone) const;

 private:
  bool startOnce();  // false: a port was taken meanwhile, try others

  PdnsOptions options_;
  std::string dir_;
  std::string apiKey_;
  int dnsPort_ = 0;
  int apiPort_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace ptrd::lab
