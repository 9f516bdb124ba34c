// NsdServer: a real NSD 4 authoritative server on loopback for one test, in its
// own temporary directory, on a port the kernel chose, stopped by PID when the
// object goes away.
//
//   NsdServer nsd({.zones = {{"example.com", "mail A 192.0.2.1\n"},
//                            {"2.0.192.in-addr.arpa", "1 PTR mail.example.com.\n"}}});
//   opts.servers = {nsd.address()};   // "127.0.0.1:PORT"
//
// Every zone gets a SOA (negative TTL 30) and an NS record; `records` are
// appended with $ORIGIN set to the zone. A `broken` zone gets a file NSD cannot
// load, and NSD then answers SERVFAIL for it; a zone NSD does not serve gets
// REFUSED. The constructor returns only once NSD answers queries (polled with a
// deadline), and retries on another port if the chosen one was taken meanwhile.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/lab/child_process.h"

namespace ptrd::lab {

struct NsdZone {
  std::string name;     // "example.com" (no trailing dot needed)
  std::string records;  // zone-file lines relative to the zone's origin
  bool broken = false;  // write an unloadable file: queries get SERVFAIL
};

struct NsdOptions {
  std::vector<NsdZone> zones;  // at least one that is not broken
  bool ipv6 = false;           // also listen on [::1]:port
  // Extra listeners in NSD syntax, e.g. "127.0.0.53@53" for tools fixed to port 53.
  std::vector<std::string> extra_listeners;
  int server_count = 1;  // NSD worker processes
  std::chrono::milliseconds start_limit{30000};
};

class NsdServer {
 public:
  explicit NsdServer(NsdOptions options);  // throws std::runtime_error with NSD's log
  ~NsdServer();
  NsdServer(const NsdServer&) = delete;
  NsdServer& operator=(const NsdServer&) = delete;

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string address6() const { return "[::1]:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }

 private:
  bool startOnce();  // false: the port was taken, try another
  void writeFiles() const;

  NsdOptions options_;
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

// A fresh directory under $TMPDIR (or /tmp); the caller removes it.
std::string makeTempDir(const std::string& prefix);

}  // namespace ptrd::lab
