// The emulated OVHcloud API v1, reverse-DNS part, strict about what the real
// platform rejects: every call but /auth/time signed exactly as OVH's clients
// sign (a wrong application key, consumer key or secret, a body changed after
// signing, or a timestamp too far from the API's clock gets OVH's own error),
// blocks URL-encoded in the path, unknown fields refused, OVH's own forward
// check against the lab DNS, and every change published in PowerDNS.
//   GET  /1.0/auth/time                  GET /1.0/ip
//   GET  /1.0/ip/{block}/reverse         GET /1.0/ip/{block}/reverse/{ip}
//   POST /1.0/ip/{block}/reverse {"ipReverse", "reverse"}
//   DELETE /1.0/ip/{block}/reverse/{ip}
// Besides ApiFront's /admin endpoints:
//   POST /admin/forward {"resolver": "ok" | "stale" | "failing"}   OVH's own
//     resolver: "stale" sees no forward record ("x. does not resolve to ip"),
//     "failing" cannot look names up ("Cannot check if x. resolves to ip")
//   POST /admin/clock {"skewSeconds": n, "authTime": "honest" | "local"}   the
//     API's clock runs n seconds ahead of this machine's; "local" makes
//     /auth/time answer this machine's time instead (a client then signs with
//     the wrong time and is refused)
// Listens on 127.0.0.1 only.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "tests/emulator_kit/api_front.h"
#include "tests/emulator_kit/pdns_writer.h"
#include "tests/ovh_emulator/account.h"

namespace ptrd::ovh_emulator {

// How far a request's timestamp may be from the API's clock.
inline constexpr int64_t kAllowedSkewSeconds = 120;

struct ServerOptions {
  std::string applicationKey;
  std::string applicationSecret;
  std::string consumerKey;
  std::string adminToken;
  std::string dnsServer = "127.0.0.1";  // where the forward check asks
  int dnsPort = 0;                      // 0: no forward check
  emulator_kit::FaultSettings faults;
};

class ApiServer {
 public:
  ApiServer(ServerOptions options, Account account, std::unique_ptr<emulator_kit::PdnsWriter> pdns);
  ~ApiServer();

  int bind(int port);  // 0 = ephemeral; returns the port or -1
  bool listen() { return server_.listen_after_bind(); }
  void stop();
  std::string seedDns();  // publishes every custom reverse

 private:
  void routes();
  void api(const httplib::Request& req, httplib::Response& res);
  // Empty when the request is signed right; else writes OVH's error and says so.
  bool signedRight(const httplib::Request& req, httplib::Response& res) const;
  void post(const Cidr& block, const httplib::Request& req, httplib::Response& res);
  int64_t apiNow() const;

  ServerOptions options_;
  std::mutex accountMu_;
  Account account_;
  std::unique_ptr<emulator_kit::PdnsWriter> pdns_;
  std::atomic<int> resolver_{0};  // 0 ok, 1 stale, 2 failing
  std::atomic<int64_t> skew_{0};
  std::atomic<bool> honestTime_{true};
  httplib::Server server_;
  std::unique_ptr<emulator_kit::ApiFront> front_;
};

}  // namespace ptrd::ovh_emulator
