// UpdateServer: a real primary that takes TSIG-signed RFC 2136 UPDATEs and
// AXFRs on loopback (BIND 9 or Knot DNS), for one test, in a fresh temporary
// directory, on a port the kernel chose, with a freshly generated hmac-sha256
// key; stopped by PID when the object goes away.
//
//   auto dns = lab::startBind({.zones = {{"113.0.203.in-addr.arpa", "1 PTR
//   mail.example.com.\n"}}}); provider: rfc2136 {server: dns->address(), tsigKeyFile:
//   dns->keyFile(), ...} resolvers: [dns->address()]   // it answers queries for its zones too
//
// Every zone gets a SOA (negative TTL 30) and an NS record; `records` are
// appended with $ORIGIN set to the zone. The key may UPDATE and AXFR every zone.
// The constructor returns once every zone answers its SOA (polled with a
// deadline) and retries on another port if the chosen one was taken meanwhile.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/lab/child_process.h"

namespace ptrd::lab {

struct UpdateZone {
  std::string name;     // "113.0.203.in-addr.arpa" (no trailing dot needed)
  std::string records;  // zone-file lines relative to the zone's origin
};

struct UpdateServerOptions {
  std::vector<UpdateZone> zones;  // at least one
  std::string keyName = "ptrd";
  std::chrono::milliseconds startLimit{30000};
};

class UpdateServer {
 public:
  virtual ~UpdateServer();
  UpdateServer(const UpdateServer&) = delete;
  UpdateServer& operator=(const UpdateServer&) = delete;

  virtual std::string kind() const = 0;  // "bind", "knot"
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }
  // The key in BIND key-file syntax (what ptrd's tsigKeyFile and nsupdate -k read).
  std::string keyFile() const { return dir_ + "/ptrd.key"; }
  const std::string& keyName() const { return options_.keyName; }
  const std::string& keySecret() const { return secret_; }

 protected:
  explicit UpdateServer(UpdateServerOptions options);
  // Writes the config and zone files for port_ and starts the server process.
  virtual std::unique_ptr<ChildProcess> launch() = 0;
  // Starts it (retrying on another port); call at the end of the derived constructor.
  void start();
  // The zone file's name inside dir_ ('/' of RFC 2317 names is not a file name character).
  static std::string zoneFile(const UpdateZone& z);
  // SOA, NS and the zone's records.
  static std::string zoneText(const UpdateZone& z);

  UpdateServerOptions options_;
  std::string dir_;
  std::string secret_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;

 private:
  bool allZonesAnswer() const;
};

std::unique_ptr<UpdateServer> startBind(UpdateServerOptions options);  // named -g
std::unique_ptr<UpdateServer> startKnot(UpdateServerOptions options);  // knotd

// A BIND key file for `name` with a random hmac-sha256 secret; returns the secret.
std::string writeKeyFile(const std::string& path, const std::string& name);

}  // namespace ptrd::lab
